package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Each role's start page at 1280 px passes the page checks (accessibility,
// no sideways overflow, no outside requests) and shows its parts: a DCS
// the movers against neighbours, the return due and the self-assessment's
// age; an LGA officer and an administrator the month's returns, the
// newest pressure points and out-of-date self-assessments; a data lead
// the month due with the template. The list of councils stays below,
// folded away, and a search opens it.
func TestBrowserHomeByRole(t *testing.T) {
	app := demoApp(t)
	for _, c := range []struct {
		role domain.Role
		name string
		want []string
	}{
		{domain.RoleDCS, "home-dcs", []string{"#movers table tbody tr", "#return-due", "#self-assessment"}},
		{domain.RoleLGA, "home-lga", []string{"#tracker .app-counts li", "#pressure ol li", "#stale"}},
		{domain.RoleAdmin, "home-admin", []string{"#tracker .app-counts li", "#pressure ol li", "#stale", "a[href='/admin/users']"}},
		{domain.RoleUploader, "home-data-lead", []string{"#return-due a[href^='/councils/202/returns']"}},
	} {
		t.Run(string(c.role), func(t *testing.T) {
			tb := newTab(t)
			tb.signIn(t, app, c.role)
			tb.open(t, app.URL()+"/")
			tb.checkPage(t, app.URL(), c.name, 0)
			for _, sel := range c.want {
				n, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](`document.querySelectorAll("`+sel+`").length`))
				if err != nil {
					t.Fatal(err)
				}
				if n == 0 {
					t.Errorf("%s: nothing matches %s", c.name, sel)
				}
			}
			due, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(document.querySelector('#return-due') || {textContent: ''}).textContent`))
			if err != nil {
				t.Fatal(err)
			}
			if c.role.Scoped() && !strings.Contains(due, " is due by ") && !strings.Contains(due, " was due by ") {
				t.Errorf("%s: the start page does not say which return is due: %q", c.name, due)
			}
			// Typing in the search box opens the folded list on the match.
			if err := chromedp.Do(tb.ctx, chromedp.SendKeys("#q", "camd")); err != nil {
				t.Fatal(err)
			}
			visible, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`document.querySelector('[data-council-list]').open ?
				Array.from(document.querySelectorAll('[data-search]')).filter(function (li) { return !li.hidden; }).map(function (li) { return li.querySelector('a').textContent; }) : []`))
			if err != nil {
				t.Fatal(err)
			}
			if len(visible) != 1 || visible[0] != "Camden" {
				t.Errorf("%s: typing 'camd' shows %q; want the list open on Camden", c.name, visible)
			}
		})
	}
}

// A data lead's returns page: the month due at the top, the grid as a
// table whose cells open their month, paging back to 2017; and a month's
// own page.
func TestBrowserCouncilReturnsGrid(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleUploader)
	tb.open(t, app.URL()+"/councils/202/returns")
	tb.checkPage(t, app.URL(), "returns-202-data-lead", 0)
	links, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.app-returns-grid td a[href*="returns?month="]').length`))
	if err != nil {
		t.Fatal(err)
	}
	if links < 12 {
		t.Errorf("%d grid cells link to their month; want every month returned", links)
	}
	// Page back until there are no earlier months: the last page holds
	// Jan 2017.
	for range 8 {
		href, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('.app-month-nav a')).filter(function (a) { return a.textContent.indexOf('Earlier months') === 0; }).map(function (a) { return a.href; }).join('')`))
		if err != nil {
			t.Fatal(err)
		}
		if href == "" {
			break
		}
		tb.open(t, href)
	}
	first, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`!!document.querySelector('a[href="/councils/202/returns?month=2017-01"]')`))
	if err != nil {
		t.Fatal(err)
	}
	if !first {
		t.Error("paging back did not reach Jan 2017")
	}
	tb.checkPage(t, app.URL(), "returns-202-2017", 0)
	tb.open(t, app.URL()+"/councils/202/returns?month=2017-01")
	tb.checkPage(t, app.URL(), "returns-202-month", 0)
	rows, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.app-table tbody tr').length`))
	if err != nil {
		t.Fatal(err)
	}
	if rows < 10 {
		t.Errorf("Jan 2017's page lists %d rows of figures and versions", rows)
	}
}
