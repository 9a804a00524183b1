package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/dashboard"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// camdenAndNeighbours are Camden and its ten statistical neighbours.
var camdenAndNeighbours = []int{202, 206, 213, 205, 210, 208, 207, 209, 309, 204, 302}

// newHomeEnv holds the demo's figures for Camden and its neighbours from
// January 2017 to September 2026 (the test clock stands at 2 November
// 2026, so October's return is the one due), and the demo's
// self-assessments for them, the latest dated 15 July 2022.
func newHomeEnv(t *testing.T) *testEnv {
	t.Helper()
	var ref *reference.Data
	e := newTestEnvWith(t, Config{}, func(r *reference.Data, emit func(domain.Observation) error) error {
		ref = r
		return demo.Generate(r, demo.Options{Seed: demo.DefaultSeed, First: domain.FirstMonth,
			Last: domain.Month{Year: 2026, Month: time.September}, Councils: camdenAndNeighbours}, emit)
	})
	as, err := demo.Assessments(ref, demo.Options{Seed: demo.DefaultSeed, Last: domain.Month{Year: 2026, Month: time.September}, Councils: camdenAndNeighbours})
	if err != nil {
		t.Fatal(err)
	}
	// Keep the pandemic rounds only, so every council's latest is the one
	// of 15 Jul 2022 and out of date; a fresh one is added where a test
	// needs it.
	as = slices.DeleteFunc(as, func(a domain.Assessment) bool { return !slices.Contains(demo.AssessmentDates, a.Date()) })
	if _, err := e.db.LoadDemoAssessments(context.Background(), as); err != nil {
		t.Fatal(err)
	}
	return e
}

