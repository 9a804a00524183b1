package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/xuri/excelize/v2"
)

// newReconcileEnv holds twelve months of referrals for Camden (202), April
// 2023 to March 2024, 200 a month (2,400 in DfE's year 2024); the same
// year for Barking and Dagenham (301) with one month of 3 (4,513); March
// 2024's children in need for Camden at DfE's 1,779; and the last year of
// Northamptonshire (928), a predecessor, at 1,000 a month (12,000 against
// DfE's 11,724).
func newReconcileEnv(t *testing.T, cfg Config) *testEnv {
	t.Helper()
	return newTestEnvWith(t, cfg, func(_ *reference.Data, emit func(domain.Observation) error) error {
		year := func(council int, last domain.Month, value func(domain.Month) float64) error {
			for m := last.Add(-11); !last.Before(m); m = m.Add(1) {
				if err := emit(domain.Observation{Council: council, Indicator: "CSC_REFERRALS", Month: m.String(), Value: value(m)}); err != nil {
					return err
				}
			}
			return nil
		}
		mar2024 := domain.Month{Year: 2024, Month: time.March}
		if err := year(202, mar2024, func(domain.Month) float64 { return 200 }); err != nil {
			return err
		}
		if err := year(301, mar2024, func(m domain.Month) float64 {
			if m.Month == time.July {
				return 3
			}
			return 410
		}); err != nil {
			return err
		}
		if err := year(928, domain.Month{Year: 2021, Month: time.March}, func(domain.Month) float64 { return 1000 }); err != nil {
			return err
		}
		return emit(domain.Observation{Council: 202, Indicator: "CSC_CIN", Month: "2024-03", Value: 1779})
	})
}

// importOfficial loads DfE's referrals for Camden in the year to March 2024
// as an EES file, as an LGA officer would: 2,200, in place of the 2,241 of
// the reference data.
func importOfficial(t *testing.T, env *testEnv, lga *http.Client) {
	t.Helper()
	body := []byte("time_period,geographic_level,old_la_code,new_la_code,la_name,referral_count\n2024,Local authority,202,E09000007,Camden,2200\n")
	resp := env.upload(lga, "/api/v1/returns", "referrals.csv", body, nil)
	if rep := decodeReport(t, resp); resp.StatusCode != http.StatusCreated || rep["status"] != domain.StatusStored {
		t.Fatalf("EES upload: %d %v", resp.StatusCode, rep)
	}
}

// reconYears decodes the API's answer by year, keeping each object raw.
func reconYears(t *testing.T, body string) map[float64]map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(body), &rows); err != nil {
		t.Fatalf("not a JSON array: %v: %s", err, body)
	}
	out := map[float64]map[string]any{}
	for _, r := range rows {
		out[r["year"].(float64)] = r
	}
	return out
}

