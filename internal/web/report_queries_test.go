package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/xuri/excelize/v2"
)

// queryWorkbook writes a long-layout bulk workbook for councils over the
// months from first, n months, every council-month complete, with
// children looked after above children in need (a Q02 query on each
// council-month) and referrals up by half in the last month (a Q01 query
// on each council).
func queryWorkbook(t *testing.T, councils []int, first domain.Month, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	row := 1
	write := func(vals ...any) {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
		row++
	}
	write("la_number", "indicator", "month", "value")
	for _, c := range councils {
		for i := range n {
			m := first.Add(i)
			v := typicalValues()
			v["CSC_CLA"] = 1900
			if i == n-1 {
				v["CSC_REFERRALS"] = 600
			}
			for code, x := range v {
				write(c, code, m.String(), x)
			}
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// postJSON posts a JSON body and returns the status and decoded answer.
func (e *testEnv) postJSON(c *http.Client, path string, body any) (int, map[string]any) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("%s: %d %s", path, resp.StatusCode, raw)
	}
	return resp.StatusCode, out
}

var queryRowRE = regexp.MustCompile(`name="key" type="checkbox" value="([^"]+)"`)

// An LGA officer explains a bulk upload's queries on its report page: the
// queries are grouped by rule, each heading with its count, 100 to a page
// (?rule=Q02&page=2); one explanation goes to the queries checked on a
// page, or to every query of a rule; each row names the council (name
// and number), indicator and month; explanations are kept while others
// still wait, and the return is stored once every query has one.
func TestBulkQueriesExplainedByGroupOnTheWeb(t *testing.T) {
	env := newTestEnv(t, withSettings(func(c *config.Config) { c.ReconcileQuery = false })) // no Q06: the workbook's March figures are made up
	pw := env.addUser("lga@groups.test", domain.RoleLGA, 0)
	lga := env.signIn("lga@groups.test", pw)
	councils := []int{202, 301, 370, 867, 884}
	book := queryWorkbook(t, councils, domain.Month{Year: 2020, Month: 1}, 24) // 120 Q02, 5 Q01
	resp := env.upload(lga, "/api/v1/returns", "bulk.xlsx", book, nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("bulk upload: %d %v", resp.StatusCode, rep["status"])
	}
	id := int64(rep["submission"].(map[string]any)["id"].(float64))
	report := fmt.Sprintf("/returns/submissions/%d", id)

	// The report opens on the first rule with queries waiting, Q01; the
	// rules table links to the others.
	status, body, _ := env.get(lga, report)
	if status != http.StatusOK || !contains(body, "Queries by rule") {
		t.Fatalf("report: %d, no grouped queries", status)
	}
	for _, want := range []string{`href="` + report + `?rule=Q02#queries">Q02</a>`, ">120<", ">5<", "Q01 queries", "Referrals"} {
		if !contains(body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := len(queryRowRE.FindAllString(body, -1)); n != 5 {
		t.Errorf("the Q01 group lists %d queries; want 5", n)
	}
	status, body, _ = env.get(lga, report+"?rule=Q02")
	for _, want := range []string{"Q02 queries, page 1 of 2", "Camden (202)", "Children looked after (CSC_CLA)", "Jan 2020"} {
		if !contains(body, want) {
			t.Errorf("Q02 page 1 lacks %q", want)
		}
	}
	if n := len(queryRowRE.FindAllString(body, -1)); status != http.StatusOK || n != 100 {
		t.Errorf("page 1 lists %d queries; want 100", n)
	}
	status, body, _ = env.get(lga, report+"?rule=Q02&page=2")
	keys := queryRowRE.FindAllStringSubmatch(body, -1)
	if status != http.StatusOK || len(keys) != 20 || !contains(body, "page 2 of 2") || !contains(body, "Herefordshire, County of (884)") {
		t.Fatalf("page 2: %d with %d queries", status, len(keys))
	}

	// Three checked queries of page 2.
	form := url.Values{"rule": {"Q02"}, "page": {"2"}, "apply": {"checked"}, "explanation": {"Placements by the Home Office."}}
	for _, k := range keys[:3] {
		form.Add("key", k[1])
	}
	resp = env.postForm(lga, report+"/explanations", form)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != report+"?rule=Q02&page=2&saved=1" {
		t.Fatalf("checked queries: %d to %q", resp.StatusCode, loc)
	}
	sub, _, err := env.db.Submission(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	explained := 0
	for _, m := range sub.Messages() {
		if m.Explanation == "Placements by the Home Office." {
			explained++
		}
	}
	if sub.Status != domain.StatusAwaiting || explained != 3 {
		t.Fatalf("after the checked queries: %s with %d explained; want 3 kept, waiting", sub.Status, explained)
	}
	if _, body, _ = env.get(lga, report+"?rule=Q02&page=2&saved=1"); !contains(body, "Explanations saved") || !contains(body, "122 of 125 queries still need one") {
		t.Error("the page does not say the explanations were saved and how many still wait")
	}

	// Nothing checked: the page says what to do, and nothing changes.
	resp = env.postForm(lga, report+"/explanations", url.Values{"rule": {"Q02"}, "page": {"1"}, "apply": {"checked"}, "explanation": {"x"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("no query checked: %d; want 422", resp.StatusCode)
	}

	// The whole Q02 group, then Q01: stored.
	resp = env.postForm(lga, report+"/explanations", url.Values{"rule": {"Q02"}, "page": {"1"}, "apply": {"rule"}, "explanation": {"Checked with each council."}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the Q02 group: %d", resp.StatusCode)
	}
	if _, body, _ = env.get(lga, report+"?rule=Q01"); !contains(body, "Q01 queries") || !contains(body, "Every Q01 query without an explanation (5)") {
		t.Error("the Q01 group is not offered with its 5 waiting queries")
	}
	resp = env.postForm(lga, report+"/explanations", url.Values{"rule": {"Q01"}, "page": {"1"}, "apply": {"rule"}, "explanation": {"A new front door."}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != report {
		t.Fatalf("the Q01 group: %d to %q; want the report", resp.StatusCode, loc)
	}
	status, body, _ = env.get(lga, report)
	if status != http.StatusOK || !contains(body, "Return stored") || !contains(body, "A new front door.") || contains(body, `name="key"`) {
		t.Errorf("stored report: %d; want it stored, explanations shown, no form", status)
	}
	sub, _, _ = env.db.Submission(context.Background(), id)
	for _, m := range sub.Messages() {
		if m.Severity == domain.SeverityQuery && m.Explanation == "" {
			t.Errorf("query %s left without an explanation", m.Key())
		}
	}
}

// The same through the API: POST /api/v1/returns/{id}/explanations with
// one explanation for a rule and others by key answers with the report,
// 409 while queries still wait and 201 once stored; a bad body is refused
// naming what is wrong; another council's data lead cannot see the
// upload.
func TestExplanationsThroughAPI(t *testing.T) {
	env := newTestEnv(t, withSettings(func(c *config.Config) { c.ReconcileQuery = false }))
	pw := env.addUser("lga@api-explain.test", domain.RoleLGA, 0)
	lga := env.signIn("lga@api-explain.test", pw)
	leadPW := env.addUser("lead@api-explain.test", domain.RoleUploader, 202)
	lead := env.signIn("lead@api-explain.test", leadPW)
	resp := env.upload(lga, "/api/v1/returns", "bulk.xlsx", queryWorkbook(t, []int{202, 301}, domain.Month{Year: 2020, Month: 1}, 3), nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	id := int64(rep["submission"].(map[string]any)["id"].(float64))
	path := fmt.Sprintf("/api/v1/returns/%d/explanations", id)
	var q01 []string
	for _, m := range rep["messages"].([]any) {
		msg := m.(map[string]any)
		if msg["rule"] == returns.RuleChange {
			q01 = append(q01, msg["key"].(string))
		}
		if msg["severity"] == domain.SeverityQuery && (msg["la_number"] == nil || msg["indicator"] == "" || msg["month"] == "" || msg["council_name"] == "") {
			t.Errorf("a query that does not name its council, indicator and month: %v", msg)
		}
	}
	if len(q01) != 2 {
		t.Fatalf("Q01 keys %v; want 2", q01)
	}

	for _, bad := range []struct {
		body any
		want string
	}{
		{map[string]any{"rule": "Q02"}, "Write the explanation"},
		{map[string]any{"rule": "Q09", "explanation": "x"}, "no query of rule Q09"},
		{map[string]any{"explanations": "text"}, "Send a JSON object"},
		{map[string]any{}, `Give "explanations"`},
	} {
		status, out := env.postJSON(lga, path, bad.body)
		if status != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["error"]), bad.want) {
			t.Errorf("%v: %d %v; want 400 saying %q", bad.body, status, out, bad.want)
		}
	}
	if status, _ := env.postJSON(lead, path, map[string]any{"rule": "Q02", "explanation": "x"}); status != http.StatusNotFound {
		t.Errorf("a data lead explaining a bulk load: %d; want 404", status)
	}

	status, out := env.postJSON(lga, path, map[string]any{"rule": "Q02", "explanation": "Home Office placements."})
	if status != http.StatusConflict || out["status"] != domain.StatusAwaiting {
		t.Fatalf("Q02 by rule: %d %v; want 409 waiting", status, out["status"])
	}
	waiting := 0
	for _, m := range out["messages"].([]any) {
		if msg := m.(map[string]any); msg["severity"] == domain.SeverityQuery && msg["explanation"] == "" {
			waiting++
		}
	}
	if waiting != 2 {
		t.Errorf("%d queries waiting after Q02; want the 2 Q01", waiting)
	}
	status, out = env.postJSON(lga, path, map[string]any{"explanations": map[string]string{q01[0]: "A new front door.", q01[1]: "Schools' training."}})
	if status != http.StatusCreated || out["status"] != domain.StatusStored {
		t.Fatalf("Q01 by key: %d %v; want 201 stored", status, out["status"])
	}
	if status, _ = env.postJSON(lga, path, map[string]any{"rule": "Q02", "explanation": "again"}); status != http.StatusConflict {
		t.Errorf("explaining a stored upload: %d; want 409", status)
	}
}

// A resubmission's report lists the figures it changed, with cell, old
// and new value; the upload it replaced is marked as replaced in the
// council's list; a report never contradicts itself: a rejected return
// does not ask for explanations, and an identical file's report says
// nothing changed without the "stored" panel. The explanations of the
// current figures are shown on the council's returns page to its DCS and
// to LGA officers.
func TestResubmissionReportAndReplacedUploads(t *testing.T) {
	env := newTestEnv(t, Config{})
	env.seedPreviousMonth(202)
	pw := env.addUser("lead@resubmit.test", domain.RoleUploader, 202)
	c := env.signIn("lead@resubmit.test", pw)
	month := domain.LastComplete(env.clock.Now()).String()

	a := env.fillTemplate(c, 202, month, typicalValues())
	rep := decodeReport(t, env.upload(c, "/api/v1/returns", "a.xlsx", a, nil))
	aID := int64(rep["submission"].(map[string]any)["id"].(float64))
	if rep["status"] != domain.StatusStored || rep["changes"] != nil {
		t.Fatalf("A: %v, changes %v; want stored, replacing nothing", rep["status"], rep["changes"])
	}
	bValues := typicalValues()
	bValues["CSC_CLA"] = 310
	resp := env.upload(c, "/api/v1/returns", "b.xlsx", env.fillTemplate(c, 202, month, bValues), nil)
	rep = decodeReport(t, resp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("B: %d %v", resp.StatusCode, rep)
	}
	bID := int64(rep["submission"].(map[string]any)["id"].(float64))
	changes, _ := rep["changes"].(map[string]any)
	if figs, _ := changes["figures"].([]any); len(figs) != 1 || figs[0].(map[string]any)["old"] != 300.0 || figs[0].(map[string]any)["new"] != 310.0 {
		t.Errorf("B's changes %v; want CSC_CLA 300 → 310", changes)
	}
	status, body, _ := env.get(c, fmt.Sprintf("/returns/submissions/%d", bID))
	i := strings.Index(body, "What this upload changed")
	if status != http.StatusOK || i < 0 {
		t.Fatalf("B's report: %d, no list of changes", status)
	}
	table := body[i:]
	table = table[:strings.Index(table, "</table>")]
	if strings.Count(table, "<tr class=\"govuk-table__row\">") != 2 || !contains(table, "Children looked after (CSC_CLA)") ||
		!regexp.MustCompile(`Return!E\d+`).MatchString(table) || !contains(table, ">300<") || !contains(table, ">310<") {
		t.Errorf("B's changes table: %s", table)
	}
	_, page, _ := env.get(c, "/councils/202/returns")
	rowA := page[strings.Index(page, fmt.Sprintf(`href="/returns/submissions/%d"`, aID)):]
	rowA = rowA[:strings.Index(rowA, "</tr>")]
	if !contains(rowA, "replaced") {
		t.Errorf("A's row in the uploads list is not marked replaced: %s", rowA)
	}
	rowB := page[strings.Index(page, fmt.Sprintf(`href="/returns/submissions/%d"`, bID)):]
	rowB = rowB[:strings.Index(rowB, "</tr>")]
	if contains(rowB, "replaced") {
		t.Errorf("B, current, is marked replaced: %s", rowB)
	}

	// The same file as the return held: nothing changed, and no "stored"
	// panel beside it.
	same := env.fillTemplate(c, 202, month, typicalValues())
	env.waitJob(c, env.formUpload(c, "c.xlsx", same))
	job := env.formUpload(c, "c.xlsx", same)
	if snap := env.waitJob(c, job); !snap.Unchanged {
		t.Fatalf("the same file again: %+v", snap)
	}
	status, body, _ = env.get(c, job)
	if status != http.StatusOK || !contains(body, "Nothing changed") || contains(body, "Return stored") || contains(body, "The figures are now the current return") {
		t.Errorf("identical upload's page: %d; want nothing changed, no stored panel", status)
	}

	// A rejected return with a query does not ask for explanations.
	bad := typicalValues()
	bad["CSC_CIN"], bad["CSC_CPP"] = -1, 2500
	rep = decodeReport(t, env.upload(c, "/api/v1/returns", "bad.xlsx", env.fillTemplate(c, 202, month, bad), nil))
	badID := int64(rep["submission"].(map[string]any)["id"].(float64))
	_, body, _ = env.get(c, fmt.Sprintf("/returns/submissions/%d", badID))
	if !contains(body, "Return not accepted") || contains(body, "<textarea") || contains(body, "Explain each one") || contains(body, "What this upload") {
		t.Errorf("rejected report asks for explanations or lists changes")
	}

	// A query explained; the explanation is shown on the returns page to
	// the council's DCS and to LGA officers.
	q := typicalValues()
	q["CSC_CPP"] = 2500
	rep = decodeReport(t, env.upload(c, "/api/v1/returns", "q.xlsx", env.fillTemplate(c, 202, month, q), nil))
	keys := map[string]string{}
	for _, m := range rep["messages"].([]any) {
		if msg := m.(map[string]any); msg["severity"] == domain.SeverityQuery {
			keys[msg["key"].(string)] = "A sibling group of six came into care."
		}
	}
	expl, _ := json.Marshal(keys)
	if resp := env.upload(c, "/api/v1/returns", "q.xlsx", env.fillTemplate(c, 202, month, q), map[string]string{"explanations": string(expl)}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("explained upload: %d", resp.StatusCode)
	}
	dcsPW := env.addUser("dcs@resubmit.test", domain.RoleDCS, 202)
	lgaPW := env.addUser("lga@resubmit.test", domain.RoleLGA, 0)
	for _, who := range []*http.Client{env.signIn("dcs@resubmit.test", dcsPW), env.signIn("lga@resubmit.test", lgaPW)} {
		status, body, _ := env.get(who, "/councils/202/returns")
		i := strings.Index(body, "Notes and explanations")
		if status != http.StatusOK || i < 0 || !contains(body[i:], "A sibling group of six came into care.") || !contains(body[i:], "Children on a child protection plan (CSC_CPP)") {
			t.Errorf("returns page: %d; the explanation is not shown beside the figure", status)
		}
	}
}
