package main

import (
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// rolePages are the pages each role reaches from the navigation, visited in
// a real browser at 1280 px.
var rolePages = map[domain.Role][]string{
	domain.RoleDCS: {
		"/",
		"/councils/202",
		"/councils/202?indicator=CSC_REREFERRALS",
		"/compare?indicator=CSC_CLA&council=202",
		"/councils/202/returns",
		"/councils/202/assessment",
		"/councils/202/assessment/history",
	},
	domain.RoleAdmin: {
		"/",
		"/councils/202",
		"/councils/940?indicator=CSC_CLA",
		"/councils/928?indicator=CSC_CLA",
		"/compare?indicator=EHE_KNOWN&council=839",
		"/returns",
		"/returns/tracker",
		"/councils/202/returns",
		"/councils/202/assessment",
		"/pressure",
		"/reconciliation?indicator=CSC_REFERRALS",
		"/admin/users",
		"/admin/audit",
		"/admin/framework",
		"/admin/timeline",
	},
}

// Every page a DCS and an administrator reach, at 1280 px, passes what
// every page must: no sideways overflow, no WCAG 2.2 AA violation found by
// axe-core, and every drawn chart read back through echarts with no two
// series on one value axis more than tenfold apart and no series that
// draws nothing (checkPage).
func TestBrowserEveryPageAsDCSAndAdministrator(t *testing.T) {
	app := demoApp(t)
	for _, role := range []domain.Role{domain.RoleDCS, domain.RoleAdmin} {
		t.Run(string(role), func(t *testing.T) {
			tb := newTab(t)
			tb.signIn(t, app, role)
			for _, path := range rolePages[role] {
				tb.open(t, app.URL()+path)
				tb.checkPage(t, app.URL(), "role-"+string(role)+"-"+pageName(path), anyCharts)
			}
		})
	}
}

// anyCharts tells checkPage not to count a page's charts, only to check
// each one it finds.
const anyCharts = -1

// pageName turns a path into a screenshot's file name.
func pageName(path string) string {
	name := strings.Trim(strings.NewReplacer("/", "-", "?", "-", "=", "-", "&", "-").Replace(path), "-")
	if name == "" {
		return "home"
	}
	return name
}
