package web

import (
	"database/sql"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// downloadRoutes gives, for every route that serves a CSV or an Excel
// download, an address with what it needs; "csv" or "xlsx" in the file
// name is filled in. The test fails when a route is added without one.
var downloadRoutes = map[string]string{
	"/compare.csv":                          "/compare.csv?indicator=CSC_REFERRALS&month=2024-03&council=202",
	"/compare.xlsx":                         "/compare.xlsx?indicator=CSC_REFERRALS&month=2024-03&council=202",
	"/compare/neighbours/:file":             "/compare/neighbours/data.EXT?indicator=CSC_REFERRALS&month=2024-03&council=301",
	"/councils/:number/areas/:file":         "/councils/301/areas/social_care.EXT",
	"/councils/:number/comparison/:file":    "/councils/301/comparison/data.EXT?indicator=CSC_REFERRALS",
	"/councils/:number/ratings/:file":       "/councils/202/ratings/data.EXT",
	"/councils/:number/reconciliation.csv":  "/councils/202/reconciliation.csv?indicator=CSC_REFERRALS",
	"/councils/:number/reconciliation.xlsx": "/councils/202/reconciliation.xlsx?indicator=CSC_REFERRALS",
	"/reconciliation.csv":                   "/reconciliation.csv?indicator=CSC_REFERRALS&year=2024",
	"/reconciliation.xlsx":                  "/reconciliation.xlsx?indicator=CSC_REFERRALS&year=2024",
	"/returns/tracker.csv":                  "/returns/tracker.csv?month=2024-03",
	"/pressure.csv":                         "/pressure.csv",
	"/pressure.xlsx":                        "/pressure.xlsx",
	"/pressure/matrix.csv":                  "/pressure/matrix.csv",
	"/pressure/matrix.xlsx":                 "/pressure/matrix.xlsx",
	"/projections.csv":                      "/projections.csv?indicator=CSC_REFERRALS",
	"/projections.xlsx":                     "/projections.xlsx?indicator=CSC_REFERRALS",
}

// namedIn are the downloads that carry Barking and Dagenham's name, which
// the test gives an en dash.
var namedIn = []string{"/compare.csv", "/compare/neighbours/:file", "/councils/:number/areas/:file",
	"/councils/:number/comparison/:file", "/reconciliation.csv", "/returns/tracker.csv", "/pressure/matrix.csv"}

// Every CSV download starts with UTF-8's byte-order mark, EF BB BF, so
// that Excel on Windows reads "2017–19" as written, and formula-like cells
// are still neutralised after it; every Excel download heads its columns
// in words, with no snake_case.
func TestDownloadsKeepTheConventions(t *testing.T) {
	env := newReconcileEnv(t, Config{})
	raw, err := sql.Open("sqlite", env.db.Path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE councils SET name = 'Barking and Dagenham 2017–19' WHERE la_number = 301`); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE councils SET name = '=HYPERLINK("http://evil","x")' WHERE la_number = 206`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	lga := env.signIn("lga@conv.test", env.addUser("lga@conv.test", domain.RoleLGA, 0))
	importOfficial(t, env, lga)
	// A submitted self-assessment for the ratings download.
	if resp := env.postForm(lga, "/councils/202/assessment", fullForm(t, env, "3", "submit", "Evidence 2017–19")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit a self-assessment: %d", resp.StatusCode)
	}

	covered := map[string]bool{}
	for _, r := range env.srv.engine.Routes() {
		if r.Method != http.MethodGet || r.Path == "/returns/template" {
			// The return template is a form councils fill in, not a table.
			continue
		}
		if !strings.HasSuffix(r.Path, ".csv") && !strings.HasSuffix(r.Path, ".xlsx") && !strings.HasSuffix(r.Path, "/:file") {
			continue
		}
		if _, ok := downloadRoutes[r.Path]; !ok {
			t.Errorf("download route %s is not checked: add it to downloadRoutes", r.Path)
		}
		covered[r.Path] = true
	}
	for pattern, addr := range downloadRoutes {
		if !covered[pattern] {
			t.Errorf("downloadRoutes names %s, which is not a route", pattern)
		}
		for _, ext := range []string{"csv", "xlsx"} {
			if strings.Contains(pattern, "."+map[string]string{"csv": "xlsx", "xlsx": "csv"}[ext]) {
				continue
			}
			path := strings.Replace(addr, ".EXT", "."+ext, 1)
			if !strings.Contains(path, "."+ext) {
				continue
			}
			status, body, h := env.get(lga, path)
			if status != http.StatusOK {
				t.Errorf("%s: %d %.200s", path, status, body)
				continue
			}
			switch ext {
			case "csv":
				if !strings.HasPrefix(body, "\xef\xbb\xbf") {
					t.Errorf("%s does not start with the byte-order mark: % x", path, body[:min(3, len(body))])
				}
				if !utf8.ValidString(body) || !strings.HasPrefix(h.Get("Content-Type"), "text/csv; charset=utf-8") {
					t.Errorf("%s is not UTF-8 (%s)", path, h.Get("Content-Type"))
				}
				if strings.Contains(body, `"=HYPERLINK(`) || strings.Contains(body, "\n=") {
					t.Errorf("%s has a formula cell that is not neutralised", path)
				}
				rows := readCSV(t, body)
				if strings.HasPrefix(rows[0][0], "\ufeff") {
					t.Errorf("%s: the byte-order mark was written twice", path)
				}
				for _, p := range namedIn {
					if p == pattern && !strings.Contains(body, "Barking and Dagenham 2017–19") {
						t.Errorf("%s lost the en dash of Barking and Dagenham 2017–19", path)
					}
				}
			case "xlsx":
				rows := readXLSX(t, body)
				if len(rows) < 4 || len(rows[3]) == 0 {
					t.Errorf("%s has no headings on row 4: %q", path, rows)
					continue
				}
				for _, heading := range rows[3] {
					if strings.Contains(heading, "_") {
						t.Errorf("%s heads a column %q: Excel headings are in words", path, heading)
					}
				}
			}
		}
	}
}

// A workbook's column headings are words; a name that is already words,
// or a council's, is kept as it is.
func TestExcelHeadings(t *testing.T) {
	for in, want := range map[string]string{
		"la_number": "LA number", "difference_percent": "Difference (%)", "council": "Council", "month": "Month",
		"rate_per_10000_children": "Rate per 10,000 children", "Camden": "Camden", "Difference (%)": "Difference (%)",
		"some_new_column": "Some new column",
	} {
		if got := excelHeading(in); got != want {
			t.Errorf("excelHeading(%q) = %q; want %q", in, got, want)
		}
	}
}
