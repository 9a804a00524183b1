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
