package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/xuri/excelize/v2"
)

// trackerJSON is GET /api/v1/returns/status's answer.
type trackerJSON struct {
	Month    string         `json:"month"`
	Due      string         `json:"due"`
	Counts   map[string]int `json:"counts"`
	Councils []struct {
		Number          int      `json:"la_number"`
		Name            string   `json:"name"`
		Status          string   `json:"status"`
		RegionCode      string   `json:"region_code"`
		RegionName      string   `json:"region_name"`
		LastUploadedAt  *string  `json:"last_uploaded_at"`
		LastUploadedBy  *string  `json:"last_uploaded_by"`
		Due             string   `json:"due"`
		Overdue         bool     `json:"overdue"`
		MissingRequired []string `json:"missing_required"`
	} `json:"councils"`
}

func (e *testEnv) trackerStatus(c *http.Client, query string) trackerJSON {
	e.t.Helper()
	status, body, _ := e.get(c, "/api/v1/returns/status?"+query)
	if status != http.StatusOK {
		e.t.Fatalf("/api/v1/returns/status?%s: %d %s", query, status, body)
	}
	var out trackerJSON
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		e.t.Fatal(err)
	}
	return out
}

// statusOf returns one council's entry, failing when it is not listed.
func (tj trackerJSON) statusOf(t *testing.T, n int) (string, bool) {
	t.Helper()
	for _, c := range tj.Councils {
		if c.Number == n {
			return c.Status, c.Overdue
		}
	}
	t.Fatalf("council %d is not listed for %s", n, tj.Month)
	return "", false
}

func (tj trackerJSON) lists(n int) bool {
	for _, c := range tj.Councils {
		if c.Number == n {
			return true
		}
	}
	return false
}

func (e *testEnv) lgaClient() *http.Client {
	e.t.Helper()
	return e.signIn("officer@tracker.test", e.addUser("officer@tracker.test", domain.RoleLGA, 0))
}

// An LGA officer sees every council's state for a month on the page and
// through the API; council staff are refused both, and the CSV.
func TestTrackerForLGAOfficersOnly(t *testing.T) {
	env := newTestEnv(t, Config{})
	lga := env.lgaClient()
	status, body, _ := env.get(lga, "/returns/tracker?month=2024-03")
	if status != http.StatusOK {
		t.Fatalf("tracker page: %d", status)
	}
	for _, want := range []string{"Returns tracker", "Mar 2024", "20 April 2024", `govuk-tag govuk-tag--green">Complete`,
		`govuk-tag govuk-tag--red">Missing`, "Camden", "Waiting for explanations", "Complete, queries explained", "<caption", `<label class="govuk-label govuk-label--s" for="month">`} {
		if !contains(body, want) {
			t.Errorf("tracker page lacks %q", want)
		}
	}
	tj := env.trackerStatus(lga, "month=2024-03")
	if tj.Month != "2024-03" || tj.Due != "2024-04-20" {
		t.Errorf("month %s due %s; want 2024-03 due 2024-04-20", tj.Month, tj.Due)
	}
	if s, overdue := tj.statusOf(t, 202); s != domain.ReturnComplete || overdue {
		t.Errorf("Camden in March 2024: %s, overdue %v; want complete and not overdue", s, overdue)
	}
	if s, overdue := tj.statusOf(t, 302); s != domain.ReturnMissing || !overdue {
		t.Errorf("Barnet in March 2024: %s, overdue %v; want missing and overdue", s, overdue)
	}
	total := 0
	for _, st := range domain.ReturnStates {
		n, ok := tj.Counts[st]
		if !ok {
			t.Errorf("counts lack %s: %v", st, tj.Counts)
		}
		total += n
	}
	if total != len(tj.Councils) || tj.Counts[domain.ReturnComplete] != 2 || tj.Counts[domain.ReturnMissing] != total-2 {
		t.Errorf("counts %v over %d councils; want 2 complete and the rest missing", tj.Counts, len(tj.Councils))
	}
	for _, c := range tj.Councils {
		if c.Due != "2024-04-20" || c.Name == "" || c.RegionCode == "" || c.RegionName == "" || c.MissingRequired == nil {
			t.Errorf("council entry incomplete: %+v", c)
			break
		}
	}

	// Filters narrow the list, and the counts follow the region.
	london := env.trackerStatus(lga, "month=2024-03&region=E12000007&status=complete")
	if len(london.Councils) != 2 || london.Counts[domain.ReturnMissing] != 33-2 {
		t.Errorf("London, complete: %d councils, counts %v; want Camden and Barking, 31 missing", len(london.Councils), london.Counts)
	}

	for _, tt := range []struct{ query, want string }{
		{"month=March", `"March" is not a month written as YYYY-MM`},
		{"month=2016-12", "outside the months returns are made for"},
		{"month=2026-11", "outside the months returns are made for"},
		{"month=2024-03&status=late", `status "late" is not a return status`},
		{"month=2024-03&region=E99", `region "E99" is not a region code`},
	} {
		status, body, _ := env.get(lga, "/api/v1/returns/status?"+tt.query)
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.Unmarshal([]byte(body), &e)
		if status != http.StatusBadRequest || !contains(e.Error.Message, tt.want) {
			t.Errorf("%s: %d %s; want 400 saying %q", tt.query, status, body, tt.want)
		}
	}

	for _, role := range []domain.Role{domain.RoleUploader, domain.RoleDCS} {
		email := string(role) + "@tracker.test"
		c := env.signIn(email, env.addUser(email, role, 202))
		for _, path := range []string{"/returns/tracker", "/returns/tracker.csv", "/api/v1/returns/status"} {
			if status, _, _ := env.get(c, path); status != http.StatusForbidden {
				t.Errorf("%s as %s: %d; want 403", path, role, status)
			}
		}
		if _, body, _ := env.get(c, "/returns"); contains(body, "/returns/tracker") {
			t.Errorf("%s is offered a link to the tracker", role)
		}
	}
}

