package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// importValues is a plausible, valid return for every indicator.
func importValues(over map[string]float64) map[string]float64 {
	v := map[string]float64{
		"EHE_KNOWN": 300, "EHE_NEW": 30, "EHE_RETURNED": 10, "EHE_NEW_HEALTH": 8,
		"CSC_REFERRALS": 400, "CSC_REREFERRALS": 80, "CSC_ASSESSMENTS": 380, "CSC_S47": 120,
		"CSC_CIN": 1800, "CSC_CPP": 200, "CSC_CLA": 300,
		"EH_REQUESTS": 150, "EH_ASSESSMENTS": 120, "EH_OPEN": 900, "EH_STEPDOWN": 20,
		"SEND_EHCP": 2000, "SEND_EHC_REQUESTS": 40, "SEND_EHCP_20WK": 55, "SEND_ATTEND_EHCP": 87.5, "SEND_ATTEND_ALL": 93.1,
		"WF_VACANCY": 15, "WF_AGENCY": 12, "WF_CASELOAD": 17.5, "WF_ABSENCE": 3.2,
	}
	for k, x := range over {
		v[k] = x
	}
	return v
}

// writeReturn writes Camden's return for a month as a data lead would:
// the template from the template command, with the values typed in.
func writeReturn(t *testing.T, path string, month domain.Month, values map[string]float64) {
	t.Helper()
	if err := runTemplate(context.Background(), []string{"-council", "202", "-month", month.String(), "-o", path}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(returns.ReturnSheet)
	if err != nil {
		t.Fatal(err)
	}
	codeCol, valueCol, filled := -1, -1, 0
	for i, row := range rows {
		if codeCol < 0 {
			for j, v := range row {
				switch v {
				case returns.HeaderCode:
					codeCol = j
				case returns.HeaderValue:
					valueCol = j
				}
			}
			continue
		}
		if codeCol >= len(row) {
			continue
		}
		if v, ok := values[row[codeCol]]; ok {
			cell, _ := excelize.CoordinatesToCellName(valueCol+1, i+1)
			if err := f.SetCellValue(returns.ReturnSheet, cell, v); err != nil {
				t.Fatal(err)
			}
			filled++
		}
	}
	if filled != len(values) {
		t.Fatalf("filled %d of %d values", filled, len(values))
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// runImportCmd runs the import command as main would and returns its
// exit code and standard output.
func runImportCmd(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"import"}, args...), nil, &stdout, &stderr)
	code := 0
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case err != nil:
		t.Fatalf("import %v: %v\n%s%s", args, err, stdout.String(), stderr.String())
	}
	return code, stdout.String()
}

// The import command's exit codes: 0 when stored (or identical to what is
// held), 1 when errors block the file, 2 when queries wait for
// explanations, and 0 again once --explain-queries answers them. Each
// upload records the command line that made it as its submitter.
func TestImportExitCodes(t *testing.T) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "import.db")
			if dialect == "postgres" {
				db = pgtest.URL(t)
			}
			prepareDB(t, db)
			month := domain.LastComplete(time.Now())

			good := filepath.Join(dir, "camden.xlsx")
			writeReturn(t, good, month, importValues(nil))
			if code, out := runImportCmd(t, "--database", db, "--quiet", good); code != exitStored || !strings.Contains(out, good+": stored") {
				t.Errorf("a good return: exit %d\n%s", code, out)
			}
			if code, out := runImportCmd(t, "--database", db, "--quiet", good); code != exitStored || !strings.Contains(out, "identical to the current return") {
				t.Errorf("the same file again: exit %d\n%s", code, out)
			}

			bad := filepath.Join(dir, "negative.xlsx")
			writeReturn(t, bad, month, importValues(map[string]float64{"CSC_CIN": -1}))
			if code, out := runImportCmd(t, "--database", db, "--quiet", bad); code != exitErrors || !strings.Contains(out, "rejected") || !strings.Contains(out, returns.RuleNegative) {
				t.Errorf("a return with an error: exit %d; want %d\n%s", code, exitErrors, out)
			}

			query := filepath.Join(dir, "query.xlsx")
			writeReturn(t, query, month, importValues(map[string]float64{"CSC_CLA": 1900}))
			if code, out := runImportCmd(t, "--database", db, "--quiet", query); code != exitQueries || !strings.Contains(out, "awaiting explanations") ||
				!strings.Contains(out, "key for --explain-queries") {
				t.Errorf("a return with a query: exit %d; want %d\n%s", code, exitQueries, out)
			}
			// The worst outcome decides the exit code of several files.
			if code, _ := runImportCmd(t, "--database", db, "--quiet", good, query, bad); code != exitErrors {
				t.Errorf("three files, one with errors: exit %d; want %d", code, exitErrors)
			}

			explain := explainAllQueries(t, db, query)
			code, out := runImportCmd(t, "--database", db, "--quiet", "--explain-queries", explain, query)
			if code != exitStored || !strings.Contains(out, query+": stored") || !strings.Contains(out, "explained: Checked with the service.") {
				t.Errorf("with --explain-queries: exit %d\n%s", code, out)
			}

			s, err := store.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			subs, err := s.CouncilSubmissions(context.Background(), 202, 50)
			if err != nil {
				t.Fatal(err)
			}
			if len(subs) == 0 {
				t.Fatal("no uploads recorded")
			}
			for _, sub := range subs {
				if !strings.HasPrefix(sub.SubmittedBy, commandLine([]string{"--database", db, "--quiet"})) ||
					!strings.Contains(sub.SubmittedBy, sub.FileName) {
					t.Errorf("upload %d (%s) recorded as sent by %q; want the command line", sub.ID, sub.FileName, sub.SubmittedBy)
				}
			}
			if last := subs[0]; last.Status != domain.StatusStored || !strings.Contains(last.SubmittedBy, "--explain-queries "+explain) {
				t.Errorf("the explained upload: %s by %q", last.Status, last.SubmittedBy)
			}
		})
	}
}

