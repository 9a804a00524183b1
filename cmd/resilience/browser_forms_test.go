package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/resilience-dashboard/resilience/internal/accounts"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// An administrator's forms: an account's role, council and password, the
// audit log filtered by GOV.UK date inputs (no sideways scroll at 1280
// px), and the timeline editor's date inputs showing an error.
func TestBrowserAdminForms(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleAdmin)
	u, err := app.db.UserByEmail(t.Context(), "dcs@demo.resilience.invalid")
	if err != nil {
		t.Fatal(err)
	}
	tb.open(t, fmt.Sprintf("%s/admin/users/%d", app.URL(), u.ID))
	tb.checkPage(t, app.URL(), "admin-user", 0)

	tb.open(t, app.URL()+"/admin/audit?from-day=1&from-month=1&from-year=2020&to-day=31&to-month=12&to-year=2099")
	tb.checkPage(t, app.URL(), "admin-audit-filtered", 0)
	tb.open(t, app.URL()+"/admin/audit?from-day=1&from-month=13&from-year=2020")
	tb.checkPage(t, app.URL(), "admin-audit-error", 0)

	tb.open(t, app.URL()+"/admin/timeline")
	if err := chromedp.Do(tb.ctx,
		chromedp.SendKeys("#label", "Tier system"),
		chromedp.SetValue("#kind", "phase"),
		chromedp.SendKeys("#starts-day", "14"),
		chromedp.SendKeys("#starts-month", "10"),
		chromedp.SendKeys("#starts-year", "2020"),
		chromedp.SendKeys("#ends-day", "31"),
		chromedp.SendKeys("#ends-month", "11"),
		chromedp.SendKeys("#ends-year", "2020"),
		chromedp.Click(`form[action="/admin/timeline"] button[type=submit]`),
	); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, `document.readyState === 'complete' && !!document.querySelector('.govuk-error-summary')`)
	summary, err := chromedp.Run(tb.ctx, chromedp.Text(".govuk-error-summary"))
	if err != nil || !strings.Contains(summary, "Enter a real end date: day must be 1–30 in November 2020") {
		t.Fatalf("error summary %q (%v)", summary, err)
	}
	tb.checkPage(t, app.URL(), "admin-timeline-error", 0)
}

// A DCS changes their own password; one whose password an administrator
// set is taken to the same form at sign-in and cannot go anywhere else.
func TestBrowserChangePassword(t *testing.T) {
	app := demoApp(t)
	svc := accounts.Service{DB: app.db}
	email := fmt.Sprintf("dcs-forced-%d@test.invalid", userSeq.Add(1))
	_, first, err := svc.Create(context.Background(), accounts.Account{Email: email, Role: "dcs", Council: 202, Generate: true, MustChange: true, How: "test"},
		domain.AuditEntry{Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	tb := newTab(t)
	tb.open(t, app.URL()+"/sign-in")
	if err := chromedp.Do(tb.ctx,
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", first),
		chromedp.Click("form[action='/sign-in'] button[type=submit]"),
	); err != nil {
		t.Fatal(err)
	}
	tb.waitForPath(t, "/account/password")
	tb.checkPage(t, app.URL(), "account-password-forced", 0)
	tb.open(t, app.URL()+"/councils/202")
	tb.waitForPath(t, "/account/password")

	const mine = "four quiet herons by the weir"
	if err := chromedp.Do(tb.ctx,
		chromedp.SendKeys("#current-password", first),
		chromedp.SendKeys("#new-password", mine),
		chromedp.SendKeys("#confirm-password", mine+"x"),
		chromedp.Click(`form[action="/account/password"] button[type=submit]`),
	); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, `document.readyState === 'complete' && !!document.querySelector('.govuk-error-summary')`)
	tb.checkPage(t, app.URL(), "account-password-error", 0)
	if err := chromedp.Do(tb.ctx,
		chromedp.SendKeys("#current-password", first),
		chromedp.SendKeys("#new-password", mine),
		chromedp.SendKeys("#confirm-password", mine),
		chromedp.Click(`form[action="/account/password"] button[type=submit]`),
	); err != nil {
		t.Fatal(err)
	}
	tb.waitForPath(t, "/councils/202")
	u, err := app.db.UserByEmail(t.Context(), email)
	if err != nil || u.MustChangePassword {
		t.Fatalf("after the change: %+v, %v", u, err)
	}
	// Signed in as any DCS, the form is in the header.
	tb.open(t, app.URL()+"/account/password")
	tb.checkPage(t, app.URL(), "account-password", 0)
}
