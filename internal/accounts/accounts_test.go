package accounts

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/auth"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// openService opens a real SQLite database in a temporary folder with the
// reference data (the councils an account may belong to).
func openService(t *testing.T) *Service {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "accounts.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadReference(ctx, ref, "test"); err != nil {
		t.Fatal(err)
	}
	return &Service{DB: db}
}

// Check names each problem with its field, in the form's order.
func TestCheckNamesEachProblem(t *testing.T) {
	s := openService(t)
	cases := []struct {
		name string
		a    Account
		want []Problem
	}{
		{"a data lead", Account{Email: " Lead@Camden.gov.uk ", Role: "uploader", Council: 202}, nil},
		{"an LGA officer's council is ignored", Account{Email: "o@lga.gov.uk", Role: "lga", Council: 999}, nil},
		{"everything wrong", Account{Email: "not an email", Role: "", Council: 0},
			[]Problem{{FieldEmail, "Enter an email address in the correct format, like name@council.gov.uk"}, {FieldRole, "Select a role: uploader, dcs, lga or admin"}}},
		{"unknown role", Account{Email: "a@b.gov.uk", Role: "boss"},
			[]Problem{{FieldRole, `"boss" is not a role: use uploader, dcs, lga or admin`}}},
		{"DCS without a council", Account{Email: "a@b.gov.uk", Role: "dcs"},
			[]Problem{{FieldCouncil, "Select the council this person works for (its DfE number, for example 202)"}}},
		{"a former council", Account{Email: "a@b.gov.uk", Role: "uploader", Council: 928},
			[]Problem{{FieldCouncil, "There is no current council with DfE number 928"}}},
		{"no such council", Account{Email: "a@b.gov.uk", Role: "dcs", Council: 999},
			[]Problem{{FieldCouncil, "There is no current council with DfE number 999"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := s.Check(t.Context(), c.a)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("problems %+v; want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("problem %d: %+v; want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

// Create checks the account and the password policy, stores the hash
// (never the password) and one audit line, and refuses a second account
// for the same address.
func TestCreateStoresAccountWithAuditLine(t *testing.T) {
	s := openService(t)
	ctx := t.Context()
	a := Account{Email: "Lead@Camden.gov.uk", Role: "uploader", Council: 202, Password: "a quiet river under tall pines", How: "added from the command line"}
	u, password, err := s.Create(ctx, a, domain.AuditEntry{Actor: "command line", Remote: "local"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "lead@camden.gov.uk" || u.Role != domain.RoleUploader || u.Council != 202 || password != a.Password {
		t.Errorf("created %+v with %q", u, password)
	}
	stored, err := s.DB.UserByEmail(ctx, "lead@camden.gov.uk")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.VerifyPassword(a.Password, stored.PasswordHash); !ok || err != nil || strings.Contains(stored.PasswordHash, a.Password) {
		t.Errorf("stored hash does not verify the password: %v", err)
	}
	entries, err := s.DB.AuditLog(ctx, store.AuditFilter{User: "lead@camden.gov.uk"})
	if err != nil || len(entries) != 1 {
		t.Fatalf("audit %+v, %v; want one line", entries, err)
	}
	if e := entries[0]; e.Action != domain.AuditUserAdded || e.Actor != "command line" || e.Council != 202 || e.Detail != "role uploader, added from the command line" {
		t.Errorf("audit line %+v", e)
	}

	if _, _, err := s.Create(ctx, a, domain.AuditEntry{Actor: "command line"}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("the same address again: %v; want a conflict", err)
	} else if p, ok := ProblemOf(err); !ok || p.Field != FieldEmail {
		t.Errorf("the conflict is not the email's problem: %+v", p)
	}

	weak := Account{Email: "dcs@camden.gov.uk", Role: "dcs", Council: 202, Password: "password1234"}
	if _, _, err := s.Create(ctx, weak, domain.AuditEntry{Actor: "test"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a common password: %v; want it refused", err)
	} else if p, ok := ProblemOf(err); !ok || p.Field != FieldPassword {
		t.Errorf("the weak password is not the password's problem: %+v", p)
	}
	bad := Account{Email: "x@camden.gov.uk", Role: "uploader", Council: 928, Password: "a quiet river under tall pines"}
	if _, _, err := s.Create(ctx, bad, domain.AuditEntry{Actor: "test"}); domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "928") {
		t.Errorf("a former council: %v", err)
	}

	// Generate makes a random password that passes the policy, returned
	// once to show.
	g, pw, err := s.Create(ctx, Account{Email: "admin@lga.gov.uk", Role: "admin", Council: 202, Generate: true}, domain.AuditEntry{Actor: "first run"})
	if err != nil {
		t.Fatal(err)
	}
	if g.Council != 0 || auth.CheckPassword(pw, g.Email) != nil {
		t.Errorf("generated account %+v with password %q", g, pw)
	}
	n, err := s.DB.CountUsers(ctx)
	if err != nil || n != 2 {
		t.Errorf("%d accounts, %v; want 2", n, err)
	}
}