func TestReconciliationAPI(t *testing.T) {
	env := newReconcileEnv(t, Config{})
	lga := env.signIn("lga@recon.test", env.addUser("lga@recon.test", domain.RoleLGA, 0))
	importOfficial(t, env, lga)

	status, body, _ := env.get(lga, "/api/v1/councils/202/reconciliation?indicator=CSC_REFERRALS")
	if status != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(body), "[") {
		t.Fatalf("status %d: %s", status, body)
	}
	years := reconYears(t, body)
	y := years[2024]
	if y == nil {
		t.Fatalf("no 2024 in %s", body)
	}
	want := map[string]any{"year": 2024.0, "period_end": "2024-03-31", "monthly_total": 2400.0, "months": 12.0, "months_expected": 12.0,
		"official": 2200.0, "difference": 200.0, "difference_percent": 9.0909, "flagged": true}
	for k, v := range want {
		if y[k] != v {
			t.Errorf("%s = %v; want %v", k, y[k], v)
		}
	}
	if len(y) != len(want) {
		t.Errorf("fields %v; want exactly %v", y, want)
	}
	// A year with no monthly figures: the total and difference are null.
	if y := years[2023]; y == nil || y["monthly_total"] != nil || y["months"] != 0.0 || y["difference"] != nil || y["official"] != 2015.0 || y["flagged"] != false {
		t.Errorf("2023: %v", y)
	}
	if _, ok := years[2016]; ok {
		t.Error("a year ending before January 2017 is listed")
	}

	// Children in need compare March's figure.
	_, body, _ = env.get(lga, "/api/v1/councils/202/reconciliation?indicator=CSC_CIN")
	if y := reconYears(t, body)[2024]; y["monthly_total"] != 1779.0 || y["months"] != 1.0 || y["months_expected"] != 1.0 || y["difference"] != 0.0 {
		t.Errorf("children in need 2024: %v", y)
	}

	// Predecessors: Northamptonshire's last year, and Cumbria with no
	// monthly figures.
	_, body, _ = env.get(lga, "/api/v1/councils/928/reconciliation?indicator=CSC_REFERRALS")
	if y := reconYears(t, body)[2021]; y["monthly_total"] != 12000.0 || y["official"] != 11724.0 || y["difference"] != 276.0 || y["flagged"] != false {
		t.Errorf("Northamptonshire 2021: %v", y)
	}
	status, body, _ = env.get(lga, "/api/v1/councils/909/reconciliation?indicator=CSC_REFERRALS")
	if y := reconYears(t, body)[2023]; status != http.StatusOK || y["official"] != 2989.0 || y["monthly_total"] != nil {
		t.Errorf("Cumbria 2023: %d %v", status, y)
	}

	for _, tc := range []struct {
		path   string
		status int
		says   []string
	}{
		{"/api/v1/councils/202/reconciliation", http.StatusBadRequest, []string{"Give an indicator", "CSC_REFERRALS", "CSC_CIN", "WF_VACANCY"}},
		{"/api/v1/councils/202/reconciliation?indicator=EHE_KNOWN", http.StatusBadRequest, []string{"EHE_KNOWN", "has no DfE published figure", "CSC_REFERRALS"}},
		{"/api/v1/councils/999/reconciliation?indicator=CSC_REFERRALS", http.StatusNotFound, []string{"999"}},
		{"/api/v1/councils/camden/reconciliation?indicator=CSC_REFERRALS", http.StatusNotFound, nil},
	} {
		status, body, _ := env.get(lga, tc.path)
		if status != tc.status {
			t.Errorf("%s: status %d; want %d: %s", tc.path, status, tc.status, body)
		}
		for _, s := range tc.says {
			if !strings.Contains(body, s) {
				t.Errorf("%s: %s does not say %q", tc.path, body, s)
			}
		}
	}
}

// SECURITY D1: a DCS looking at another council does not see a year's
// total that rests on a month of 1 to 5, nor the difference that would
// give it back; the council's own staff and LGA officers do.
func TestReconciliationSmallNumbers(t *testing.T) {
	env := newReconcileEnv(t, Config{})
	other := env.signIn("dcs@recon.test", env.addUser("dcs@recon.test", domain.RoleDCS, 202))
	own := env.signIn("dcs301@recon.test", env.addUser("dcs301@recon.test", domain.RoleDCS, 301))
	lga := env.signIn("lga@recon.test", env.addUser("lga@recon.test", domain.RoleLGA, 0))
	const path = "/api/v1/councils/301/reconciliation?indicator=CSC_REFERRALS"
	_, body, _ := env.get(other, path)
	y := reconYears(t, body)[2024]
	for _, k := range []string{"monthly_total", "difference", "difference_percent"} {
		if y[k] != "c" {
			t.Errorf("%s = %v; want c", k, y[k])
		}
	}
	if y["official"] != 4640.0 || y["months"] != 12.0 || y["flagged"] != false {
		t.Errorf("withheld year: %v", y)
	}
	if strings.Contains(body, "4513") || strings.Contains(body, "-127") {
		t.Errorf("the withheld total shows: %s", body)
	}
	for name, c := range map[string]*http.Client{"own council": own, "LGA": lga} {
		_, body, _ := env.get(c, path)
		if y := reconYears(t, body)[2024]; y["monthly_total"] != 4513.0 || y["difference"] != -127.0 {
			t.Errorf("%s: %v", name, y)
		}
	}
	_, csv, _ := env.get(other, "/councils/301/reconciliation.csv?indicator=CSC_REFERRALS")
	if !strings.Contains(csv, "2024,c,12,4640,c,c,No") || strings.Contains(csv, "4513") {
		t.Errorf("CSV for another council:\n%s", csv)
	}
	_, page, _ := env.get(other, "/councils/301?indicator=CSC_REFERRALS")
	if strings.Contains(page, "4,513") || !strings.Contains(page, "Withheld: rests on a count of 1 to 5") {
		t.Error("the profile shows the withheld total to another council's DCS")
	}
}