// When a council returns, the count of missing councils falls by one; an
// upload with queries waits for explanations until they are given.
func TestTrackerCountsFollowUploads(t *testing.T) {
	env := newTestEnv(t, Config{})
	env.seedPreviousMonth(202, 301)
	lga := env.lgaClient()
	month := domain.LastComplete(env.clock.Now()).String()
	before := env.trackerStatus(lga, "month="+month)
	if s, _ := before.statusOf(t, 202); s != domain.ReturnMissing {
		t.Fatalf("Camden before uploading: %s; want missing", s)
	}

	lead := env.signIn("lead@tracker.test", env.addUser("lead@tracker.test", domain.RoleUploader, 202))
	resp := env.upload(lead, "/api/v1/returns", "camden.xlsx", env.fillTemplate(lead, 202, month, typicalValues()), nil)
	if rep := decodeReport(t, resp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("Camden's upload: %d %v", resp.StatusCode, rep)
	}
	after := env.trackerStatus(lga, "month="+month)
	if got, want := after.Counts[domain.ReturnMissing], before.Counts[domain.ReturnMissing]-1; got != want {
		t.Errorf("missing after Camden returned: %d; want %d", got, want)
	}
	if got, want := after.Counts[domain.ReturnComplete], before.Counts[domain.ReturnComplete]+1; got != want {
		t.Errorf("complete after Camden returned: %d; want %d", got, want)
	}
	for _, c := range after.Councils {
		if c.Number == 202 && (c.Status != domain.ReturnComplete || c.LastUploadedBy == nil || *c.LastUploadedBy != "lead@tracker.test" ||
			c.LastUploadedAt == nil || len(c.MissingRequired) != 0) {
			t.Errorf("Camden after returning: %+v", c)
		}
	}

	// Barking's return has children looked after above children in need:
	// it waits for an explanation, then is complete with it.
	vals := typicalValues()
	vals["CSC_CLA"] = 1900
	other := env.signIn("lead@barking.test", env.addUser("lead@barking.test", domain.RoleUploader, 301))
	file := env.fillTemplate(other, 301, month, vals)
	resp = env.upload(other, "/api/v1/returns", "barking.xlsx", file, nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("Barking's upload: %d %v", resp.StatusCode, rep)
	}
	if s, _ := env.trackerStatus(lga, "month="+month).statusOf(t, 301); s != domain.ReturnWaiting {
		t.Errorf("Barking with queries to explain: %s; want %s", s, domain.ReturnWaiting)
	}
	keys := map[string]string{}
	for _, m := range rep["messages"].([]any) {
		if msg := m.(map[string]any); msg["severity"] == domain.SeverityQuery {
			keys[msg["key"].(string)] = "Unaccompanied children arrived."
		}
	}
	expl, _ := json.Marshal(keys)
	resp = env.upload(other, "/api/v1/returns", "barking.xlsx", file, map[string]string{"explanations": string(expl)})
	if rep := decodeReport(t, resp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("Barking explained: %d %v", resp.StatusCode, rep)
	}
	if s, _ := env.trackerStatus(lga, "month="+month).statusOf(t, 301); s != domain.ReturnExplained {
		t.Errorf("Barking explained: %s; want %s", s, domain.ReturnExplained)
	}
	if _, body, _ := env.get(lga, "/returns/tracker?month="+month+"&status="+domain.ReturnExplained); !contains(body, "Barking and Dagenham") || contains(body, ">Camden</a>") {
		t.Error("the page filtered to explained queries should list Barking and not Camden")
	}

	// A figure left out by a bulk load makes the month partial.
	env.seedMonth(303, month, map[string]float64{"CSC_REFERRALS": 10})
	tj := env.trackerStatus(lga, "month="+month)
	if s, _ := tj.statusOf(t, 303); s != domain.ReturnPartial {
		t.Errorf("Bexley with one figure: %s; want partial", s)
	}
	// So does a one-figure bulk load through the API: it is stored, and
	// the council-month is partial.
	book := excelize.NewFile()
	for i, row := range [][]any{{"la_number", "indicator", "month", "value"}, {304, "CSC_CLA", month, 310}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := book.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := book.Write(&buf); err != nil {
		t.Fatal(err)
	}
	resp = env.upload(lga, "/api/v1/returns", "one-figure.xlsx", buf.Bytes(), nil)
	if rep := decodeReport(t, resp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("one-figure bulk load: %d %v", resp.StatusCode, rep)
	}
	if s, _ := env.trackerStatus(lga, "month="+month).statusOf(t, 304); s != domain.ReturnPartial {
		t.Errorf("Brent after a one-figure bulk load: %s; want partial", s)
	}
}

// Overdue is judged against the clock: a month is overdue only once its
// due date (the 20th of the following month) has passed, and the page
// opens on the latest month whose due date has passed.
func TestTrackerOverdueAgainstTheClock(t *testing.T) {
	env := newTestEnv(t, Config{})
	pw := env.addUser("officer@tracker.test", domain.RoleLGA, 0)
	lga := env.signIn("officer@tracker.test", pw)
	// 2 November 2026: October is due on 20 November.
	tj := env.trackerStatus(lga, "month=2026-10")
	if _, overdue := tj.statusOf(t, 202); overdue || tj.Due != "2026-11-20" {
		t.Errorf("October on 2 November: overdue %v, due %s; want not yet, due 2026-11-20", overdue, tj.Due)
	}
	if def := env.trackerStatus(lga, ""); def.Month != "2026-09" {
		t.Errorf("default month on 2 November: %s; want 2026-09, the latest past its due date", def.Month)
	}
	if _, body, _ := env.get(lga, "/returns/tracker"); !contains(body, "September 2026") || !contains(body, "was due by <strong>20 October 2026</strong>") {
		t.Error("the page should open on September 2026, due by 20 October 2026")
	}
	env.clock.Add(18*24*time.Hour + 14*time.Hour) // 20 November, 23:00
	lga = env.signIn("officer@tracker.test", pw)  // the old session has ended
	if _, overdue := env.trackerStatus(lga, "month=2026-10").statusOf(t, 202); overdue {
		t.Error("October is overdue on its due date")
	}
	env.clock.Add(time.Hour) // 21 November
	lga = env.signIn("officer@tracker.test", pw)
	tj = env.trackerStatus(lga, "month=2026-10")
	if _, overdue := tj.statusOf(t, 202); !overdue {
		t.Error("October is not overdue on 21 November")
	}
	if def := env.trackerStatus(lga, ""); def.Month != "2026-10" {
		t.Errorf("default month on 21 November: %s; want 2026-10", def.Month)
	}
	if _, body, _ := env.get(lga, "/returns/tracker?month=2026-10"); !contains(body, `<strong class="govuk-tag govuk-tag--orange">Overdue</strong>`) {
		t.Error("the page does not mark overdue councils")
	}
}

// A configured due day moves the due date.
func TestTrackerDueDayConfigurable(t *testing.T) {
	env := newTestEnv(t, withSettings(func(c *config.Config) { c.DueDay = 7 }))
	if tj := env.trackerStatus(env.lgaClient(), "month=2026-10"); tj.Due != "2026-11-07" {
		t.Errorf("due %s; want 2026-11-07", tj.Due)
	}
}

// Councils are listed for the months they existed: Northamptonshire (928)
// until March 2021, North Northamptonshire (940) from April 2021.
func TestTrackerFollowsCouncilLifetimes(t *testing.T) {
	env := newTestEnv(t, Config{})
	lga := env.lgaClient()
	may2020 := env.trackerStatus(lga, "month=2020-05")
	if !may2020.lists(928) || may2020.lists(940) || may2020.lists(941) {
		t.Errorf("May 2020: 928 listed %v, 940 %v; want 928 only", may2020.lists(928), may2020.lists(940))
	}
	may2022 := env.trackerStatus(lga, "month=2022-05")
	if may2022.lists(928) || !may2022.lists(940) || !may2022.lists(941) {
		t.Errorf("May 2022: 928 listed %v, 940 %v; want 940 and 941 only", may2022.lists(928), may2022.lists(940))
	}
	if !may2020.lists(839) || may2020.lists(837) || !may2020.lists(202) {
		t.Error("May 2020 should list Camden and Bournemouth, Christchurch and Poole (from April 2019), not Bournemouth (until March 2019)")
	}
	if _, body, _ := env.get(lga, "/returns/tracker?month=2020-05"); !contains(body, "Northamptonshire") || !contains(body, "Predecessor council") {
		t.Error("the page for May 2020 does not show Northamptonshire as a predecessor")
	}
}

// The CSV download has the page's filters, a row per council and
// neutralised formulas (SECURITY U10).
func TestTrackerCSV(t *testing.T) {
	env := newTestEnv(t, Config{})
	lga := env.lgaClient()
	sub := &domain.Submission{SubmittedBy: `=HYPERLINK("http://evil.example")`, Source: "test", FileName: "x.xlsx", SHA256: "csv-test"}
	obs := []domain.Observation{{Council: 302, Indicator: "CSC_REFERRALS", Month: "2024-03", Value: 5}}
	if err := env.db.StoreSubmission(context.Background(), sub, obs, nil, domain.AuditEntry{Actor: "test"}, nil); err != nil {
		t.Fatal(err)
	}
	status, body, h := env.get(lga, "/returns/tracker.csv?month=2024-03&region=E12000007")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") ||
		!contains(h.Get("Content-Disposition"), "returns-tracker-2024-03.csv") {
		t.Fatalf("CSV: %d %s %s", status, h.Get("Content-Type"), h.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(withoutBOM(t, body))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+33 || rows[0][0] != "month" || rows[0][5] != "status" {
		t.Fatalf("%d rows, header %v; want a header and London's 33 councils", len(rows), rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if r[1] == "302" {
			found = true
			if r[5] != domain.ReturnPartial || !strings.HasPrefix(r[8], "'=") || r[10] != "2024-04-20" || r[11] != "yes" {
				t.Errorf("Barnet's row %v; want partial, the formula neutralised, due 2024-04-20, overdue", r)
			}
		}
	}
	if !found {
		t.Error("Barnet is not in the CSV")
	}
	if status, _, _ := env.get(lga, "/returns/tracker.csv?month=2024-13"); status != http.StatusBadRequest {
		t.Errorf("a bad month: %d; want 400", status)
	}
}

// A council's returns page says which month is due next and by when, and
// its template picker starts there.
func TestCouncilReturnsSaysWhatIsDueNext(t *testing.T) {
	env := newTestEnv(t, Config{})
	lga := env.lgaClient()
	selected := func(body, month string) bool {
		return contains(body, fmt.Sprintf(`<option value="%s" selected>`, month))
	}
	// 2 November 2026 and nothing for two years: October is due on 20
	// November, and every earlier month is overdue.
	_, body, _ := env.get(lga, "/councils/202/returns")
	if !contains(body, "The return for Oct 2026 is due by 20 Nov 2026.") || !contains(body, "23 earlier months are overdue too") ||
		!selected(body, "2026-10") {
		t.Error("with nothing returned, October 2026 should be due by 20 November 2026, with 23 earlier months overdue")
	}
	// October returned: September, due on 20 October, is the one owed.
	env.seedMonth(202, "2026-10", typicalValues())
	_, body, _ = env.get(lga, "/councils/202/returns")
	if !contains(body, "The return for Sep 2026 was due by 20 Oct 2026 and is overdue.") || !selected(body, "2026-09") {
		t.Error("with October returned, September 2026 should be owed and overdue, and picked")
	}
	// Every month returned: November, under way, is next.
	for m := domain.LastComplete(env.clock.Now()); !m.Before(domain.LastComplete(env.clock.Now()).Add(-23)); m = m.Add(-1) {
		env.seedMonth(202, m.String(), typicalValues())
	}
	_, body, _ = env.get(lga, "/councils/202/returns")
	if !contains(body, "The return for Nov 2026 is due by 20 Dec 2026.") || contains(body, "overdue") || !selected(body, "2026-10") {
		t.Error("with every month returned, November 2026 should be due by 20 December 2026, and the picker on October")
	}
	// A council that no longer exists owes nothing.
	if status, body, _ := env.get(lga, "/councils/928/returns"); status != http.StatusOK || contains(body, "is due by") {
		t.Errorf("Northamptonshire's returns page: %d, says a return is due", status)
	}
}
