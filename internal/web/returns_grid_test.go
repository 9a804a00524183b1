package web

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

var gridLink = regexp.MustCompile(`<td class="govuk-table__cell app-grid__cell app-grid__cell--(\w+)"><a class="govuk-link" href="(/councils/202/returns\?month=(\d{4}-\d\d))"><span class="govuk-visually-hidden">(\w{3} \d{4}): </span>(\w+)</a>`)
var earlierLink = regexp.MustCompile(`<a class="govuk-link govuk-body" href="([^"]+)">Earlier months`)

// The council's returns grid: every month a cell linking to that month,
// with its state in words, two calendar years a page; "Earlier months"
// pages back to January 2017 and stops there, and "Later months" comes
// back.
func TestReturnsGridLinksMonthsAndPagesBackTo2017(t *testing.T) {
	e := newHomeEnv(t)
	dcs := e.signIn("dcs@camden.test", e.addUser("dcs@camden.test", domain.RoleDCS, 202))
	status, body, _ := e.get(dcs, "/councils/202/returns")
	if status != http.StatusOK {
		t.Fatalf("returns page: %d", status)
	}
	if !contains(body, `<div class="app-due" id="next-due"><p class="govuk-heading-m app-due__text">The return for Oct 2026 is due by 20 Nov 2026.</p>`) {
		t.Error("the returns page does not say prominently which month is due")
	}
	if !contains(body, "<caption") || !contains(body, `<th scope="row" class="govuk-table__header">2026</th>`) || !contains(body, `<th scope="col" class="govuk-table__header">Jan</th>`) {
		t.Error("the grid is not a table with a caption, year rows and month columns")
	}
	cells := gridLink.FindAllStringSubmatch(body, -1)
	// Jan 2025 to Oct 2026: 22 months, Nov and Dec 2026 not yet due.
	if len(cells) != 22 {
		t.Fatalf("%d linked cells on the first page; want 22 (Jan 2025 to Oct 2026)", len(cells))
	}
	for _, c := range cells {
		m, _ := domain.ParseMonth(c[3])
		if c[4] != m.Label() {
			t.Errorf("cell for %s labelled %q", c[3], c[4])
		}
		want := "complete"
		if c[3] == "2026-10" {
			want = "missing"
		}
		if c[1] != want || strings.ToLower(c[5]) != want {
			t.Errorf("%s: class %s, text %s; want %s", c[3], c[1], c[5], want)
		}
	}
	if strings.Count(body, "Not yet due") != 2 {
		t.Error("Nov and Dec 2026 should say they are not yet due")
	}
	// Every linked month opens.
	if status, page, _ := e.get(dcs, html.UnescapeString(cells[0][2])); status != http.StatusOK || !contains(page, "Return for") {
		t.Errorf("%s: %d", cells[0][2], status)
	}
	pages := []string{"2025 and 2026"}
	for range 10 {
		m := earlierLink.FindStringSubmatch(body)
		if m == nil {
			break
		}
		status, body, _ = e.get(dcs, html.UnescapeString(m[1]))
		if status != http.StatusOK {
			t.Fatalf("%s: %d", m[1], status)
		}
		label := regexp.MustCompile(`Return status, (\d{4} and \d{4})`).FindStringSubmatch(body)
		if label == nil {
			t.Fatalf("%s has no grid heading", m[1])
		}
		pages = append(pages, label[1])
		if got := len(gridLink.FindAllStringSubmatch(body, -1)); got != 24 {
			t.Errorf("%s: %d months linked; want 24", label[1], got)
		}
	}
	if strings.Join(pages, ", ") != "2025 and 2026, 2023 and 2024, 2021 and 2022, 2019 and 2020, 2017 and 2018" {
		t.Errorf("pages %v; want back to 2017 and 2018, then no further", pages)
	}
	if !contains(body, "Camden's returns begin in Jan 2017") || !contains(body, `href="/councils/202/returns?month=2017-01"`) {
		t.Error("the last page should reach Jan 2017 and say the returns begin there")
	}
	later := regexp.MustCompile(`href="([^"]+)">Later months`).FindStringSubmatch(body)
	if later == nil || html.UnescapeString(later[1]) != "/councils/202/returns?before=2021-01#grid" {
		t.Errorf("later link from 2017–18: %v", later)
	}
	// Asking for years before the first, or after the last, shows the end
	// pages; a month that is not one is refused.
	if _, body, _ := e.get(dcs, "/councils/202/returns?before=2010-01"); !contains(body, "Return status, 2017 and 2018") {
		t.Error("before=2010-01 should show 2017 and 2018")
	}
	if _, body, _ := e.get(dcs, "/councils/202/returns?from=2031-01"); !contains(body, "Return status, 2025 and 2026") {
		t.Error("from=2031-01 should show 2025 and 2026")
	}
	if status, _, _ := e.get(dcs, "/councils/202/returns?before=soon"); status != http.StatusBadRequest {
		t.Errorf("before=soon: %d; want 400", status)
	}
}

