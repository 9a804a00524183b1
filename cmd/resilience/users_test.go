package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

func TestUsersCommandAddsListsAndDisables(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "users.db")
	// Reference data must be present for the council check.
	prepareDB(t, db)
	var out strings.Builder
	add := []string{"users", "add", "--database", db, "--email", "Lead@Camden.gov.uk", "--role", "uploader", "--council", "202", "--password-stdin"}
	if err := run(ctx, add, strings.NewReader("short\n"), &out, io.Discard); err == nil || !strings.Contains(err.Error(), "12 characters") {
		t.Fatalf("a short password was accepted: %v", err)
	}
	if err := run(ctx, add, strings.NewReader("a quiet river under tall pines\n"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, add, strings.NewReader("a quiet river under tall pines\n"), &out, io.Discard); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("adding the same email twice: %v; want a conflict", err)
	}
	bad := []string{"users", "add", "--database", db, "--email", "x@y.gov.uk", "--role", "dcs", "--password-stdin"}
	if err := run(ctx, bad, strings.NewReader("a quiet river under tall pines\n"), &out, io.Discard); err == nil {
		t.Fatal("a dcs without a council was accepted")
	}
	out.Reset()
	if err := run(ctx, []string{"users", "list", "--database", db}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "lead@camden.gov.uk") || !strings.Contains(out.String(), "active") {
		t.Fatalf("list:\n%s", out.String())
	}
	if err := run(ctx, []string{"users", "disable", "--database", db, "--email", "lead@camden.gov.uk"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	u, err := s.UserByEmail(ctx, "lead@camden.gov.uk")
	if err != nil || !u.Disabled {
		t.Fatalf("after disable: %+v, %v", u, err)
	}
	entries, err := s.AuditLog(ctx, store.AuditFilter{User: "lead@camden.gov.uk"})
	if err != nil || len(entries) != 2 || !strings.HasPrefix(entries[0].Actor, "command line") {
		t.Fatalf("audit entries %+v, %v; want added and disabled by the command line", entries, err)
	}
	if err := run(ctx, []string{"users", "add", "--database", db, "--email", "a@b.gov.uk", "--role", "lga"}, strings.NewReader(""), &out, io.Discard); err == nil {
		t.Fatal("without a terminal or --password-stdin the command must refuse")
	}
}

// The first account of a new database is the operator's own; anyone added
// after it, or given a new password from the command line, must choose
// their own password at their next sign-in.
func TestUsersCommandPasswordsMustBeChanged(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "users.db")
	prepareDB(t, db)
	pw := strings.NewReader
	for _, args := range [][]string{
		{"users", "add", "--database", db, "--email", "ops@lga.gov.uk", "--role", "admin", "--password-stdin"},
		{"users", "add", "--database", db, "--email", "dcs@camden.gov.uk", "--role", "dcs", "--council", "202", "--password-stdin"},
	} {
		if err := run(ctx, args, pw("a quiet river under tall pines\n"), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ops, _ := s.UserByEmail(ctx, "ops@lga.gov.uk")
	dcs, _ := s.UserByEmail(ctx, "dcs@camden.gov.uk")
	if ops.MustChangePassword || !dcs.MustChangePassword {
		t.Fatalf("first account must change: %v; second: %v; want false, true", ops.MustChangePassword, dcs.MustChangePassword)
	}
	var out strings.Builder
	if err := run(ctx, []string{"users", "reset-password", "--database", db, "--email", "ops@lga.gov.uk", "--password-stdin"},
		pw("another long phrase for ops\n"), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if ops, _ = s.UserByEmail(ctx, "ops@lga.gov.uk"); !ops.MustChangePassword {
		t.Fatal("after reset-password the account need not change it")
	}
	entries, _ := s.AuditLog(ctx, store.AuditFilter{User: "ops@lga.gov.uk"})
	if len(entries) == 0 || entries[0].Action != domain.AuditPasswordReset {
		t.Fatalf("audit %+v; want a password reset first", entries)
	}
}
