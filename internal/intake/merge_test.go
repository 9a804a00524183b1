package intake

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/xuri/excelize/v2"
)

// heldMonth returns every current figure of a council-month.
func heldMonth(t *testing.T, svc *Service, council int, month domain.Month) map[string]float64 {
	t.Helper()
	obs, err := svc.DB.CouncilObservations(context.Background(), council)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, o := range obs {
		if o.Month == month.String() {
			out[o.Indicator] = o.Value
		}
	}
	return out
}

// wideFile writes a wide bulk workbook: one row per council for one month,
// one column per indicator given.
func wideFile(t *testing.T, month domain.Month, rows map[int]map[string]float64, codes ...string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	header := []any{"la_number", "month"}
	for _, c := range codes {
		header = append(header, c)
	}
	if err := f.SetSheetRow("Sheet1", "A1", &header); err != nil {
		t.Fatal(err)
	}
	r := 2
	for council, vals := range rows {
		row := []any{council, month.String()}
		for _, c := range codes {
			row = append(row, vals[c])
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
		r++
	}
	path := filepath.Join(t.TempDir(), "wide.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// A bulk load may carry any subset of indicators, councils and months: it
// becomes a new version of each council-month it touches, holding its
// figures and every figure held before that it did not carry; nothing else
// changes, and identical figures change nothing. The long and wide layouts
// behave the same; a template return still replaces its month whole and
// must be complete (E01).
func TestPartialBulkLoadsMerge(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	full := typical(nil)
	mustStore(t, svc, templateFile(t, svc, 202, jan2021, full))
	mustStore(t, svc, templateFile(t, svc, 202, dec2020, full))

	// One figure, long layout: a new version of Camden's January only.
	res := mustStore(t, svc, longFile(t, []int{202}, []domain.Month{jan2021}, map[string]float64{"CSC_CLA": 310}))
	if res.Submission.Months != "2021-01" || strings.TrimSpace(res.Submission.Councils) != "202" {
		t.Errorf("stored covering %q %q; want Camden, 2021-01", res.Submission.Councils, res.Submission.Months)
	}
	held := heldMonth(t, svc, 202, jan2021)
	if len(held) != len(full) || held["CSC_CLA"] != 310 || held["CSC_CIN"] != full["CSC_CIN"] || held["WF_ABSENCE"] != full["WF_ABSENCE"] {
		t.Fatalf("January after a one-figure load: %d figures, CLA %v, CIN %v; want all %d kept, CLA 310", len(held), held["CSC_CLA"], held["CSC_CIN"], len(full))
	}
	versions, err := svc.DB.ReturnVersions(ctx, 202, jan2021.String())
	if err != nil || len(versions) != 2 || versions[0].Status != "current" {
		t.Fatalf("January versions %+v, %v; want two, the new one current", versions, err)
	}
	if v, err := svc.DB.ReturnVersions(ctx, 202, dec2020.String()); err != nil || len(v) != 1 {
		t.Fatalf("December versions %+v, %v; want one: nothing else changes", v, err)
	}

	// The same figure again, in the wide layout: nothing changes.
	res = submit(t, svc, wideFile(t, jan2021, map[int]map[string]float64{202: {"CSC_CLA": 310}}, "CSC_CLA"), nil)
	if res.Status != domain.StatusUnchanged {
		t.Fatalf("identical figure in a wide file: %s; want unchanged", res.Status)
	}
	if v, _ := svc.DB.ReturnVersions(ctx, 202, jan2021.String()); len(v) != 2 {
		t.Fatalf("%d January versions after an identical load; want 2", len(v))
	}

	// Two councils, two indicators, wide: one changed, one identical. Only
	// the changed council-month gets a version; Barking's new month holds
	// just what was carried, and stays partial.
	res = mustStore(t, svc, wideFile(t, jan2021, map[int]map[string]float64{
		202: {"CSC_CLA": 310, "CSC_CPP": 210},
		301: {"CSC_CLA": 150, "CSC_CPP": 90},
	}, "CSC_CLA", "CSC_CPP"))
	if strings.TrimSpace(res.Submission.Councils) != "202 301" {
		t.Errorf("stored covering %q; want 202 301", res.Submission.Councils)
	}
	held = heldMonth(t, svc, 202, jan2021)
	if len(held) != len(full) || held["CSC_CPP"] != 210 || held["CSC_CLA"] != 310 {
		t.Fatalf("Camden January: %d figures, CPP %v; want %d, CPP 210", len(held), held["CSC_CPP"], len(full))
	}
	if got := heldMonth(t, svc, 301, jan2021); len(got) != 2 || got["CSC_CPP"] != 90 {
		t.Fatalf("Barking January %v; want its two figures", got)
	}

	// A template return replaces its month whole, and must be complete.
	partial := typical(nil)
	delete(partial, "CSC_CIN")
	res = submit(t, svc, templateFile(t, svc, 301, jan2021, partial), nil)
	if res.Status != domain.StatusRejected || !hasMessage(res.Messages, returns.RuleMissing) {
		t.Fatalf("incomplete template: %s; want rejected with E01", res.Status)
	}
}

// Real history: a long table of one indicator at 31 March, one row per
// council and year, predecessors included, loads whole; a figure outside a
// council's lifetime is refused, naming it, and nothing is stored.
func TestOneIndicatorHistoryWithPredecessors(t *testing.T) {
	svc := newService(t)
	svc.Now = func() time.Time { return time.Date(2025, time.June, 1, 0, 0, 0, 0, time.UTC) }
	mar := func(y int) domain.Month { return domain.Month{Year: y, Month: time.March} }
	rows := map[int][]int{ // council → years with a figure
		928: {2021},             // Northamptonshire, until March 2021
		940: {2022, 2023, 2024}, // North Northamptonshire, from April 2021
		909: {2021, 2022, 2023}, // Cumbria, until March 2023
		942: {2024, 2025},       // Cumberland, from April 2023
		202: {2021, 2022, 2023, 2024, 2025},
	}
	f := excelize.NewFile()
	body := [][]any{{"LA number", "Indicator", "Period", "Value"}}
	for c, years := range rows {
		for _, y := range years {
			body = append(body, []any{c, "CSC_CLA", mar(y).String(), 400 + y - 2020})
		}
	}
	for i, r := range body {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "cla.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res := mustStore(t, svc, path)
	if res.Submission.RowCount != len(body)-1 {
		t.Fatalf("stored %d figures; want %d", res.Submission.RowCount, len(body)-1)
	}
	if got := heldMonth(t, svc, 928, mar(2021)); got["CSC_CLA"] != 401 {
		t.Errorf("Northamptonshire March 2021 %v; want 401", got)
	}

	// Cumbria in March 2024, after it ended: refused, naming it.
	bad := longFile(t, []int{909}, []domain.Month{mar(2024)}, map[string]float64{"CSC_CLA": 700})
	res = submit(t, svc, bad, nil)
	if res.Status != domain.StatusRejected || len(res.Messages) != 1 || res.Messages[0].Rule != returns.RuleOutsideLifetime {
		t.Fatalf("Cumbria in 2024: %s %v; want rejected with E16", res.Status, res.Messages)
	}
	if got := heldMonth(t, svc, 909, mar(2024)); len(got) != 0 {
		t.Errorf("Cumbria March 2024 holds %v; want nothing", got)
	}
}

func hasMessage(ms []domain.Message, rule string) bool {
	for _, m := range ms {
		if m.Rule == rule {
			return true
		}
	}
	return false
}

// SECURITY V2: Q01 compares with the last accepted month within the three
// before it. An annual series loaded in bulk (31 March each year) is a
// year's change apart, which the month-on-month rule does not judge;
// three months apart still is.
func TestChangeWindowSparesAnnualSeries(t *testing.T) {
	svc := newService(t)
	mar := func(y int) domain.Month { return domain.Month{Year: y, Month: time.March} }
	svc.Now = func() time.Time { return time.Date(2025, time.June, 1, 0, 0, 0, 0, time.UTC) }
	mustStore(t, svc, longFile(t, []int{202}, []domain.Month{mar(2022)}, map[string]float64{"CSC_CLA": 1000}))
	res := submit(t, svc, longFile(t, []int{202}, []domain.Month{mar(2023)}, map[string]float64{"CSC_CLA": 1400}), nil)
	if res.Status != domain.StatusStored {
		t.Fatalf("a year later, +40%%: %s %v; want stored without a query", res.Status, res.Messages)
	}
	res = submit(t, svc, longFile(t, []int{202}, []domain.Month{{Year: 2023, Month: time.June}}, map[string]float64{"CSC_CLA": 2000}), nil)
	if _, ok := changeQuery(res, "CSC_CLA"); !ok {
		t.Fatalf("three months later, +43%%: %v; want Q01", res.Messages)
	}
}

// DfE's own EES files load whole: every council-level figure falls within
// its council's lifetime (predecessors' figures up to their last year,
// successors' from their first). A figure for a council outside its
// lifetime is refused (E16), naming it; a "z" (not applicable) row is
// simply not kept.
func TestOfficialFiguresFollowLifetimes(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "reference", "official")
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(files) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("DfE's official files are missing in CI: %v", err)
		}
		t.Skipf("DfE's official files not found in %s", dir)
	}
	svc := newService(t)
	for _, f := range files {
		res := submit(t, svc, f, nil)
		if res.Status != domain.StatusStored {
			t.Fatalf("%s: %s %v", filepath.Base(f), res.Status, res.Messages)
		}
	}
	csv := "time_period,time_identifier,geographic_level,country_code,old_la_code,new_la_code,la_name,At31_episodes\n" +
		"2020,Reporting year,Local authority,E92000001,940,E06000061,North Northamptonshire,4100\n" +
		"2020,Reporting year,Local authority,E92000001,941,E06000062,West Northamptonshire,z\n" +
		"2021,Reporting year,Local authority,E92000001,928,E10000021,Northamptonshire,4877\n"
	path := filepath.Join(t.TempDir(), "ees.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	res := submit(t, svc, path, nil)
	if res.Status != domain.StatusRejected || len(res.Messages) != 1 || res.Messages[0].Rule != returns.RuleOutsideLifetime ||
		!strings.Contains(res.Messages[0].Text, "North Northamptonshire (940) at March 2020") {
		t.Fatalf("940 at March 2020: %s %v; want one E16", res.Status, res.Messages)
	}
}
