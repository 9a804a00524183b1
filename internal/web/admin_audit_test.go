package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The audit page writes events in words and times in UK local time,
// shortens SHA-256 digests, narrows by event, council and dates (GOV.UK
// date inputs, errors naming the field), and pages 50 lines at a time.
func TestAuditPageInWordsLocalTimeFilteredAndPaged(t *testing.T) {
	env := newTestEnv(t, Config{})
	admin := env.signIn("admin@test", env.addUser("admin@test", domain.RoleAdmin, 0))
	ctx := context.Background()
	digest := strings.Repeat("ab12", 16)
	for _, e := range []domain.AuditEntry{
		{At: "2025-07-01T13:05:00.000Z", Actor: "lead@camden.test", Action: domain.AuditReturnStored, Council: 202, Subject: "submission 7",
			Detail: "camden.xlsx (2048 bytes, sha256 " + digest + "), layout wide, months 2025-06, 40 rows, 0 errors, 0 queries"},
		{At: "2025-11-01T14:05:00.000Z", Actor: "dcs@camden.test", Action: domain.AuditPasswordChanged, Council: 202, Subject: "dcs@camden.test"},
		{At: "2025-11-20T09:00:00.000Z", Actor: "lead@barking.test", Action: domain.AuditSignIn, Council: 301, Subject: "lead@barking.test"},
	} {
		if err := env.db.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	rows := func(path string) []string {
		t.Helper()
		status, body, _ := env.get(admin, path)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", path, status)
		}
		tbody := body[strings.Index(body, "<tbody"):]
		var out []string
		for _, r := range strings.Split(tbody, `<tr class="govuk-table__row">`)[1:] {
			if !contains(r, "No entries.") {
				out = append(out, r)
			}
		}
		return out
	}
	all := rows("/admin/audit?council=202")
	if len(all) != 2 {
		t.Fatalf("Camden's lines: %d; want 2", len(all))
	}
	// Newest first; 14:05 UTC in November is 14:05 in London, 13:05 UTC in July is 14:05 BST.
	if !contains(all[0], ">1 Nov 2025, 14:05<") || !contains(all[0], ">Password changed<") || !contains(all[0], "Camden (202)") {
		t.Errorf("the November line: %s", all[0])
	}
	if !contains(all[1], ">1 Jul 2025, 14:05<") || !contains(all[1], ">Return stored<") ||
		!contains(all[1], `title="`+digest+`">`+digest[:12]+"…") || contains(all[1], "T13:05:00.000Z<") {
		t.Errorf("the July line: %s", all[1])
	}
	if got := rows("/admin/audit?action=" + domain.AuditReturnStored); len(got) != 1 || !contains(got[0], "submission 7") {
		t.Errorf("?action=return_stored: %d lines", len(got))
	}
	if got := rows("/admin/audit?from-day=1&from-month=11&from-year=2025&to-day=1&to-month=11&to-year=2025"); len(got) != 1 || !contains(got[0], "Password changed") {
		t.Errorf("1 Nov 2025 only: %d lines", len(got))
	}
	if got := rows("/admin/audit?from=1+Nov+2025&council=301"); len(got) != 1 || !contains(got[0], "Signed in") {
		t.Errorf("from 1 Nov 2025 (typed as text) for Barking and Dagenham: %d lines", len(got))
	}
	for _, c := range []struct{ query, anchor, msg string }{
		{"from-day=1&from-month=13&from-year=2025", "from-month", "Enter a real from date: month must be 1–12"},
		{"to-day=31&to-month=2&to-year=2025", "to-day", "Enter a real to date: day must be 1–28 in February 2025"},
		{"from-day=2&from-month=11&from-year=2025&to-day=1&to-month=11&to-year=2025", "to-day", "The to date must be the same as or after the from date"},
		{"from=soon", "from-day", "is not a date"},
	} {
		status, body, _ := env.get(admin, "/admin/audit?"+c.query)
		if status != http.StatusBadRequest || !contains(body, `href="#`+c.anchor+`"`) || !contains(body, c.msg) {
			t.Errorf("%s: %d; want 400 linking #%s with %q", c.query, status, c.anchor, c.msg)
		}
	}
	// Paging: 60 more lines make two pages of Barking and Dagenham's.
	for i := range 60 {
		if err := env.db.Audit(ctx, domain.AuditEntry{At: fmt.Sprintf("2025-12-01T10:%02d:00.000Z", i), Actor: "lead@barking.test", Action: domain.AuditSignOut, Council: 301}); err != nil {
			t.Fatal(err)
		}
	}
	_, body, _ := env.get(admin, "/admin/audit?council=301")
	if got := rows("/admin/audit?council=301"); len(got) != auditPageSize || !contains(body, `href="/admin/audit?council=301&amp;page=2"`) {
		t.Errorf("first page: %d lines", len(got))
	}
	if got := rows("/admin/audit?council=301&page=2"); len(got) != 11 {
		t.Errorf("second page: %d lines; want 11", len(got))
	}
}