// A month of a council's return: its state and due date, the current
// figures with who sent them and when, every version, and the queries.
func TestReturnMonthShowsFiguresAndVersions(t *testing.T) {
	e := newHomeEnv(t)
	lead := e.signIn("lead@camden.test", e.addUser("lead@camden.test", domain.RoleUploader, 202))
	status, body, _ := e.get(lead, "/councils/202/returns?month=2026-10")
	if status != http.StatusOK || !contains(body, "Return for Oct 2026") || !contains(body, "govuk-tag--red\">Missing") ||
		!contains(body, "20 Nov 2026") || !contains(body, "No figures are held for Oct 2026.") {
		t.Fatalf("an empty month: %d", status)
	}
	// Two versions: the first replaced by the second.
	first := typicalValues()
	e.seedMonth(202, "2026-10", first)
	second := typicalValues()
	second["CSC_CIN"] = 1825
	var obs []domain.Observation
	for code, v := range second {
		obs = append(obs, domain.Observation{Council: 202, Indicator: code, Month: "2026-10", Value: v})
	}
	obs[0].Note = "Checked with the team"
	sub := &domain.Submission{SubmittedBy: "lead@camden.test", Source: "test", FileName: "camden-oct.xlsx", SHA256: "second"}
	if err := e.db.StoreSubmission(context.Background(), sub, obs, nil, domain.AuditEntry{Actor: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	_, body, _ = e.get(lead, "/councils/202/returns?month=2026-10")
	inds, _, _ := e.srv.requiredCodes(context.Background())
	label := map[string]string{}
	for _, ind := range inds {
		label[ind.Code] = ind.Label
	}
	row := regexp.MustCompile(`(?s)` + regexp.QuoteMeta(html.EscapeString(label["CSC_CIN"])) + `</th>\s*<td class="govuk-table__cell govuk-table__cell--numeric">([^<]+)</td>`).FindStringSubmatch(body)
	if row == nil || row[1] != "1,825" {
		t.Errorf("children in need for Oct 2026: %v; want 1,825", row)
	}
	for _, want := range []string{
		"govuk-tag--green\">Complete", fmt.Sprintf(`href="/returns/submissions/%d">upload %d</a> by lead@camden.test`, sub.ID, sub.ID),
		"Checked with the team", "Current</strong>", "Replaced</strong>", ">seed<",
		`href="/returns/template?council=202&amp;month=2026-10"`,
		`href="/councils/202/returns?month=2026-09">Previous month`, `href="/councils/202/returns#grid">Every month`,
	} {
		if !contains(body, want) {
			t.Errorf("the month page lacks %q", want)
		}
	}
	if contains(body, "Next month") {
		t.Error("Oct 2026 is the last month with a return; there is no next")
	}
	// The grid says so too, and marks the second version.
	_, body, _ = e.get(lead, "/councils/202/returns")
	if !contains(body, `app-grid__cell--complete"><a class="govuk-link" href="/councils/202/returns?month=2026-10"><span class="govuk-visually-hidden">Oct 2026: </span>Complete</a><span class="app-grid__version">v2</span>`) {
		t.Error("the grid does not show Oct 2026 complete, version 2")
	}
	// An older month's page links back to the grid page that holds it;
	// months outside the council's returns are not found; another
	// council's months are refused to its staff.
	if _, body, _ := e.get(lead, "/councils/202/returns?month=2018-03"); !contains(body, `href="/councils/202/returns?before=2019-01#grid">Every month`) {
		t.Error("Mar 2018's page should link to the grid of 2017 and 2018")
	}
	for path, want := range map[string]int{
		"/councils/202/returns?month=2016-12": http.StatusNotFound,
		"/councils/202/returns?month=2026-11": http.StatusNotFound,
		"/councils/202/returns?month=Oct":     http.StatusBadRequest,
		"/councils/206/returns?month=2026-09": http.StatusForbidden,
	} {
		if status, _, _ := e.get(lead, path); status != want {
			t.Errorf("%s: %d; want %d", path, status, want)
		}
	}
}
