package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// People change their own password: a wrong current one, two new ones
// that differ or one against the policy are refused beside their fields;
// a change is audited, ends the person's other sessions (not this one),
// and the new password signs in where the old one no longer does.
func TestChangeOwnPassword(t *testing.T) {
	env := newTestEnv(t, Config{})
	old := env.addUser("dcs@camden.test", domain.RoleDCS, 202)
	here := env.signIn("dcs@camden.test", old)
	elsewhere := env.signIn("dcs@camden.test", old)
	const next = "seven green apples on a wall"

	if status, body, _ := env.get(here, "/account/password"); status != http.StatusOK || !contains(body, "Change your password") || !contains(body, `autocomplete="current-password"`) {
		t.Fatalf("GET: %d", status)
	}
	cases := []struct {
		name   string
		form   url.Values
		anchor string
		msg    string
	}{
		{"wrong current", url.Values{"current-password": {"not the password at all"}, "new-password": {next}, "confirm-password": {next}}, "current-password", "Your current password is not right"},
		{"nothing", url.Values{}, "current-password", "Enter your current password"},
		{"different twice", url.Values{"current-password": {old}, "new-password": {next}, "confirm-password": {next + "!"}}, "confirm-password", "The two new passwords are different"},
		{"too short", url.Values{"current-password": {old}, "new-password": {"short"}, "confirm-password": {"short"}}, "new-password", "New password must be 12 characters or more"},
		{"the same", url.Values{"current-password": {old}, "new-password": {old}, "confirm-password": {old}}, "new-password", "must be different from your current one"},
	}
	for _, c := range cases {
		status, body, _ := postBody(t, env, here, "/account/password", c.form)
		if status != http.StatusBadRequest || !contains(body, `href="#`+c.anchor+`"`) || !contains(body, c.msg) {
			t.Errorf("%s: status %d; want 400 naming %s with %q", c.name, status, c.anchor, c.msg)
		}
	}
	resp := env.postForm(here, "/account/password", url.Values{"current-password": {old}, "new-password": {next}, "confirm-password": {next}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password?done=1" {
		t.Fatalf("change: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, body, _ := env.get(here, "/account/password?done=1"); status != http.StatusOK || !contains(body, "Your password is changed") {
		t.Errorf("this session after the change: %d", status)
	}
	if status, _, _ := env.get(elsewhere, "/councils/202"); status != http.StatusSeeOther {
		t.Errorf("the other session after the change: %d; want it ended (303 to sign in)", status)
	}
	entries, err := env.db.AuditLog(context.Background(), store.AuditFilter{User: "dcs@camden.test"})
	if err != nil || len(entries) == 0 || entries[0].Action != domain.AuditPasswordChanged || entries[0].Actor != "dcs@camden.test" || entries[0].Council != 202 {
		t.Fatalf("audit %+v, %v", entries, err)
	}
	if resp := env.postForm(env.client(), "/sign-in", url.Values{"email": {"dcs@camden.test"}, "password": {old}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password still signs in: %d", resp.StatusCode)
	}
	env.signIn("dcs@camden.test", next)
}

var shownPassword = regexp.MustCompile(`<strong class="app-code">([^<]+)</strong>`)

// A password an administrator set (a new account, or a reset) must be
// changed at first sign-in: every page sends the person to the form,
// the API answers password_change_required, and once changed the service
// opens as usual.
func TestAdminSetPasswordMustBeChanged(t *testing.T) {
	env := newTestEnv(t, Config{})
	admin := env.signIn("admin@test", env.addUser("admin@test", domain.RoleAdmin, 0))
	status, body, _ := postBody(t, env, admin, "/admin/users", url.Values{"email": {"new.dcs@camden.test"}, "role": {"dcs"}, "council": {"202"}})
	m := shownPassword.FindStringSubmatch(body)
	if status != http.StatusCreated || m == nil || !contains(body, "must choose their own password") {
		t.Fatalf("add: %d", status)
	}
	first := m[1]
	dcs := env.client()
	resp := env.postForm(dcs, "/sign-in", url.Values{"email": {"new.dcs@camden.test"}, "password": {first}, "next": {"/councils/202"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	for _, path := range []string{"/councils/202", "/", "/compare", "/councils/202/assessment"} {
		resp, err := dcs.Get(env.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
			t.Errorf("%s before the change: %d to %q; want the change-password page", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if status, body, _ := env.get(dcs, "/account/password"); status != http.StatusOK || !contains(body, "An administrator set the password") {
		t.Errorf("the form: %d", status)
	}
	req, _ := http.NewRequest(http.MethodGet, env.ts.URL+"/api/v1/councils", nil)
	apiResp, err := dcs.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var apiErr struct {
		Error struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
		} `json:"error"`
	}
	_ = json.NewDecoder(apiResp.Body).Decode(&apiErr)
	apiResp.Body.Close()
	if apiResp.StatusCode != http.StatusForbidden || apiErr.Error.Code != domain.EPASSWORDCHANGE {
		t.Errorf("API before the change: %d %+v; want 403 password_change_required", apiResp.StatusCode, apiErr)
	}
	const mine = "a long walk by the canal"
	resp = env.postForm(dcs, "/account/password", url.Values{"current-password": {first}, "new-password": {mine}, "confirm-password": {mine}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/councils/202" {
		t.Fatalf("change: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if status, _, _ := env.get(dcs, "/councils/202"); status != http.StatusOK {
		t.Errorf("after the change: %d", status)
	}

	// A reset by an administrator ends the person's sessions and asks again.
	u, _ := env.db.UserByEmail(context.Background(), "new.dcs@camden.test")
	status, body, _ = postBody(t, env, admin, "/admin/users/"+strconv.FormatInt(u.ID, 10)+"/password", url.Values{})
	m = shownPassword.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		t.Fatalf("reset: %d", status)
	}
	if status, _, _ := env.get(dcs, "/councils/202"); status != http.StatusSeeOther {
		t.Errorf("the person's session after a reset: %d; want it ended", status)
	}
	again := env.signIn("new.dcs@camden.test", m[1])
	if status, _, h := env.get(again, "/councils/202"); status != http.StatusSeeOther || h.Get("Location") != "/account/password" {
		t.Errorf("after a reset: %d to %q", status, h.Get("Location"))
	}
	entries, _ := env.db.AuditLog(context.Background(), store.AuditFilter{User: "new.dcs@camden.test"})
	if len(entries) < 2 || entries[1].Action != domain.AuditPasswordReset || entries[1].Actor != "admin@test" {
		t.Errorf("audit after reset (the reset, then the sign-in): %+v", entries)
	}
}

// Administrators change a user's role and council: a data lead or DCS
// needs a current council, an LGA officer none; every change is audited;
// their own account they cannot change. Councils show with their names.
func TestAdminChangesRoleAndCouncil(t *testing.T) {
	env := newTestEnv(t, Config{})
	admin := env.signIn("admin@test", env.addUser("admin@test", domain.RoleAdmin, 0))
	env.addUser("lead@camden.test", domain.RoleUploader, 202)
	u, _ := env.db.UserByEmail(context.Background(), "lead@camden.test")
	me, _ := env.db.UserByEmail(context.Background(), "admin@test")
	path := "/admin/users/" + strconv.FormatInt(u.ID, 10)

	if status, body, _ := env.get(admin, "/admin/users"); status != http.StatusOK || !contains(body, "Camden (202)") || !contains(body, `href="`+path+`"`) {
		t.Errorf("users page: %d; want Camden (202) and a link to the account", status)
	}
	if status, body, _ := env.get(admin, path); status != http.StatusOK || !contains(body, "Change role or council") || !contains(body, "Camden (202)") {
		t.Errorf("account page: %d", status)
	}
	cases := []struct {
		name, role, council, anchor, msg string
	}{
		{"a DCS without a council", "dcs", "", "council", "Select the council this person works for"},
		{"an LGA officer with a council", "lga", "202", "council", "see every council"},
		{"a former council", "dcs", "928", "council", "There is no current council with DfE number 928"},
		{"no role", "", "202", "role", "Select a role"},
		{"an unknown role", "boss", "202", "role", "is not a role"},
	}
	for _, c := range cases {
		status, body, _ := postBody(t, env, admin, path, url.Values{"role": {c.role}, "council": {c.council}})
		if status != http.StatusBadRequest || !contains(body, `href="#`+c.anchor+`"`) || !contains(body, c.msg) {
			t.Errorf("%s: %d; want 400 naming %s with %q", c.name, status, c.anchor, c.msg)
		}
	}
	if got, _ := env.db.UserByID(context.Background(), u.ID); got.Role != domain.RoleUploader || got.Council != 202 {
		t.Fatalf("refused changes changed the account: %+v", got)
	}
	resp := env.postForm(admin, path, url.Values{"role": {"dcs"}, "council": {"301"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d", resp.StatusCode)
	}
	if got, _ := env.db.UserByID(context.Background(), u.ID); got.Role != domain.RoleDCS || got.Council != 301 {
		t.Fatalf("after the change: %+v", got)
	}
	resp = env.postForm(admin, path, url.Values{"role": {"lga"}, "council": {""}})
	if got, _ := env.db.UserByID(context.Background(), u.ID); resp.StatusCode != http.StatusSeeOther || got.Role != domain.RoleLGA || got.Council != 0 {
		t.Fatalf("to LGA officer: %d %+v", resp.StatusCode, got)
	}
	entries, _ := env.db.AuditLog(context.Background(), store.AuditFilter{User: "lead@camden.test"})
	if len(entries) < 2 || entries[1].Action != domain.AuditUserChanged || entries[1].Detail != "role uploader, council 202 → dcs, council 301" || entries[1].Actor != "admin@test" ||
		entries[0].Detail != "role dcs, council 301 → lga" {
		t.Errorf("audit %+v", entries)
	}
	if status, _, _ := postBody(t, env, admin, "/admin/users/"+strconv.FormatInt(me.ID, 10), url.Values{"role": {"lga"}}); status != http.StatusBadRequest {
		t.Errorf("changing one's own role: %d; want 400", status)
	}
}
