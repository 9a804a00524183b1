package returns

import (
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// E09 names the cell that holds the unknown code: the long layout's
// indicator column, the template's Code column (rules_test.go), the
// header of a wide sheet's column; never the value cell beside it.
func TestUnknownIndicatorNamesItsCodeCell(t *testing.T) {
	cases := []struct {
		name, want string
		path       func(t *testing.T) string
	}{
		{"long xlsx", "C3", func(t *testing.T) string {
			return writeBook(t, sheet{"Data", [][]any{{"la_number", "month", "indicator", "value"},
				{202, "2021-01", "CSC_CIN", 1100}, {202, "2021-01", "CSC_XXX", 5}}})
		}},
		{"long csv", "B2", func(t *testing.T) string {
			return writeFile(t, "long.csv", []byte("la_number,indicator,month,value\n202,NOT_A_CODE,2021-01,5\n"))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.path(t))
			var got []domain.Message
			for _, m := range append(p.Messages, validate(p, nil)...) {
				if m.Rule == RuleUnknownIndicator {
					got = append(got, m)
				}
			}
			if len(got) != 1 || got[0].Cell != tc.want {
				t.Fatalf("E09 messages %+v; want one at %s", got, tc.want)
			}
		})
	}

	// A wide sheet's indicator is its column, so E09 names the header.
	// Parse keeps only known columns, so the figure is given as read.
	p := &Parsed{Layout: LayoutWide, Sheet: "Bulk",
		Rows:   []Row{{Sheet: "Bulk", Cell: "D7", Council: 202, CouncilRaw: "202", IndicatorRaw: "CSC_XXX", Month: domain.Month{Year: 2021, Month: 1}, MonthRaw: "2021-01", Raw: "5"}},
		sheets: map[string]*sheetInfo{"Bulk": {layout: LayoutWide, councilCol: 0, monthCol: 1, indicatorCol: -1, headerRow: 3}}}
	var cells []string
	for _, m := range validate(p, nil) {
		if m.Rule == RuleUnknownIndicator {
			cells = append(cells, m.Cell)
		}
	}
	if len(cells) != 1 || cells[0] != "D3" {
		t.Errorf("wide E09 at %v; want the header, D3", cells)
	}
}
