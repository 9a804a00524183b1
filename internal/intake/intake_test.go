package intake

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/resilience-dashboard/resilience/internal/store"
	"github.com/xuri/excelize/v2"
)

// testNow makes January 2021 the last complete month.
var testNow = time.Date(2021, time.February, 10, 12, 0, 0, 0, time.UTC)

var (
	oct2020 = domain.Month{Year: 2020, Month: time.October}
	dec2020 = domain.Month{Year: 2020, Month: time.December}
	jan2021 = domain.Month{Year: 2021, Month: time.January}
)

// newService opens a database in a temporary folder with the reference
// data and returns the intake with its production settings (nothing but
// the database, limits and clock set), as the server and the import
// command build it.
func newService(t *testing.T) *Service {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "intake.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoadReference(ctx, ref, "test"); err != nil {
		t.Fatal(err)
	}
	return &Service{DB: db, Limits: returns.DefaultLimits(), Now: func() time.Time { return testNow }}
}

// typical is a plausible, valid return with no subset larger than its
// total.
func typical(over map[string]float64) map[string]float64 {
	v := map[string]float64{
		"EHE_KNOWN": 300, "EHE_NEW": 30, "EHE_RETURNED": 10, "EHE_NEW_HEALTH": 8,
		"CSC_REFERRALS": 100, "CSC_REREFERRALS": 20, "CSC_ASSESSMENTS": 380, "CSC_S47": 120,
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

// templateFile writes the real template for a council and month, filled
// with values, and returns its path.
func templateFile(t *testing.T, svc *Service, council int, month domain.Month, values map[string]float64) string {
	t.Helper()
	ctx := context.Background()
	co, err := svc.DB.Council(ctx, council)
	if err != nil {
		t.Fatal(err)
	}
	inds, err := svc.DB.Indicators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := returns.WriteTemplate(&buf, co, month, inds); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
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
	path := filepath.Join(t.TempDir(), fmt.Sprintf("return-%d-%s.xlsx", council, month))
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// longFile writes a long-format bulk workbook of the same values for every
// council and month named.
func longFile(t *testing.T, councils []int, months []domain.Month, values map[string]float64) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"la_number", "indicator", "month", "value"}}
	for _, c := range councils {
		for _, m := range months {
			for code, v := range values {
				rows = append(rows, []any{c, code, m.String(), v})
			}
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "bulk.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func submit(t *testing.T, svc *Service, path string, explanations map[string]string) *Result {
	t.Helper()
	res, err := svc.Submit(context.Background(), Request{Path: path, FileName: filepath.Base(path), Submitter: "lga@intake.test",
		Source: "cli", Explanations: explanations})
	if err != nil {
		t.Fatalf("submit %s: %v", filepath.Base(path), err)
	}
	return res
}

// store submits a file that must be stored.
func mustStore(t *testing.T, svc *Service, path string) *Result {
	t.Helper()
	res := submit(t, svc, path, nil)
	if res.Status != domain.StatusStored {
		t.Fatalf("%s: %s with %v; want it stored", filepath.Base(path), res.Status, res.Messages)
	}
	return res
}

func changeQuery(res *Result, indicator string) (domain.Message, bool) {
	for _, m := range res.Messages {
		if m.Rule == returns.RuleChange && m.Indicator == indicator {
			return m, true
		}
	}
	return domain.Message{}, false
}

// SECURITY V2 through the intake as the server and the import command run
// it: a change beyond the tolerance from the last accepted month raises a
// query; exactly the tolerance does not. Boundaries at −1, =, +1 around the
// default 25% (100 → 124, 125, 126 and 76, 75, 74), the audit's 100 → 130,
// and a configured 10% (100 → 109, 110, 111), with the allowance for
// chance variation turned off so that the tolerance alone decides.
func TestChangeToleranceThroughService(t *testing.T) {
	svc := newService(t)
	svc.NoiseSDs = -1
	mustStore(t, svc, templateFile(t, svc, 202, dec2020, typical(nil)))
	for _, tc := range []struct {
		value, tolerance float64
		query            bool
	}{
		{124, 0, false}, {125, 0, false}, {126, 0, true},
		{76, 0, false}, {75, 0, false}, {74, 0, true},
		{130, 0, true},
		{109, 0.1, false}, {110, 0.1, false}, {111, 0.1, true},
	} {
		t.Run(fmt.Sprintf("100→%v@%v", tc.value, tc.tolerance), func(t *testing.T) {
			svc.Tolerance = tc.tolerance
			defer func() { svc.Tolerance = 0 }()
			res := submit(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_REFERRALS": tc.value})), nil)
			m, got := changeQuery(res, "CSC_REFERRALS")
			if got != tc.query {
				t.Fatalf("query %v; want %v: %v", got, tc.query, res.Messages)
			}
			if got && !strings.Contains(m.Text, "from 100 (Dec 2020, the last accepted return)") {
				t.Errorf("message %q; want it to name December's 100", m.Text)
			}
			if want := map[bool]string{true: domain.StatusAwaiting, false: domain.StatusStored}[tc.query]; res.Status != want {
				t.Errorf("status %s; want %s", res.Status, want)
			}
		})
	}
}

// SECURITY V2: the comparison is with the last accepted month however far
// back, not only the month before: Camden's only earlier return is for
// October 2020, and January 2021's 140 referrals against its 100 are
// queried.
func TestChangeFromLastAcceptedMonthThroughService(t *testing.T) {
	svc := newService(t)
	mustStore(t, svc, templateFile(t, svc, 202, oct2020, typical(nil)))
	res := submit(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_REFERRALS": 140})), nil)
	m, ok := changeQuery(res, "CSC_REFERRALS")
	if !ok || !strings.Contains(m.Text, "up 40% from 100 (Oct 2020, the last accepted return)") {
		t.Fatalf("messages %v; want a query from October's 100", res.Messages)
	}
	if len(res.Messages) != 1 {
		t.Errorf("messages %v; want only that query", res.Messages)
	}
}

// SECURITY V2: queries that earn their keep, as a data lead met them:
// December held step-downs and returns to school of 16 and absence of
// 1.0%; January's 6, 8 and 1.5% are small changes (less than 10, within
// chance variation, less than 2 points) and raise nothing, while the one
// figure changed in earnest, referrals 100 → 140, is queried. The
// minimums are settings: with them turned off, or lower, the small
// changes are queried too.
func TestChangeMinimumThroughService(t *testing.T) {
	svc := newService(t)
	mustStore(t, svc, templateFile(t, svc, 202, dec2020, typical(map[string]float64{"EH_STEPDOWN": 16, "EHE_RETURNED": 16, "WF_ABSENCE": 1.0})))
	jan := templateFile(t, svc, 202, jan2021, typical(map[string]float64{"EH_STEPDOWN": 6, "EHE_RETURNED": 8, "WF_ABSENCE": 1.5, "CSC_REFERRALS": 140}))
	res := submit(t, svc, jan, nil)
	if len(res.Messages) != 1 || res.Messages[0].Indicator != "CSC_REFERRALS" || res.Messages[0].Rule != returns.RuleChange {
		t.Errorf("messages %v; want only the query on referrals", res.Messages)
	}
	defer func() { svc.MinAbsChange, svc.MinChangePoints, svc.NoiseSDs = 0, 0, 0 }()
	svc.MinAbsChange, svc.MinChangePoints, svc.NoiseSDs = -1, -1, -1
	res = submit(t, svc, jan, nil)
	for _, code := range []string{"EH_STEPDOWN", "EHE_RETURNED", "WF_ABSENCE", "CSC_REFERRALS"} {
		if _, got := changeQuery(res, code); !got {
			t.Errorf("with no minimums, %s is not queried: %v", code, res.Messages)
		}
	}
	svc.MinAbsChange, svc.MinChangePoints, svc.NoiseSDs = 5, 0.4, -1 // 16 → 8 and 1.0 → 1.5 are beyond these
	res = submit(t, svc, jan, nil)
	for _, code := range []string{"EHE_RETURNED", "WF_ABSENCE"} {
		if _, got := changeQuery(res, code); !got {
			t.Errorf("with minimums of 5 and 0.4 points, %s is not queried: %v", code, res.Messages)
		}
	}
}

func explainEvery(res *Result) map[string]string {
	out := map[string]string{}
	for _, m := range res.Messages {
		if m.Severity == domain.SeverityQuery {
			out[m.Key()] = "Checked with the service."
		}
	}
	return out
}

func currentValue(t *testing.T, svc *Service, council int, indicator string, month domain.Month) float64 {
	t.Helper()
	series, err := svc.DB.Series(context.Background(), council, indicator)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range series {
		if o.Month == month.String() {
			return o.Value
		}
	}
	t.Fatalf("no %s for %d in %s", indicator, council, month)
	return 0
}

// SECURITY V3: an upload waiting for explanations cannot later put its
// figures over a newer return: when B is stored for the same council and
// month, the waiting A is superseded (with its audit line), and explaining
// A is refused with B left current. A waiting bulk load that covers the
// month is superseded too; one for other months is not.
func TestStaleUploadCannotOverwriteNewerReturn(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	// A: children looked after above children in need, a query.
	a := submit(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_CLA": 1900})), nil)
	if a.Status != domain.StatusAwaiting {
		t.Fatalf("A: %s; want it waiting for explanations", a.Status)
	}
	bulk := submit(t, svc, longFile(t, []int{202, 301}, []domain.Month{jan2021}, typical(map[string]float64{"CSC_CPP": 1900})), nil)
	other := submit(t, svc, templateFile(t, svc, 202, dec2020, typical(map[string]float64{"CSC_CPP": 1900})), nil)
	if bulk.Status != domain.StatusAwaiting || other.Status != domain.StatusAwaiting {
		t.Fatalf("bulk %s, December %s; want both waiting", bulk.Status, other.Status)
	}
	b := mustStore(t, svc, templateFile(t, svc, 202, jan2021, typical(nil)))

	for _, w := range []struct {
		name string
		id   int64
		want string
	}{{"A", a.Submission.ID, domain.StatusSuperseded}, {"the bulk load", bulk.Submission.ID, domain.StatusSuperseded},
		{"December's upload", other.Submission.ID, domain.StatusAwaiting}} {
		sub, _, err := svc.DB.Submission(ctx, w.id)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Status != w.want {
			t.Errorf("%s is %s after B was stored; want %s", w.name, sub.Status, w.want)
		}
	}
	_, err := svc.Explain(ctx, a.Submission.ID, explainEvery(a), "lga@intake.test", 0, "")
	if domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "upload the file again") {
		t.Errorf("explaining the stale A: %v; want a conflict saying to upload again", err)
	}
	if got := currentValue(t, svc, 202, "CSC_CLA", jan2021); got != 300 {
		t.Errorf("current CLA %v; want B's 300", got)
	}
	versions, err := svc.DB.ReturnVersions(ctx, 202, jan2021.String())
	if err != nil || len(versions) != 1 || versions[0].SubmissionID != b.Submission.ID {
		t.Errorf("versions %+v, %v; want B's only", versions, err)
	}
	// December's upload, for another month, can still be explained.
	if res, err := svc.Explain(ctx, other.Submission.ID, explainEvery(other), "lga@intake.test", 0, ""); err != nil || res.Status != domain.StatusStored {
		t.Errorf("explaining December's upload: %v, %v", res, err)
	}
}

// returnAudit counts the audit lines about returns by action.
func returnAudit(t *testing.T, svc *Service) (map[string]int, int) {
	t.Helper()
	lines, err := svc.DB.AuditLog(context.Background(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	by, n := map[string]int{}, 0
	for _, l := range lines {
		if strings.HasPrefix(l.Action, "return_") {
			by[l.Action]++
			n++
		}
	}
	return by, n
}

// SECURITY V4: every change of state of a return writes exactly one audit
// line, and what changes nothing writes none: rejected, waiting, replaced
// by a later waiting upload, explained only in part, stored after
// explanations, an identical file again, and superseded by a stored one.
func TestEveryReturnStateChangeWritesOneAuditLine(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	step := func(what string, want map[string]int, do func()) {
		t.Helper()
		before, n0 := returnAudit(t, svc)
		do()
		after, n1 := returnAudit(t, svc)
		total := 0
		for action, k := range want {
			if got := after[action] - before[action]; got != k {
				t.Errorf("%s: %d %q audit lines; want %d", what, got, action, k)
			}
			total += k
		}
		if n1-n0 != total {
			t.Errorf("%s: %d audit lines about returns; want %d", what, n1-n0, total)
		}
	}
	query := typical(map[string]float64{"CSC_CLA": 1900})
	var first, second *Result
	step("a rejected file", map[string]int{"return_rejected": 1}, func() {
		submit(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_CIN": -1})), nil)
	})
	step("a file waiting for explanations", map[string]int{"return_awaiting_explanations": 1}, func() {
		first = submit(t, svc, templateFile(t, svc, 202, jan2021, query), nil)
	})
	step("a second waiting file for the same month", map[string]int{"return_awaiting_explanations": 1, "return_superseded": 1}, func() {
		second = submit(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_CLA": 1901})), nil)
	})
	step("explanations for some queries only", map[string]int{}, func() {
		if res, err := svc.Explain(ctx, second.Submission.ID, map[string]string{}, "lga@intake.test", 0, ""); err != nil || res.Status != domain.StatusAwaiting {
			t.Fatalf("%v, %v", res, err)
		}
	})
	step("explaining the replaced file", map[string]int{}, func() {
		if _, err := svc.Explain(ctx, first.Submission.ID, explainEvery(first), "lga@intake.test", 0, ""); err == nil {
			t.Fatal("the replaced upload was stored")
		}
	})
	step("explanations for every query", map[string]int{"return_stored": 1}, func() {
		if res, err := svc.Explain(ctx, second.Submission.ID, explainEvery(second), "lga@intake.test", 0, ""); err != nil || res.Status != domain.StatusStored {
			t.Fatalf("%v, %v", res, err)
		}
	})
	stored := templateFile(t, svc, 202, dec2020, typical(nil))
	step("a stored file", map[string]int{"return_stored": 1}, func() { mustStore(t, svc, stored) })
	step("the same file again", map[string]int{}, func() {
		if res := submit(t, svc, stored, nil); res.Status != domain.StatusUnchanged || res.Existing == 0 {
			t.Fatalf("%s, existing %d; want unchanged, naming the upload held", res.Status, res.Existing)
		}
	})
	var waiting *Result
	step("another waiting file", map[string]int{"return_awaiting_explanations": 1}, func() {
		waiting = submit(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_CLA": 1902})), nil)
	})
	step("a stored file superseding it", map[string]int{"return_stored": 1, "return_superseded": 1}, func() {
		mustStore(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_CLA": 310})))
	})
	lines, err := svc.DB.AuditLog(ctx, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.Action == "return_superseded" && l.Subject == fmt.Sprintf("submission %d", waiting.Submission.ID) {
			if l.Council != 202 || !strings.Contains(l.Detail, waiting.Submission.SHA256) {
				t.Errorf("superseded line %+v; want the council and the checksum", l)
			}
			return
		}
	}
	t.Errorf("no superseded line for submission %d", waiting.Submission.ID)
}

// The report of any recorded upload counts, for each council, its
// figures and months: waiting, stored and rejected alike.
func TestOutcomesOfRecordedSubmissions(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	months := []domain.Month{dec2020, jan2021}
	values := typical(nil)
	check := func(what string, res *Result) {
		t.Helper()
		sub, payload, err := svc.DB.Submission(ctx, res.Submission.ID)
		if err != nil {
			t.Fatal(err)
		}
		outs, err := svc.Outcomes(ctx, sub, payload)
		if err != nil {
			t.Fatal(err)
		}
		if len(outs) != 2 {
			t.Fatalf("%s: outcomes %+v; want two councils", what, outs)
		}
		for _, o := range outs {
			if o.Rows != 2*len(values) || strings.Join(o.Months, " ") != "2020-12 2021-01" {
				t.Errorf("%s: %+v; want %d figures over December and January", what, o, 2*len(values))
			}
		}
	}
	bad := typical(map[string]float64{"CSC_CIN": 1.5})
	check("rejected", submit(t, svc, longFile(t, []int{202, 301}, months, bad), nil))
	waiting := submit(t, svc, longFile(t, []int{202, 301}, months, typical(map[string]float64{"CSC_CLA": 1900})), nil)
	check("waiting", waiting)
	res, err := svc.Explain(ctx, waiting.Submission.ID, explainEvery(waiting), "lga@intake.test", 0, "")
	if err != nil || res.Status != domain.StatusStored {
		t.Fatalf("%v, %v", res, err)
	}
	check("stored", res)
}
