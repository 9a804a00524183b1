package main

import (
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The returns tracker passes the page checks (accessibility, no outside
// requests, no script errors), filtered and not.
func TestBrowserReturnsTracker(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleLGA)
	tb.open(t, app.URL()+"/returns/tracker")
	tb.checkPage(t, app.URL(), "returns-tracker", 0)
	tb.open(t, app.URL()+"/returns/tracker?month=2020-05&status=missing")
	tb.checkPage(t, app.URL(), "returns-tracker-predecessors", 0)
}