func TestReconciliationDownloads(t *testing.T) {
	env := newReconcileEnv(t, Config{})
	lga := env.signIn("lga@recon.test", env.addUser("lga@recon.test", domain.RoleLGA, 0))
	importOfficial(t, env, lga)
	dcs := env.signIn("dcs@recon.test", env.addUser("dcs@recon.test", domain.RoleDCS, 202))

	status, csv, h := env.get(dcs, "/councils/202/reconciliation.csv?indicator=CSC_REFERRALS")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: %d %s", status, h.Get("Content-Type"))
	}
	lines := strings.Split(strings.TrimSpace(withoutBOM(t, csv)), "\n")
	if lines[0] != "Year,Monthly total,Months,DfE figure,Difference,Difference (%),Flagged" {
		t.Errorf("CSV header %q", lines[0])
	}
	if !strings.Contains(csv, "\n2024,2400,12,2200,200,9.1,Yes\n") || !strings.Contains(csv, "\n2023,,0,2015,,,No\n") {
		t.Errorf("CSV rows:\n%s", csv)
	}
	if status, body, _ := env.get(dcs, "/councils/202/reconciliation.csv?indicator=EHE_KNOWN"); status != http.StatusBadRequest || !strings.Contains(body, "CSC_REFERRALS") {
		t.Errorf("CSV of an indicator with no DfE figure: %d", status)
	}

	status, xlsx, h := env.get(dcs, "/councils/202/reconciliation.xlsx?indicator=CSC_REFERRALS")
	if status != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), "202-CSC_REFERRALS-reconciliation.xlsx") {
		t.Fatalf("Excel: %d %v", status, h)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(xlsx)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Data")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[3], "|"); got != "Year|Monthly total|Months|DfE figure|Difference|Difference (%)|Flagged" {
		t.Errorf("Excel header %q", got)
	}
	found := false
	for _, r := range rows[4:] {
		if strings.Join(r, "|") == "2024|2400|12|2200|200|9.1|Yes" {
			found = true
		}
	}
	if !found {
		t.Errorf("Excel rows %v", rows[4:])
	}
	if typ, _ := f.GetCellType("Data", "B"+findRow(rows, "2024")); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("the monthly total is stored as %v, not a number", typ)
	}
}

// findRow is the spreadsheet row number (from 1) whose first cell is v.
func findRow(rows [][]string, v string) string {
	for i, r := range rows {
		if len(r) > 0 && r[0] == v {
			return strconv.Itoa(i + 1)
		}
	}
	return "1"
}

func TestReconciliationNationalPage(t *testing.T) {
	env := newReconcileEnv(t, Config{})
	lga := env.signIn("lga@recon.test", env.addUser("lga@recon.test", domain.RoleLGA, 0))
	importOfficial(t, env, lga)
	dcs := env.signIn("dcs@recon.test", env.addUser("dcs@recon.test", domain.RoleDCS, 202))

	status, page, _ := env.get(lga, "/reconciliation?indicator=CSC_REFERRALS&year=2024")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{"Monthly returns against DfE&#39;s published figures", "Camden", "Barking and Dagenham",
		"Differs by 9.1%, beyond the 5% tolerance", "<strong>1</strong> of the 2 councils", "app-reconcile--flagged",
		"/reconciliation.csv?indicator=CSC_REFERRALS&amp;sort=flagged&amp;year=2024"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, ">Northamptonshire<") {
		t.Error("Northamptonshire, which ended in March 2021, is listed for 2024")
	}
	// Flagged first: Camden before Barking and Dagenham.
	if i, j := strings.Index(page, ">Camden<"), strings.Index(page, ">Barking and Dagenham<"); i < 0 || j < 0 || i > j {
		t.Errorf("Camden (flagged) at %d, Barking and Dagenham at %d", i, j)
	}
	if _, byName, _ := env.get(lga, "/reconciliation?indicator=CSC_REFERRALS&year=2024&sort=name"); strings.Index(byName, ">Camden<") < strings.Index(byName, ">Barking and Dagenham<") {
		t.Error("sort=name does not put Barking and Dagenham first")
	}
	// The predecessor takes part in the years it existed.
	if _, page, _ := env.get(lga, "/reconciliation?indicator=CSC_REFERRALS&year=2021"); !strings.Contains(page, ">Northamptonshire<") || !strings.Contains(page, "ended Mar 2021") {
		t.Error("Northamptonshire is missing from 2021")
	}
	_, csv, _ := env.get(lga, "/reconciliation.csv?indicator=CSC_REFERRALS&year=2024")
	if !strings.HasPrefix(withoutBOM(t, csv), "LA number,Council,Region,Year,Monthly total,Months,DfE figure,Difference,Difference (%),Flagged\n") ||
		!strings.Contains(csv, "\n202,Camden,London,2024,2400,12,2200,200,9.1,Yes\n") {
		t.Errorf("national CSV:\n%.600s", csv)
	}
	if status, _, h := env.get(lga, "/reconciliation.xlsx?indicator=CSC_REFERRALS&year=2024"); status != http.StatusOK || !strings.Contains(h.Get("Content-Disposition"), ".xlsx") {
		t.Errorf("national Excel: %d", status)
	}
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/reconciliation?indicator=EHE_KNOWN", http.StatusBadRequest},
		{"/reconciliation?indicator=CSC_REFERRALS&year=1999", http.StatusBadRequest},
		{"/reconciliation?indicator=CSC_REFERRALS&sort=colour", http.StatusBadRequest},
		{"/reconciliation", http.StatusOK},
	} {
		if status, _, _ := env.get(lga, tc.path); status != tc.status {
			t.Errorf("%s: %d; want %d", tc.path, status, tc.status)
		}
	}
	for _, path := range []string{"/reconciliation", "/reconciliation.csv", "/reconciliation.xlsx"} {
		if status, _, _ := env.get(dcs, path); status != http.StatusForbidden {
			t.Errorf("DCS %s: %d; want 403", path, status)
		}
	}
	if _, page, _ := env.get(lga, "/pressure"); !strings.Contains(page, `href="/reconciliation"`) {
		t.Error("the pressure page does not link to the reconciliation")
	}
}

