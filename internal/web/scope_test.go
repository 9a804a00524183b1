package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// who is a kind of visitor in the scope table.
type who string

const (
	anon     who = "anonymous"
	uploader who = "uploader"
	dcs      who = "dcs"
	lga      who = "lga"
	admin    who = "admin"
)

var everyone = []who{anon, uploader, dcs, lga, admin}

// expect gives, for one route, the status each visitor gets for their own
// council and for another council. Routes without a council in the path
// use own only.
type expect struct {
	path  string // the concrete path; {n} is replaced by a council number
	form  url.Values
	own   map[who]int
	other map[who]int // nil when the route names no council
}

// all returns the same status for every signed-in role and anon's own.
func all(anonStatus, signedIn int) map[who]int {
	return map[who]int{anon: anonStatus, uploader: signedIn, dcs: signedIn, lga: signedIn, admin: signedIn}
}

func adminOnlyStatus(anonStatus, adminStatus int) map[who]int {
	return map[who]int{anon: anonStatus, uploader: http.StatusForbidden, dcs: http.StatusForbidden, lga: http.StatusForbidden, admin: adminStatus}
}

// scopeTable is SECURITY V5's table: every route × every role × own
// council / other council. A route the server answers that has no entry
// here fails the test, so new routes must declare what each role gets.
// byRole lists statuses for anonymous, uploader, dcs, lga and admin.
func byRole(a, u, d, l, ad int) map[who]int {
	return map[who]int{anon: a, uploader: u, dcs: d, lga: l, admin: ad}
}

