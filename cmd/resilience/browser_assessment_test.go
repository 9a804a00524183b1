package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// waitFor polls, from outside the page so a navigation cannot break it,
// until js is true.
func (tb *tab) waitFor(t *testing.T, js string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s (%v)", js, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitForPath polls until the tab has loaded a page whose path and query
// contain want.
func (tb *tab) waitForPath(t *testing.T, want string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		loc, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.pathname + location.search : ''`))
		if err == nil && strings.Contains(loc, want) {
			return loc
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %q: at %q (%v)", want, loc, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// A DCS fills in the self-assessment with the keyboard, is told by the
// GOV.UK error summary which rating is missing, completes it, checks it
// on the review page and submits it with the confirmation ticked (refused
// without); the profile then draws the radar and the conditions over time.
func TestBrowserAssessmentForm(t *testing.T) {
	app := startApp(t, t.TempDir(), func(a *App) { a.NoDemo = true })
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleDCS)
	tb.open(t, app.URL()+"/councils/202/assessment")
	tb.checkPage(t, app.URL(), "assessment-form", 0)

	f, err := app.db.Framework(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	// Choose a rating for every item but the last with the space bar, as
	// a keyboard user would, and type the evidence.
	for i, it := range f.Items {
		if i == len(f.Items)-1 {
			continue
		}
		if err := chromedp.Do(tb.ctx,
			chromedp.SendKeys("#rating-"+it.Code+"-3", " "),
			chromedp.SendKeys("#evidence-"+it.Code, "Evidence typed for "+it.Label),
		); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(tb.ctx, chromedp.Click(`button[name=action][value=review]`)); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, `document.readyState === 'complete' && !!document.querySelector('.govuk-error-summary')`)
	summary, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(function () {
	  var s = document.querySelector('.govuk-error-summary');
	  return s ? s.textContent + '|' + Array.from(s.querySelectorAll('a')).map(function (a) { return a.getAttribute('href'); }).join(',') : '';
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	last := f.Items[len(f.Items)-1]
	if !strings.Contains(summary, "Select a rating for "+last.Label) || !strings.Contains(summary, "#rating-"+last.Code) || strings.Count(summary, "#rating-") != 1 {
		t.Fatalf("error summary = %q", summary)
	}
	tb.checkPage(t, app.URL(), "assessment-errors", 0)
	// What was typed survives the error.
	kept, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.querySelector('#rating-shared_values-3').checked && document.querySelector('#evidence-shared_values').value.indexOf('Evidence typed') === 0`))
	if err != nil || !kept {
		t.Fatalf("the form lost what was entered (%v)", err)
	}
	if err := chromedp.Do(tb.ctx,
		chromedp.SendKeys("#rating-"+last.Code+"-4", " "),
		chromedp.Click(`button[name=action][value=review]`),
	); err != nil {
		t.Fatal(err)
	}
	tb.waitForPath(t, "/assessment/review")
	tb.checkPage(t, app.URL(), "assessment-review", 0)
	if as, _ := app.db.Assessments(t.Context(), 202); len(as) != 0 {
		t.Fatal("going to the review submitted the assessment")
	}
	// Submitting without ticking the confirmation is refused.
	if err := chromedp.Do(tb.ctx, chromedp.Click(`form[action="/councils/202/assessment"] button[type=submit]`)); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, `document.readyState === 'complete' && !!document.querySelector('.govuk-error-summary a[href="#confirm"]')`)
	tb.checkPage(t, app.URL(), "assessment-confirm-error", 0)
	if err := chromedp.Do(tb.ctx,
		chromedp.Click("#confirm"),
		chromedp.Click(`form[action="/councils/202/assessment"] button[type=submit]`),
	); err != nil {
		t.Fatal(err)
	}
	tb.waitForPath(t, "saved=submitted")
	as, err := app.db.Assessments(t.Context(), 202)
	if err != nil || len(as) != 1 || as[0].RatingOf(last.Code).Rating != 4 || as[0].RatingOf("shared_values").Evidence != "Evidence typed for Shared values" {
		t.Fatalf("stored = %+v, %v", as, err)
	}
	tb.open(t, app.URL()+"/councils/202")
	tb.checkPage(t, app.URL(), "council-assessment", 2)
}
