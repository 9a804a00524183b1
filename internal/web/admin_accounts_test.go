package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// The users page makes accounts through the accounts service: each
// problem is shown beside its field, a former council is refused, and an
// account made there gets a shown-once password and one audit line.
func TestAdminAddUserThroughAccountsService(t *testing.T) {
	env := newTestEnv(t, Config{})
	a := env.signIn("admin@accounts.test", env.addUser("admin@accounts.test", domain.RoleAdmin, 0))
	post := func(form url.Values) (int, string) {
		t.Helper()
		resp, err := a.PostForm(env.ts.URL+"/admin/users", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	cases := []struct {
		name string
		form url.Values
		want []string
	}{
		{"nothing chosen", url.Values{"email": {"nobody"}}, []string{`href="#email"`, `href="#role"`, "Select a role"}},
		{"a DCS without a council", url.Values{"email": {"dcs@camden.gov.uk"}, "role": {"dcs"}}, []string{`href="#council"`, "Select the council this person works for"}},
		{"a former council", url.Values{"email": {"lead@northants.gov.uk"}, "role": {"uploader"}, "council": {"928"}}, []string{`href="#council"`, "There is no current council with DfE number 928"}},
		{"an address with an account", url.Values{"email": {"Admin@Accounts.test"}, "role": {"lga"}}, []string{`href="#email"`, "There is already an account for admin@accounts.test"}},
	}
	for _, c := range cases {
		code, body := post(c.form)
		if code != http.StatusBadRequest {
			t.Errorf("%s: %d; want 400", c.name, code)
		}
		for _, w := range c.want {
			if !contains(body, w) {
				t.Errorf("%s: the page does not say %q", c.name, w)
			}
		}
	}
	code, body := post(url.Values{"email": {"New.Lead@Camden.gov.uk"}, "role": {"uploader"}, "council": {"202"}})
	if code != http.StatusCreated || !contains(body, "new.lead@camden.gov.uk") {
		t.Fatalf("adding a data lead: %d", code)
	}
	entries, err := env.db.AuditLog(context.Background(), store.AuditFilter{User: "new.lead@camden.gov.uk"})
	if err != nil || len(entries) != 1 || entries[0].Detail != "role uploader, added on the users page" || entries[0].Actor != "admin@accounts.test" {
		t.Fatalf("audit %+v, %v", entries, err)
	}
}