func TestReconciliationOnProfile(t *testing.T) {
	env := newReconcileEnv(t, withSettings(func(c *config.Config) { c.ReconcileTolerance = 0.10 }))
	lga := env.signIn("lga@recon.test", env.addUser("lga@recon.test", domain.RoleLGA, 0))
	importOfficial(t, env, lga)
	_, page, _ := env.get(lga, "/councils/202?indicator=CSC_REFERRALS")
	for _, want := range []string{`id="reconciliation"`, "Monthly returns against DfE's published figures", "Apr 2023 to Mar 2024",
		"2,400", "2,200", "&#43;200", "&#43;9.1%", "Within the 10% tolerance", "No monthly figures",
		`href="/councils/202/reconciliation.csv?indicator=CSC_REFERRALS"`, `href="/councils/202/reconciliation.xlsx?indicator=CSC_REFERRALS"`,
		`href="/api/v1/councils/202/reconciliation?indicator=CSC_REFERRALS"`} {
		if !strings.Contains(page, want) {
			t.Errorf("profile lacks %q", want)
		}
	}
	if strings.Contains(page, "app-reconcile--flagged") {
		t.Error("9.1% is flagged with a 10% tolerance")
	}
	// The section follows the chart of the indicator; one with no DfE
	// figure has none.
	if i, j := strings.Index(page, `id="comparison"`), strings.Index(page, `id="reconciliation"`); i < 0 || j < i {
		t.Errorf("reconciliation at %d, comparison chart at %d", j, i)
	}
	if _, page, _ := env.get(lga, "/councils/202?indicator=EHE_KNOWN"); strings.Contains(page, `id="reconciliation"`) {
		t.Error("an indicator with no DfE figure has a reconciliation")
	}
	// A predecessor's profile has it too.
	if _, page, _ := env.get(lga, "/councils/928?indicator=CSC_REFERRALS"); !strings.Contains(page, "12,000") || !strings.Contains(page, "11,724") {
		t.Error("Northamptonshire's profile lacks its reconciliation")
	}
	// With the default tolerance the year is flagged, in words.
	env = newReconcileEnv(t, Config{})
	lga = env.signIn("lga@recon.test", env.addUser("lga@recon.test", domain.RoleLGA, 0))
	importOfficial(t, env, lga)
	if _, page, _ := env.get(lga, "/councils/202?indicator=CSC_REFERRALS"); !strings.Contains(page, "Differs by 9.1%, beyond the 5% tolerance") || !strings.Contains(page, "app-reconcile--flagged") {
		t.Error("the flagged year is not highlighted in words")
	}
}
