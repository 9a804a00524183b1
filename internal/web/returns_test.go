package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/xuri/excelize/v2"
)

// fillTemplate downloads the template for a council and month and fills
// every value cell from values (indicator code → value), returning the
// workbook bytes.
func (e *testEnv) fillTemplate(c *http.Client, council int, month string, values map[string]float64) []byte {
	e.t.Helper()
	resp, err := c.Get(fmt.Sprintf("%s/returns/template?council=%d&month=%s", e.ts.URL, council, month))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		e.t.Fatalf("template: status %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(returns.ReturnSheet)
	if err != nil {
		e.t.Fatal(err)
	}
	codeCol, valueCol := -1, -1
	for i, row := range rows {
		for j, v := range row {
			switch v {
			case returns.HeaderCode:
				codeCol = j
			case returns.HeaderValue:
				valueCol = j
			}
		}
		if codeCol >= 0 && valueCol >= 0 && i+1 < len(rows) {
			for k := i + 1; k < len(rows); k++ {
				if codeCol >= len(rows[k]) {
					continue
				}
				if v, ok := values[rows[k][codeCol]]; ok {
					cell, _ := excelize.CoordinatesToCellName(valueCol+1, k+1)
					if err := f.SetCellValue(returns.ReturnSheet, cell, v); err != nil {
						e.t.Fatal(err)
					}
				}
			}
			break
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		e.t.Fatal(err)
	}
	return buf.Bytes()
}

// typicalValues is a plausible return for a mid-sized council.
func typicalValues() map[string]float64 {
	return map[string]float64{
		"EHE_KNOWN": 300, "EHE_NEW": 30, "EHE_RETURNED": 10, "EHE_NEW_HEALTH": 8,
		"CSC_REFERRALS": 400, "CSC_REREFERRALS": 80, "CSC_ASSESSMENTS": 380, "CSC_S47": 120,
		"CSC_CIN": 1800, "CSC_CPP": 200, "CSC_CLA": 300,
		"EH_REQUESTS": 150, "EH_ASSESSMENTS": 120, "EH_OPEN": 900, "EH_STEPDOWN": 20,
		"SEND_EHCP": 2000, "SEND_EHC_REQUESTS": 40, "SEND_EHCP_20WK": 55, "SEND_ATTEND_EHCP": 87.5, "SEND_ATTEND_ALL": 93.1,
		"WF_VACANCY": 15, "WF_AGENCY": 12, "WF_CASELOAD": 17.5, "WF_ABSENCE": 3.2,
	}
}

// upload posts a file to a path as multipart form data.
func (e *testEnv) upload(c *http.Client, path, name string, body []byte, fields map[string]string) *http.Response {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(body)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp
}

func decodeReport(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The whole flow through the API: upload, a query to explain, resubmit,
// an identical file changing nothing, and the history keeping every
// version (SECURITY V3, V4).
func TestReturnFlowThroughAPI(t *testing.T) {
	env := newTestEnv(t, Config{})
	env.seedPreviousMonth(202)
	pw := env.addUser("lead@returns.test", domain.RoleUploader, 202)
	c := env.signIn("lead@returns.test", pw)
	month := domain.LastComplete(env.clock.Now()).String()

	a := env.fillTemplate(c, 202, month, typicalValues())
	resp := env.upload(c, "/api/v1/returns", "return-a.xlsx", a, nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusCreated || rep["status"] != domain.StatusStored {
		t.Fatalf("first upload: %d %v", resp.StatusCode, rep)
	}

	// The same file again changes nothing and says so.
	resp = env.upload(c, "/api/v1/returns", "return-a.xlsx", a, nil)
	rep = decodeReport(t, resp)
	if resp.StatusCode != http.StatusOK || rep["status"] != domain.StatusUnchanged {
		t.Fatalf("identical upload: %d %v", resp.StatusCode, rep)
	}

	// B has children looked after above children in need: a query.
	bValues := typicalValues()
	bValues["CSC_CLA"] = 1900
	b := env.fillTemplate(c, 202, month, bValues)
	resp = env.upload(c, "/api/v1/returns", "return-b.xlsx", b, nil)
	rep = decodeReport(t, resp)
	if resp.StatusCode != http.StatusConflict || rep["status"] != domain.StatusAwaiting {
		t.Fatalf("upload with a query: %d %v", resp.StatusCode, rep)
	}
	keys := map[string]string{}
	for _, m := range rep["messages"].([]any) {
		msg := m.(map[string]any)
		if msg["severity"] == domain.SeverityQuery {
			keys[msg["key"].(string)] = "Unaccompanied asylum-seeking children arrived this month."
		}
	}
	if len(keys) == 0 {
		t.Fatal("no query raised for CLA above CIN")
	}
	expl, _ := json.Marshal(keys)
	resp = env.upload(c, "/api/v1/returns", "return-b.xlsx", b, map[string]string{"explanations": string(expl)})
	rep = decodeReport(t, resp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload with explanations: %d %v", resp.StatusCode, rep)
	}

	// A again: a new version, since B is current.
	resp = env.upload(c, "/api/v1/returns", "return-a.xlsx", a, nil)
	if rep := decodeReport(t, resp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("A after B: %d %v", resp.StatusCode, rep)
	}
	versions, err := env.db.ReturnVersions(context.Background(), 202, month)
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) != 3 || versions[0].Status != "current" || versions[0].Version != 3 {
		t.Fatalf("versions %+v; want 3 kept with the third current", versions)
	}
	series, err := env.db.Series(context.Background(), 202, "CSC_CLA")
	if err != nil {
		t.Fatal(err)
	}
	if got := series[len(series)-1]; got.Month != month || got.Value != 300 {
		t.Fatalf("current CLA %+v; want A's 300", got)
	}
	// B's first upload, which waited for explanations, was replaced when B
	// was stored with them: it can no longer be explained over newer
	// figures.
	status, body, _ := env.get(c, "/councils/202/returns")
	if status != http.StatusOK || !contains(body, "return-b.xlsx") || !contains(body, "Replaced by a later upload") {
		t.Errorf("returns page: %d, history incomplete", status)
	}
}

// SECURITY V5 for returns: a data lead cannot submit for another council,
// nor read its uploads.
func TestUploaderCannotSubmitForAnotherCouncil(t *testing.T) {
	env := newTestEnv(t, Config{})
	env.seedPreviousMonth(301)
	pw := env.addUser("lead@scope-returns.test", domain.RoleUploader, 202)
	c := env.signIn("lead@scope-returns.test", pw)
	lgaPW := env.addUser("lga@scope-returns.test", domain.RoleLGA, 0)
	lga := env.signIn("lga@scope-returns.test", lgaPW)
	month := domain.LastComplete(env.clock.Now()).String()
	other := env.fillTemplate(lga, 301, month, typicalValues())
	resp := env.upload(c, "/api/v1/returns", "other.xlsx", other, nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("uploading for council 301 as 202's lead: %d %v", resp.StatusCode, rep)
	}
	if status, _, _ := env.get(c, "/returns/template?council=301&month="+month); status != http.StatusForbidden {
		t.Errorf("another council's template: %d; want 403", status)
	}
	resp = env.upload(lga, "/api/v1/returns", "other.xlsx", other, nil)
	rep = decodeReport(t, resp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("LGA upload for 301: %d %v", resp.StatusCode, rep)
	}
	id := int64(rep["submission"].(map[string]any)["id"].(float64))
	if status, _, _ := env.get(c, fmt.Sprintf("/returns/submissions/%d", id)); status != http.StatusNotFound {
		t.Errorf("202's lead reading 301's upload: %d; want 404", status)
	}
}

// SECURITY U1: an upload over the limit is refused with 413 before any
// parsing, and leaves no temporary file behind (U9).
func TestOversizedUploadRefusedBeforeParsing(t *testing.T) {
	env := newTestEnv(t, withSettings(func(c *config.Config) { c.MaxUploadMB = 1 }))
	pw := env.addUser("lga@u1.test", domain.RoleLGA, 0)
	c := env.signIn("lga@u1.test", pw)
	before := uploadTemps(t)
	resp := env.upload(c, "/api/v1/returns", "big.xlsx", bytes.Repeat([]byte("x"), 1<<20+1), nil)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d; want 413", resp.StatusCode)
	}
	if after := uploadTemps(t); after > before {
		t.Errorf("%d temporary upload files left behind", after-before)
	}
	if has, _ := env.db.HasObservations(context.Background()); !has {
		t.Fatal("the refused upload changed the stored data")
	}
}

func uploadTemps(t *testing.T) int {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(os.TempDir(), "resilience-upload-*"))
	if err != nil {
		t.Fatal(err)
	}
	return len(m)
}

// A hostile file gets a clear message, the server keeps serving, and no
// temporary file is left (SECURITY U5, U9).
func TestHostileFileGetsClearMessage(t *testing.T) {
	env := newTestEnv(t, Config{})
	pw := env.addUser("lga@u5.test", domain.RoleLGA, 0)
	c := env.signIn("lga@u5.test", pw)
	before := uploadTemps(t)
	resp := env.upload(c, "/api/v1/returns", "../../etc/passwd.xlsx", []byte("<!DOCTYPE html><html><body>not a workbook</body></html>"), nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("HTML renamed .xlsx: %d %v", resp.StatusCode, rep)
	}
	if !strings.Contains(strings.ToLower(fmt.Sprint(rep)), "html") {
		t.Errorf("the message should say the file is a web page: %v", rep)
	}
	if after := uploadTemps(t); after > before {
		t.Errorf("temporary files left: %d", after-before)
	}
	if status, _, _ := env.get(c, "/healthz"); status != http.StatusOK {
		t.Fatal("server stopped serving")
	}
}

// The web form: upload, a progress page, then the report with a form to
// explain each query.
func TestReturnFlowThroughWebForm(t *testing.T) {
	env := newTestEnv(t, Config{})
	env.seedPreviousMonth(202)
	pw := env.addUser("lead@form.test", domain.RoleUploader, 202)
	c := env.signIn("lead@form.test", pw)
	month := domain.LastComplete(env.clock.Now()).String()
	vals := typicalValues()
	vals["CSC_CPP"] = 2500 // above CIN: a query
	file := env.fillTemplate(c, 202, month, vals)
	resp := env.upload(c, "/returns", "camden.xlsx", file, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/returns/jobs/") {
		t.Fatalf("upload form: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	job := resp.Header.Get("Location")
	var next string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		status, body, _ := env.get(c, job+"/progress")
		if status != http.StatusOK {
			t.Fatalf("progress: %d", status)
		}
		var snap jobSnapshot
		_ = json.Unmarshal([]byte(body), &snap)
		if snap.Finished {
			next = snap.Next
			break
		}
	}
	if !strings.HasPrefix(next, "/returns/submissions/") {
		t.Fatalf("job did not finish with a report: %q", next)
	}
	status, body, _ := env.get(c, next)
	if status != http.StatusOK || !contains(body, "Explain the queries") || !contains(body, "<textarea") {
		t.Fatalf("report: %d", status)
	}
	sub, _, err := env.db.Submission(context.Background(), mustID(t, next))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	for _, m := range sub.Messages() {
		if m.Severity == domain.SeverityQuery {
			form.Set("explain-"+explanationField(m), "A sibling group moved into the area.")
		}
	}
	resp = env.postForm(c, next+"/explanations", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("explanations: %d", resp.StatusCode)
	}
	if _, body, _ := env.get(c, next); !contains(body, "Return stored") {
		t.Error("the report does not say the return is stored")
	}
	if _, body, _ := env.get(c, "/councils/202/returns"); !contains(body, "app-grid__cell--explained") {
		t.Error("the status grid does not show the month as submitted with explained queries")
	}
}

func mustID(t *testing.T, path string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(path, "/returns/submissions/%d", &id); err != nil {
		t.Fatal(err)
	}
	return id
}

// DfE's EES CSV files load the official annual series, kept apart from
// monthly returns, including figures for councils that no longer exist;
// the same file again changes nothing; council staff cannot load them.
func TestOfficialStatisticsUpload(t *testing.T) {
	env := newTestEnv(t, Config{})
	body, err := os.ReadFile(filepath.Join("..", "returns", "testdata", "ees_children_in_need_excerpt.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lgaPW := env.addUser("lga@ees.test", domain.RoleLGA, 0)
	lga := env.signIn("lga@ees.test", lgaPW)
	resp := env.upload(lga, "/api/v1/returns", "children_in_need.csv", body, nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusCreated || rep["status"] != domain.StatusStored {
		t.Fatalf("EES upload: %d %v", resp.StatusCode, rep)
	}
	if sub := rep["submission"].(map[string]any); sub["layout"] != "ees" || sub["rows"].(float64) == 0 {
		t.Errorf("submission %v; want layout ees with its figures counted", sub)
	}
	official, err := env.db.AllOfficial(context.Background())
	if err != nil || len(official) == 0 {
		t.Fatalf("no official figures stored: %v", err)
	}
	resp = env.upload(lga, "/api/v1/returns", "children_in_need.csv", body, nil)
	if rep := decodeReport(t, resp); resp.StatusCode != http.StatusOK || rep["status"] != domain.StatusUnchanged {
		t.Errorf("the same EES file again: %d %v", resp.StatusCode, rep)
	}
	pw := env.addUser("lead@ees.test", domain.RoleUploader, 202)
	lead := env.signIn("lead@ees.test", pw)
	resp = env.upload(lead, "/api/v1/returns", "children_in_need.csv", body, nil)
	if rep := decodeReport(t, resp); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a data lead loading official statistics: %d %v", resp.StatusCode, rep)
	}
}

// seedMonth stores a return for a council and month directly, so uploads
// for the month after compare with plausible figures rather than the test
// environment's flat 40s (SECURITY V2 measures a change from the last
// accepted month).
func (e *testEnv) seedMonth(council int, month string, values map[string]float64) {
	e.t.Helper()
	var obs []domain.Observation
	for code, v := range values {
		obs = append(obs, domain.Observation{Council: council, Indicator: code, Month: month, Value: v})
	}
	sub := &domain.Submission{SubmittedBy: "seed", Source: "test", FileName: "seed.xlsx", SHA256: fmt.Sprintf("seed-%d-%s", council, month)}
	if err := e.db.StoreSubmission(context.Background(), sub, obs, nil, domain.AuditEntry{Actor: "seed"}, nil); err != nil {
		e.t.Fatal(err)
	}
}

// seedPreviousMonth seeds typical values for the month before the last
// complete one, for every council named.
func (e *testEnv) seedPreviousMonth(councils ...int) {
	e.t.Helper()
	prev := domain.LastComplete(e.clock.Now()).Add(-1).String()
	for _, n := range councils {
		e.seedMonth(n, prev, typicalValues())
	}
}

// waitJob polls an upload's progress until it has finished.
func (e *testEnv) waitJob(c *http.Client, job string) jobSnapshot {
	e.t.Helper()
	// A generous deadline: a loaded machine may take a while, and only a
	// job that never ends should fail here.
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		status, body, _ := e.get(c, job+"/progress")
		if status != http.StatusOK {
			e.t.Fatalf("progress: %d", status)
		}
		var snap jobSnapshot
		if err := json.Unmarshal([]byte(body), &snap); err != nil {
			e.t.Fatal(err)
		}
		if snap.Finished {
			return snap
		}
	}
	e.t.Fatalf("the upload %s did not finish", job)
	return jobSnapshot{}
}

// formUpload posts a file through the upload form and returns its job's
// page.
func (e *testEnv) formUpload(c *http.Client, name string, body []byte) string {
	e.t.Helper()
	resp := e.upload(c, "/returns", name, body, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/returns/jobs/") {
		e.t.Fatalf("upload form: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return resp.Header.Get("Location")
}

// isolateTemp points the temporary folder at a new empty folder for the
// rest of the test, so a test can assert that an upload leaves nothing at
// all behind (SECURITY U9): the upload's own file, and any excelize or
// SQLite spill files.
func isolateTemp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	return dir
}

func assertNoTemps(t *testing.T, dir, after string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) > 0 {
		t.Errorf("after %s, temporary files are left: %v", after, names)
	}
}

// Re-uploading an identical file through the web form says that nothing
// changed, instead of reloading the progress page for ever (SECURITY V3).
func TestIdenticalUploadThroughWebFormSaysNothingChanged(t *testing.T) {
	env := newTestEnv(t, Config{})
	env.seedPreviousMonth(202)
	pw := env.addUser("lead@same.test", domain.RoleUploader, 202)
	c := env.signIn("lead@same.test", pw)
	month := domain.LastComplete(env.clock.Now()).String()
	file := env.fillTemplate(c, 202, month, typicalValues())

	first := env.waitJob(c, env.formUpload(c, "camden.xlsx", file))
	if first.Submission == 0 || !strings.HasPrefix(first.Next, "/returns/submissions/") {
		t.Fatalf("first upload: %+v; want it stored with a report", first)
	}
	job := env.formUpload(c, "camden-again.xlsx", file)
	snap := env.waitJob(c, job)
	if snap.Next == "" {
		t.Fatalf("the identical upload finished with nowhere to go: %+v", snap)
	}
	status, body, _ := env.get(c, snap.Next)
	if status != http.StatusOK || !contains(body, "This file is identical to the current return; nothing changed") {
		t.Fatalf("the page after an identical upload (%s): %d; want it to say nothing changed:\n%s", snap.Next, status, body)
	}
	if contains(body, "data-job=") || contains(body, "js/upload.js") {
		t.Fatal("the page after an identical upload is the progress page again: the browser would reload it for ever")
	}
	if !contains(body, fmt.Sprintf("/returns/submissions/%d", first.Submission)) && !contains(body, fmt.Sprintf("Upload %d", first.Submission)) {
		t.Errorf("the page does not point to the return already held (upload %d)", first.Submission)
	}
	versions, err := env.db.ReturnVersions(context.Background(), 202, month)
	if err != nil || len(versions) != 1 {
		t.Errorf("versions %+v, %v; want the one stored version", versions, err)
	}
}

// SECURITY U9: temporary files are gone after a successful upload, through
// the API and the form, and after a bulk load, not only after failures.
func TestNoTemporaryFilesAfterSuccess(t *testing.T) {
	env := newTestEnv(t, Config{})
	env.seedPreviousMonth(202)
	pw := env.addUser("lead@temps.test", domain.RoleUploader, 202)
	c := env.signIn("lead@temps.test", pw)
	lgaPW := env.addUser("lga@temps.test", domain.RoleLGA, 0)
	lga := env.signIn("lga@temps.test", lgaPW)
	month := domain.LastComplete(env.clock.Now())
	file := env.fillTemplate(c, 202, month.String(), typicalValues())
	bulk := bulkWorkbook(t, []int{202, 301}, month.Add(-1), month)
	tmp := isolateTemp(t)

	resp := env.upload(c, "/api/v1/returns", "camden.xlsx", file, nil)
	if rep := decodeReport(t, resp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("API upload: %d %v", resp.StatusCode, rep)
	}
	assertNoTemps(t, tmp, "a stored API upload")

	snap := env.waitJob(c, env.formUpload(c, "camden.xlsx", file))
	if snap.Error != "" {
		t.Fatalf("form upload: %+v", snap)
	}
	assertNoTemps(t, tmp, "a form upload")

	resp = env.upload(lga, "/api/v1/returns", "bulk.xlsx", bulk, nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusConflict && resp.StatusCode != http.StatusCreated {
		t.Fatalf("bulk API upload: %d %v", resp.StatusCode, rep)
	}
	assertNoTemps(t, tmp, "a bulk load through the API")

	snap = env.waitJob(lga, env.formUpload(lga, "bulk.xlsx", bulk))
	if snap.Error != "" || snap.Submission == 0 {
		t.Fatalf("bulk form upload: %+v", snap)
	}
	assertNoTemps(t, tmp, "a bulk load through the form")
}

// bulkWorkbook writes a long-format workbook of demo figures for councils
// and months, as an LGA officer's bulk load.
func bulkWorkbook(t *testing.T, councils []int, first, last domain.Month) []byte {
	t.Helper()
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := demo.WriteLongWorkbook(&buf, ref, demo.Options{Seed: 3, First: first, Last: last, Councils: councils}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A bulk load's report shows, for each council, its figures and months as
// well as its errors and queries, waiting and once stored, as the command
// line and the API do.
func TestBulkReportShowsRowsAndMonthsPerCouncil(t *testing.T) {
	env := newTestEnv(t, Config{})
	lgaPW := env.addUser("lga@bulk.test", domain.RoleLGA, 0)
	lga := env.signIn("lga@bulk.test", lgaPW)
	last := domain.LastComplete(env.clock.Now())
	first := last.Add(-1)
	bulk := bulkWorkbook(t, []int{202, 301}, first, last)
	perCouncil := bulkRowsPerCouncil(t, bulk)
	span := fmt.Sprintf("%s to %s (2 months)", first.Label(), last.Label())

	check := func(what, path string) {
		t.Helper()
		status, body, _ := env.get(lga, path)
		if status != http.StatusOK {
			t.Fatalf("%s report: %d", what, status)
		}
		i := strings.Index(body, "Councils in this file")
		if i < 0 {
			t.Fatalf("%s report has no per-council table", what)
		}
		table := body[i:]
		if j := strings.Index(table, "</table>"); j > 0 {
			table = table[:j]
		}
		for _, want := range []string{">Figures<", ">Months<"} {
			if !contains(table, want) {
				t.Errorf("%s report: the per-council table has no %q column", what, want)
			}
		}
		for _, co := range []struct {
			n    int
			name string
		}{{202, "Camden (202)"}, {301, "Barking and Dagenham (301)"}} {
			k := strings.Index(table, co.name)
			if k < 0 {
				t.Errorf("%s report: no row for %s", what, co.name)
				continue
			}
			row := table[k:]
			if e := strings.Index(row, "</tr>"); e > 0 {
				row = row[:e]
			}
			if !contains(row, fmt.Sprintf(">%d<", perCouncil[co.n])) || !contains(row, span) {
				t.Errorf("%s report: %s's row lacks its %d figures or its months %q: %s", what, co.name, perCouncil[co.n], span, row)
			}
		}
	}

	// Through the form: the figures differ from the flat 40s held, so the
	// load usually waits for explanations; the report counts either way,
	// and once they are given and it is stored.
	snap := env.waitJob(lga, env.formUpload(lga, "bulk.xlsx", bulk))
	if snap.Submission == 0 {
		t.Fatalf("bulk form upload: %+v", snap)
	}
	check("first", snap.Next)
	sub, _, err := env.db.Submission(context.Background(), snap.Submission)
	if err != nil {
		t.Fatal(err)
	}
	if sub.Status == domain.StatusAwaiting {
		form := url.Values{}
		for _, m := range sub.Messages() {
			if m.Severity == domain.SeverityQuery {
				form.Set("explain-"+explanationField(m), "Checked with the councils.")
			}
		}
		if resp := env.postForm(lga, snap.Next+"/explanations", form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("explanations: %d", resp.StatusCode)
		}
		if sub, _, err = env.db.Submission(context.Background(), snap.Submission); err != nil || sub.Status != domain.StatusStored {
			t.Fatalf("after explanations: %+v, %v", sub, err)
		}
		check("stored", snap.Next)
	}

	// Rejected: a bulk file with an error still shows what each council
	// sent.
	rejected := bulkWorkbookEdited(t, bulk, func(f *excelize.File) {
		if err := f.SetCellValue(demo.LongSheet, "D2", -1); err != nil {
			t.Fatal(err)
		}
	})
	resp := env.upload(lga, "/api/v1/returns", "bulk-bad.xlsx", rejected, nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bulk load with an error: %d %v", resp.StatusCode, rep)
	}
	id := int64(rep["submission"].(map[string]any)["id"].(float64))
	status, body, _ := env.get(lga, fmt.Sprintf("/returns/submissions/%d", id))
	if status != http.StatusOK || !contains(body, ">Months<") || !contains(body, span) {
		t.Errorf("rejected bulk report: %d, no months per council", status)
	}
}

// bulkRowsPerCouncil counts a long workbook's figures for each council.
func bulkRowsPerCouncil(t *testing.T, b []byte) map[int]int {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(demo.LongSheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]int{}
	for _, r := range rows[1:] {
		var n int
		if len(r) >= 4 && r[3] != "" {
			fmt.Sscan(r[0], &n)
			out[n]++
		}
	}
	return out
}

func bulkWorkbookEdited(t *testing.T, b []byte, edit func(*excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edit(f)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// EES files mark figures withheld with c, x, z, low or u; those are kept
// as markers through the upload, while any other text is an error naming
// its cell (E02), not a marker stored silently.
func TestOfficialMarkersThroughUpload(t *testing.T) {
	env := newTestEnv(t, Config{})
	lgaPW := env.addUser("lga@markers.test", domain.RoleLGA, 0)
	lga := env.signIn("lga@markers.test", lgaPW)
	head := "time_period,geographic_level,old_la_code,new_la_code,la_name,vacancy_rate_fte,agency_rate_fte\n"
	good := head + "2025,Local authority,202,E09000007,Camden,z,low\n2025,Local authority,301,E09000002,Barking and Dagenham, Low ,Z\n"
	resp := env.upload(lga, "/api/v1/returns", "workforce.csv", []byte(good), nil)
	if rep := decodeReport(t, resp); resp.StatusCode != http.StatusCreated {
		t.Fatalf("EES file with z and low: %d %v", resp.StatusCode, rep)
	}
	official, err := env.db.AllOfficial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, o := range official {
		if o.Year == 2025 && o.Value == nil {
			got[o.Measure+" "+o.Area] = o.Marker
		}
	}
	for k, want := range map[string]string{"sw_vacancy_rate 202": "z", "sw_agency_rate 202": "low", "sw_vacancy_rate 301": "low", "sw_agency_rate 301": "z"} {
		if got[k] != want {
			t.Errorf("%s marker %q; want %q (all %v)", k, got[k], want, got)
		}
	}

	bad := head + "2024,Local authority,202,E09000007,Camden,abc,12\n"
	resp = env.upload(lga, "/api/v1/returns", "workforce-bad.csv", []byte(bad), nil)
	rep := decodeReport(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("EES file with text for a figure: %d %v", resp.StatusCode, rep)
	}
	found := false
	for _, m := range rep["messages"].([]any) {
		msg := m.(map[string]any)
		if msg["rule"] == returns.RuleNotNumber && msg["cell"] == "F2" && strings.Contains(msg["message"].(string), "abc") {
			found = true
		}
	}
	if !found {
		t.Errorf("no E02 naming F2 and the text: %v", rep["messages"])
	}
}