func scopeTable(disableID int64, month string) map[string]expect {
	see, redirect, unauth := http.StatusOK, http.StatusSeeOther, http.StatusUnauthorized
	bad, forbidden, missing, conflict := http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusConflict
	return map[string]expect{
		"GET /returns":  {path: "/returns", own: byRole(redirect, redirect, redirect, see, see)},
		"POST /returns": {path: "/returns", form: url.Values{}, own: byRole(unauth, bad, forbidden, bad, bad)},
		"GET /returns/template": {path: "/returns/template?council={n}&month=" + month,
			own: all(redirect, see), other: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /returns/jobs/:id":          {path: "/returns/jobs/unknown", own: byRole(redirect, missing, forbidden, missing, missing)},
		"GET /returns/jobs/:id/progress": {path: "/returns/jobs/unknown/progress", own: byRole(redirect, missing, forbidden, missing, missing)},
		"GET /returns/submissions/:id": {path: "/returns/submissions/{s}",
			own: all(redirect, see), other: byRole(redirect, missing, missing, see, see)},
		"POST /returns/submissions/:id/explanations": {path: "/returns/submissions/{s}/explanations", form: url.Values{},
			own: byRole(unauth, conflict, forbidden, conflict, conflict), other: byRole(unauth, missing, forbidden, conflict, conflict)},
		"GET /councils/:number/returns": {path: "/councils/{n}/returns",
			own: all(redirect, see), other: byRole(redirect, forbidden, forbidden, see, see)},
		"POST /api/v1/returns": {path: "/api/v1/returns", form: url.Values{}, own: byRole(unauth, bad, forbidden, bad, bad)},
		"POST /api/v1/returns/:id/explanations": {path: "/api/v1/returns/{s}/explanations", form: url.Values{},
			own: byRole(unauth, conflict, forbidden, conflict, conflict), other: byRole(unauth, missing, forbidden, conflict, conflict)},
		"GET /healthz":                           {path: "/healthz", own: all(see, see)},
		"HEAD /healthz":                          {path: "/healthz", own: all(see, see)},
		"GET /static/*path":                      {path: "/static/css/app.css", own: all(see, see)},
		"GET /sign-in":                           {path: "/sign-in", own: all(see, redirect)},
		"POST /sign-in":                          {path: "/sign-in", form: url.Values{}, own: all(http.StatusBadRequest, http.StatusBadRequest)},
		"POST /sign-out":                         {path: "/sign-out", form: url.Values{}, own: all(unauth, redirect)},
		"GET /":                                  {path: "/", own: all(redirect, see)},
		"GET /councils/:number":                  {path: "/councils/{n}", own: all(redirect, see), other: all(redirect, see)},
		"GET /councils/:number/areas/:file":      {path: "/councils/{n}/areas/social_care.csv", own: all(redirect, see), other: all(redirect, see)},
		"GET /councils/:number/comparison/:file": {path: "/councils/{n}/comparison/data.xlsx?indicator=CSC_CIN", own: all(redirect, see), other: all(redirect, see)},
		"GET /compare":                           {path: "/compare?indicator=CSC_CIN&council={n}", own: all(redirect, see), other: all(redirect, see)},
		"GET /compare.csv":                       {path: "/compare.csv?indicator=CSC_CIN&council={n}", own: all(redirect, see), other: all(redirect, see)},
		"GET /compare.xlsx":                      {path: "/compare.xlsx?indicator=CSC_CIN&council={n}", own: all(redirect, see), other: all(redirect, see)},
		"GET /api/v1/openapi.json":               {path: "/api/v1/openapi.json", own: all(see, see)},
		"GET /api/v1/indicators":                 {path: "/api/v1/indicators", own: all(unauth, see)},
		"GET /api/v1/compare":                    {path: "/api/v1/compare?indicator=CSC_CIN&council={n}", own: all(unauth, see), other: all(unauth, see)},
		"GET /api/v1/councils":                   {path: "/api/v1/councils", own: all(unauth, see)},
		"GET /api/v1/councils/:number/series": {path: "/api/v1/councils/{n}/series?indicator=CSC_REFERRALS",
			own: all(unauth, see), other: all(unauth, see)},
		"GET /admin/users":                       {path: "/admin/users", own: adminOnlyStatus(redirect, see)},
		"POST /admin/users":                      {path: "/admin/users", form: url.Values{}, own: adminOnlyStatus(unauth, http.StatusBadRequest)},
		"POST /admin/users/:id/disable":          {path: fmt.Sprintf("/admin/users/%d/disable", disableID), form: url.Values{}, own: adminOnlyStatus(unauth, redirect)},
		"POST /admin/users/:id/enable":           {path: fmt.Sprintf("/admin/users/%d/enable", disableID), form: url.Values{}, own: adminOnlyStatus(unauth, redirect)},
		"GET /admin/audit":                       {path: "/admin/audit", own: adminOnlyStatus(redirect, see)},
		"GET /admin/users/:id":                   {path: fmt.Sprintf("/admin/users/%d", disableID), own: adminOnlyStatus(redirect, see)},
		"POST /admin/users/:id":                  {path: fmt.Sprintf("/admin/users/%d", disableID), form: url.Values{}, own: adminOnlyStatus(unauth, bad)},
		"POST /admin/users/:id/password":         {path: "/admin/users/999999/password", form: url.Values{}, own: adminOnlyStatus(unauth, missing)},
		"GET /account/password":                  {path: "/account/password", own: all(redirect, see)},
		"POST /account/password":                 {path: "/account/password", form: url.Values{}, own: all(unauth, bad)},
		"GET /compare/neighbours/:file":          {path: "/compare/neighbours/data.csv?indicator=CSC_CIN&council={n}", own: all(redirect, see), other: all(redirect, see)},
		"GET /pressure":                          {path: "/pressure", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /api/v1/councils/:number/narrative": {path: "/api/v1/councils/{n}/narrative", own: all(unauth, see), other: all(unauth, see)},
		"GET /api/v1/councils/:number/projection": {path: "/api/v1/councils/{n}/projection?indicator=CSC_REFERRALS",
			own: all(unauth, see), other: all(unauth, see)},
		"GET /api/v1/exceptions":     {path: "/api/v1/exceptions?since=2024-01", own: byRole(unauth, forbidden, forbidden, see, see)},
		"GET /exceptions.atom":       {path: "/exceptions.atom", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /projections":           {path: "/projections", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /projections.csv":       {path: "/projections.csv", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /projections.xlsx":      {path: "/projections.xlsx?indicator=CSC_REFERRALS", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /pressure.csv":          {path: "/pressure.csv", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /pressure.xlsx":         {path: "/pressure.xlsx", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /pressure/matrix.csv":   {path: "/pressure/matrix.csv", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /pressure/matrix.xlsx":  {path: "/pressure/matrix.xlsx", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /api/v1/pressure":       {path: "/api/v1/pressure", own: byRole(unauth, forbidden, forbidden, see, see)},
		"GET /returns/tracker":       {path: "/returns/tracker", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /returns/tracker.csv":   {path: "/returns/tracker.csv", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /api/v1/returns/status": {path: "/api/v1/returns/status", own: byRole(unauth, forbidden, forbidden, see, see)},
		"GET /api/v1/councils/:number/reconciliation": {path: "/api/v1/councils/{n}/reconciliation?indicator=CSC_REFERRALS",
			own: all(unauth, see), other: all(unauth, see)},
		"GET /councils/:number/reconciliation.csv": {path: "/councils/{n}/reconciliation.csv?indicator=CSC_REFERRALS",
			own: all(redirect, see), other: all(redirect, see)},
		"GET /councils/:number/reconciliation.xlsx": {path: "/councils/{n}/reconciliation.xlsx?indicator=CSC_CIN",
			own: all(redirect, see), other: all(redirect, see)},
		"GET /reconciliation":             {path: "/reconciliation?indicator=CSC_REFERRALS", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /reconciliation.csv":         {path: "/reconciliation.csv?indicator=CSC_CIN", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /reconciliation.xlsx":        {path: "/reconciliation.xlsx", own: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /admin/timeline":             {path: "/admin/timeline", own: adminOnlyStatus(redirect, see)},
		"POST /admin/timeline":            {path: "/admin/timeline", form: url.Values{}, own: adminOnlyStatus(unauth, bad)},
		"POST /admin/timeline/:id/delete": {path: "/admin/timeline/999999/delete", form: url.Values{}, own: adminOnlyStatus(unauth, missing)},
		"GET /admin/framework":            {path: "/admin/framework", own: adminOnlyStatus(redirect, see)},
		"POST /admin/framework":           {path: "/admin/framework", form: url.Values{}, own: adminOnlyStatus(unauth, bad)},
		"GET /councils/:number/assessment": {path: "/councils/{n}/assessment",
			own: all(redirect, see), other: byRole(redirect, forbidden, forbidden, see, see)},
		"POST /councils/:number/assessment": {path: "/councils/{n}/assessment", form: url.Values{"action": {"draft"}},
			own: byRole(unauth, forbidden, redirect, redirect, forbidden), other: byRole(unauth, forbidden, forbidden, redirect, forbidden)},
		"GET /councils/:number/assessment/history": {path: "/councils/{n}/assessment/history",
			own: all(redirect, see), other: byRole(redirect, forbidden, forbidden, see, see)},
		"GET /councils/:number/assessment/review": {path: "/councils/{n}/assessment/review",
			own: byRole(redirect, forbidden, redirect, redirect, forbidden), other: byRole(redirect, forbidden, forbidden, redirect, forbidden)},
		"GET /councils/:number/ratings/:file": {path: "/councils/{n}/ratings/data.csv", own: all(redirect, see), other: all(redirect, see)},
		"GET /api/v1/councils/:number/assessment": {path: "/api/v1/councils/{n}/assessment",
			own: all(unauth, see), other: all(unauth, see)},
	}
}

// SECURITY V5: every route, for every role, for the user's own council and
// another, answers with the status the table says.
func TestScopeEveryRouteEveryRole(t *testing.T) {
	env := newTestEnv(t, Config{})
	const own, other = 202, 301
	passwords := map[who]string{}
	emails := map[who]string{}
	for _, w := range everyone[1:] {
		council := 0
		if domain.Role(w).Scoped() {
			council = own
		}
		emails[w] = string(w) + "@scope.test"
		passwords[w] = env.addUser(emails[w], domain.Role(w), council)
	}
	env.addUser("target@scope.test", domain.RoleDCS, other)
	target, err := env.db.UserByEmail(t.Context(), "target@scope.test")
	if err != nil {
		t.Fatal(err)
	}
	subs := map[int]int64{}
	for _, n := range []int{own, other} {
		sub := &domain.Submission{SubmittedBy: "scope test", Source: "api", FileName: "x.xlsx", Status: domain.StatusRejected}
		obs := []domain.Observation{{Council: n, Indicator: "CSC_CIN", Month: "2024-01", Value: 1}}
		if err := env.db.RecordSubmission(t.Context(), sub, obs, "", domain.AuditEntry{Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		subs[n] = sub.ID
	}
	for _, n := range []int{own, other} {
		submitAssessment(t, env, n, 3, "evidence")
	}
	table := scopeTable(target.ID, domain.LastComplete(env.clock.Now()).String())
	for _, r := range env.srv.Routes() {
		if _, ok := table[r.Method+" "+r.Path]; !ok {
			t.Errorf("route %s %s (access: %s) has no entry in the scope table", r.Method, r.Path, r.Access)
		}
	}
	clients := map[who]*http.Client{anon: env.client()}
	for _, w := range everyone[1:] {
		clients[w] = env.signIn(emails[w], passwords[w])
	}
	for key, ex := range table {
		method := strings.Fields(key)[0]
		for _, scope := range []struct {
			name    string
			council int
			want    map[who]int
		}{{"own", own, ex.own}, {"other", other, ex.other}} {
			if scope.want == nil {
				continue
			}
			for _, w := range everyone {
				c := clients[w]
				if key == "POST /sign-out" && w != anon {
					c = env.signIn(emails[w], passwords[w]) // signing out must not end the shared session
				}
				path := strings.ReplaceAll(ex.path, "{n}", fmt.Sprint(scope.council))
				path = strings.ReplaceAll(path, "{s}", fmt.Sprint(subs[scope.council]))
				// A GET route answers HEAD for the same people.
				methods := []string{method}
				if method == http.MethodGet {
					methods = append(methods, http.MethodHead)
				}
				for _, m := range methods {
					req, err := http.NewRequest(m, env.ts.URL+path, nil)
					if err != nil {
						t.Fatal(err)
					}
					if ex.form != nil {
						req, _ = http.NewRequest(m, env.ts.URL+path, strings.NewReader(ex.form.Encode()))
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					}
					resp, err := c.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != scope.want[w] {
						t.Errorf("%s (%s council) as %s, by %s: status %d; want %d", key, scope.name, w, m, resp.StatusCode, scope.want[w])
					}
				}
			}
		}
	}
}