// A DCS's start page: the council's biggest movers against its
// neighbours, each with its figure, the neighbours' median, the direction
// in words and a link to the comparison; the return due and its state;
// and the age of its self-assessment.
func TestHomeForDCS(t *testing.T) {
	e := newHomeEnv(t)
	dcs := e.signIn("dcs@camden.test", e.addUser("dcs@camden.test", domain.RoleDCS, 202))
	status, body, _ := e.get(dcs, "/")
	if status != http.StatusOK {
		t.Fatalf("home: %d", status)
	}
	d, err := e.srv.dataset(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	movers := d.Movers(dashboard.Viewer{Restricted: true, Own: 202}, 202)
	if len(movers) == 0 {
		t.Fatal("the demo gives Camden no movers against its neighbours")
	}
	for _, mv := range movers {
		link := fmt.Sprintf(`href="/councils/202?indicator=%s#comparison"`, mv.Indicator.Code)
		row := regexp.MustCompile(`(?s)` + regexp.QuoteMeta(link) + `.*?</tr>`).FindString(body)
		if row == "" {
			t.Errorf("no row linking to %s's comparison", mv.Indicator.Code)
			continue
		}
		for _, want := range []string{mv.Indicator.Label, ">" + mv.Value + "<", ">" + mv.Neighbours + "<",
			template.HTMLEscapeString(mv.Change.Words), "Now " + mv.Position + " the neighbours' median, against " + mv.PositionBefore + " in " + mv.PeriodBefore, mv.Period, mv.PeriodBefore} {
			if !strings.Contains(row, want) {
				t.Errorf("%s's row lacks %q: %s", mv.Indicator.Code, want, row)
			}
		}
	}
	for _, want := range []string{
		"The return for Oct 2026 is due by 20 Nov 2026.",
		"Status of the Oct 2026 return: <strong class=\"govuk-tag govuk-tag--red\">Missing</strong>",
		`href="/councils/202/returns"`,
		"Last submitted 15 Jul 2022 — 4 years ago.", "Out of date",
		`href="/councils/202/assessment"`,
		"Find a council",
	} {
		if !contains(body, want) {
			t.Errorf("the DCS's home lacks %q", want)
		}
	}
	// September's demo figures make it complete; October's return, once
	// made, makes November (under way) the month due.
	e.seedMonth(202, "2026-10", typicalValues())
	_, body, _ = e.get(dcs, "/")
	if !contains(body, "The return for Nov 2026 is due by 20 Dec 2026.") || !contains(body, "Nov 2026 is still under way") ||
		!contains(body, "Its template can be downloaded from 1 Dec 2026") || !contains(body, `href="/councils/202/returns?month=2026-10">Oct 2026</a>: <strong class="govuk-tag govuk-tag--green">Complete</strong>`) {
		t.Error("with October returned, the DCS's home should say November is due by 20 Dec 2026")
	}
}

// A data lead's start page: the month due next and by when, its state,
// and the template and upload.
func TestHomeForDataLead(t *testing.T) {
	e := newHomeEnv(t)
	lead := e.signIn("lead@camden.test", e.addUser("lead@camden.test", domain.RoleUploader, 202))
	_, body, _ := e.get(lead, "/")
	for _, want := range []string{
		"The return for Oct 2026 is due by 20 Nov 2026.", "govuk-tag--red\">Missing",
		`href="/returns/template?council=202&amp;month=2026-10"`, `href="/councils/202/returns#file"`,
		`href="/councils/202/returns?month=2026-10"`,
	} {
		if !contains(body, want) {
			t.Errorf("the data lead's home lacks %q", want)
		}
	}
	if contains(body, "Biggest moves") || contains(body, "Returns for Sep 2026") {
		t.Error("the data lead's home shows the DCS's or the LGA officer's parts")
	}
	// A template download for the month named works.
	if status, _, _ := e.get(lead, "/returns/template?council=202&month=2026-10"); status != http.StatusOK {
		t.Errorf("the template linked from home: %d", status)
	}
}

// An LGA officer's start page: the tracker's counts for the month it
// opens on, the most severe pressure points of the latest month and the
// councils whose self-assessment is out of date; an administrator's adds
// the administration pages.
func TestHomeForLGAOfficerAndAdministrator(t *testing.T) {
	e := newHomeEnv(t)
	lga := e.lgaClient()
	_, body, _ := e.get(lga, "/")
	d, err := e.srv.dataset(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	existing := len(d.Existing(domain.Month{Year: 2026, Month: time.September}))
	for _, want := range []string{
		"Returns for Sep 2026", "They were due by 20 Oct 2026.",
		fmt.Sprintf(`href="/returns/tracker?month=2026-09&amp;status=complete"><span class="app-counts__n">%d</span> <span class="app-counts__label">Complete</span>`, len(camdenAndNeighbours)),
		fmt.Sprintf(`href="/returns/tracker?month=2026-09&amp;status=missing"><span class="app-counts__n">%d</span> <span class="app-counts__label">Missing</span>`, existing-len(camdenAndNeighbours)),
		`href="/returns/tracker?month=2026-09"`,
	} {
		if !contains(body, want) {
			t.Errorf("the LGA officer's home lacks %q", want)
		}
	}
	pm, _ := d.PressureMonth()
	p := d.Pressure(pm)
	if len(p.Result.Points) == 0 {
		t.Fatal("no pressure points in the demo's figures")
	}
	if !contains(body, "Newest pressure points, "+pm.Label()) || !contains(body, `href="/pressure?month=`+pm.String()+`#points"`) {
		t.Errorf("the LGA officer's home lacks the pressure points of %s", pm.Label())
	}
	for i, pt := range p.Result.Points {
		link := fmt.Sprintf(`href="/councils/%d?indicator=%s#comparison">%s: %s</a>`, pt.Council, pt.Indicator, d.ByNumber[pt.Council].Name, d.ByCode[pt.Indicator].Label)
		if shown := contains(body, link); shown != (i < homeListed) {
			t.Errorf("pressure point %d (%s) shown %v", i+1, link, shown)
		}
	}
	// Every current council but Camden's ten neighbours and Camden has no
	// assessment; those have one from 15 Jul 2022, more than 12 months old.
	stale := fmt.Sprintf("%d of %d councils have a self-assessment more than 12 months old or none (%d not yet assessed).",
		len(d.Councils), len(d.Councils), len(d.Councils)-len(camdenAndNeighbours))
	if !contains(body, stale) {
		t.Errorf("the LGA officer's home lacks %q", stale)
	}
	if n := strings.Count(body, "Not yet assessed</td>"); n != homeListed {
		t.Errorf("%d stale councils listed; want the first %d", n, homeListed)
	}
	if contains(body, `href="/admin/users"`) {
		t.Error("the LGA officer's home links to the administration pages")
	}

	admin := e.signIn("admin@home.test", e.addUser("admin@home.test", domain.RoleAdmin, 0))
	_, body, _ = e.get(admin, "/")
	for _, want := range []string{"Returns for Sep 2026", "Newest pressure points", "Self-assessments out of date", `href="/admin/users"`} {
		if !contains(body, want) {
			t.Errorf("the administrator's home lacks %q", want)
		}
	}
}

// A fresh self-assessment is not out of date: a council that submits one
// today drops off the LGA officer's list.
func TestHomeStaleListDropsFreshAssessment(t *testing.T) {
	e := newHomeEnv(t)
	ctx := context.Background()
	as, err := e.db.Assessments(ctx, 206)
	if err != nil || len(as) == 0 {
		t.Fatalf("Islington's assessments: %v", err)
	}
	a := as[len(as)-1]
	a.ID, a.At, a.Demo = 0, "", false
	if _, err := e.db.SaveAssessment(ctx, a, domain.AuditEntry{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.model.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	_, body, _ := e.get(e.lgaClient(), "/")
	d, _ := e.srv.dataset(ctx)
	if !contains(body, fmt.Sprintf("%d of %d councils have a self-assessment", len(d.Councils)-1, len(d.Councils))) {
		t.Error("a council assessed today is still counted as out of date")
	}
}

// A council far behind is told which months it owes: the first few by
// name and how many more.
func TestHomeNamesOverdueMonths(t *testing.T) {
	e := newTestEnv(t, Config{})
	dcs := e.signIn("dcs@behind.test", e.addUser("dcs@behind.test", domain.RoleDCS, 202))
	_, body, _ := e.get(dcs, "/")
	if !contains(body, "23 earlier months are overdue too: Sep 2026, Aug 2026, Jul 2026, Jun 2026, May 2026, Apr 2026 and 17 more.") {
		t.Error("the DCS's home does not name the overdue months")
	}
}
