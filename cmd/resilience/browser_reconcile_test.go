package main

import (
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The national reconciliation and a profile's reconciliation table render
// in a real browser, with no accessibility violation and no request
// outside the server.
func TestBrowserReconciliation(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleLGA)
	tb.open(t, app.URL()+"/reconciliation?indicator=CSC_REFERRALS")
	tb.waitFor(t, `!!document.querySelector('table.app-reconcile tbody tr')`)
	tb.checkPage(t, app.URL(), "reconciliation", 0)
	tb.open(t, app.URL()+"/councils/202?indicator=WF_VACANCY")
	tb.waitFor(t, `!!document.querySelector('#reconciliation table.app-reconcile tbody tr')`)
	tb.checkPage(t, app.URL(), "profile-reconciliation", 8)
}