// The command line is recorded as given, with arguments a shell would need
// quoted, and a very long one is cut short.
func TestImportCommandLine(t *testing.T) {
	if got, want := commandLine([]string{"--quiet", "my return.xlsx", "a.xlsx"}), `command line: resilience import --quiet "my return.xlsx" a.xlsx`; got != want {
		t.Errorf("commandLine = %q; want %q", got, want)
	}
	if got := commandLine([]string{"--database=postgres://resilience:s3cret@db.internal/resilience", "a.xlsx"}); strings.Contains(got, "s3cret") ||
		!strings.Contains(got, "postgres://resilience@db.internal/resilience") {
		t.Errorf("commandLine with a PostgreSQL address = %q; want it without the password", got)
	}
	long := make([]string, 500)
	for i := range long {
		long[i] = fmt.Sprintf("file-%03d.xlsx", i)
	}
	if got := commandLine(long); len(got) != maxCommandLine || !strings.HasSuffix(got, "...") {
		t.Errorf("a long command line: %d characters", len(got))
	}
}

// The tolerance of the month-on-month query is a setting:
// RESILIENCE_TOLERANCE, and -tolerance over it, for serve and import, as
// a fraction or a percentage.
func TestToleranceSetting(t *testing.T) {
	t.Setenv("RESILIENCE_TOLERANCE", "0.1")
	app, err := newApp(nil, io.Discard)
	if err != nil || app.Tolerance != 0.1 {
		t.Errorf("from the environment: %v, %v; want 0.1", app, err)
	}
	app, err = newApp([]string{"-tolerance", "30%"}, io.Discard)
	if err != nil || app.Tolerance != 0.3 {
		t.Errorf("the flag over the environment: %v, %v; want 0.3", app, err)
	}
	for _, bad := range []string{"abc", "-0.1", "0", "25 percent", "NaN"} {
		if _, err := newApp([]string{"-tolerance", bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "0.25 or 25%") {
			t.Errorf("-tolerance %q: %v; want a refusal showing how to write it", bad, err)
		}
	}
	t.Setenv("RESILIENCE_TOLERANCE", "")
	if app, err := newApp(nil, io.Discard); err != nil || app.Tolerance != 0.25 {
		t.Errorf("default: %v, %v; want 25%%", app, err)
	}

	// The import command: +20% from last month is within the default 25%
	// and beyond a tolerance of 10%.
	dir := t.TempDir()
	db := filepath.Join(dir, "tolerance.db")
	prepareDB(t, db)
	month := domain.LastComplete(time.Now())
	before, after := filepath.Join(dir, "before.xlsx"), filepath.Join(dir, "after.xlsx")
	writeReturn(t, before, month.Add(-1), importValues(nil))
	writeReturn(t, after, month, importValues(map[string]float64{"CSC_REFERRALS": 480}))
	if code, out := runImportCmd(t, "--database", db, "--quiet", before); code != exitStored {
		t.Fatalf("last month: exit %d\n%s", code, out)
	}
	t.Setenv("RESILIENCE_TOLERANCE", "10%")
	if code, out := runImportCmd(t, "--database", db, "--quiet", after); code != exitQueries || !strings.Contains(out, returns.RuleChange) {
		t.Errorf("+20%% at a tolerance of 10%%: exit %d; want %d\n%s", code, exitQueries, out)
	}
	if code, out := runImportCmd(t, "--database", db, "--quiet", "--tolerance", "0.25", after); code != exitStored {
		t.Errorf("+20%% at -tolerance 0.25 over the environment's 10%%: exit %d\n%s", code, out)
	}
}

// The server judges uploads by its configured tolerance too.
func TestServerUsesConfiguredTolerance(t *testing.T) {
	app := startApp(t, t.TempDir(), func(a *App) { a.NoDemo = true; a.Tolerance = 0.1 })
	c := signedIn(t, app, domain.RoleLGA)
	month := domain.LastComplete(time.Now())
	dir := t.TempDir()
	before, after := filepath.Join(dir, "before.xlsx"), filepath.Join(dir, "after.xlsx")
	writeReturn(t, before, month.Add(-1), importValues(nil))
	writeReturn(t, after, month, importValues(map[string]float64{"CSC_REFERRALS": 480}))
	post := func(path string) (int, map[string]any) {
		t.Helper()
		body, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", filepath.Base(path))
		_, _ = fw.Write(body)
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, app.URL()+"/api/v1/returns", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Accept", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var rep map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&rep)
		return resp.StatusCode, rep
	}
	if status, rep := post(before); status != http.StatusCreated {
		t.Fatalf("last month: %d %v", status, rep)
	}
	status, rep := post(after)
	if status != http.StatusConflict || !strings.Contains(fmt.Sprint(rep["messages"]), "changes of more than 10% are queried") {
		t.Errorf("+20%% at a tolerance of 10%%: %d %v", status, rep)
	}
}
