package web

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/dashboard"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// compareTable is the compare page's table of every council, sorted as
// the reader chose, with the selected council's row picked out.
type compareTable struct {
	Columns []sortColumn
	Rows    []compareTableRow
	// Own is the selected council's row, summarised above the table with
	// a link to it; nil when no council is selected.
	Own     *compareTableRow
	HasRate bool
	// RankedOf is how many councils the ranks run over.
	RankedOf int
}

// sortColumn is one column heading: a link that sorts by it, and the
// aria-sort state the GOV.UK and MoJ sortable table pattern gives it.
type sortColumn struct {
	Label    string
	Key      string
	Numeric  bool
	AriaSort string
	Href     string
}

// compareTableRow is one council as the table shows it.
type compareTableRow struct {
	Number    int
	Name      string
	Region    string
	Rank      string
	Value     string
	Rate      string
	Band      string
	Selected  bool
	Neighbour bool
}

// compareSorts are the columns the table sorts by.
var compareSorts = []string{"rank", "council", "region", "value", "rate", "band"}

// compareSortParams reads ?sort= and ?dir= (rank, ascending by default).
func compareSortParams(c *gin.Context) (string, string, error) {
	key, dir := c.DefaultQuery("sort", "rank"), c.DefaultQuery("dir", "asc")
	if !slices.Contains(compareSorts, key) {
		return "", "", domain.Errorf(domain.EINVALID, "The table cannot be sorted by %q: use one of %s.", key, strings.Join(compareSorts, ", "))
	}
	if dir != "asc" && dir != "desc" {
		return "", "", domain.Errorf(domain.EINVALID, "The sort direction must be asc or desc, not %q.", dir)
	}
	return key, dir, nil
}

// buildCompareTable sorts the comparison's councils by key in direction
// dir. Councils with no figure, or whose figure is withheld ("c"), always
// come last in their ranked order, whichever way the table runs: sorting
// by a withheld value would give away its place among the others (D1).
func buildCompareTable(cm *dashboard.Comparison, ind domain.Indicator, key, dir string) *compareTable {
	t := &compareTable{HasRate: ind.PerChildren(), RankedOf: cm.RankedOf}
	type keyed struct {
		row compareTableRow
		ok  bool
		num float64
		str string
	}
	rows := make([]keyed, 0, len(cm.Councils))
	for _, r := range cm.Councils {
		k := keyed{row: compareTableRow{Number: r.Number, Name: r.Name, Region: r.Region, Rank: rankText(r.Rank),
			Value: valueText(r.Value, ind), Rate: r.Rate.Text(1), Band: r.Band, Selected: r.Selected, Neighbour: r.Neighbour}}
		if k.row.Rate != "" && k.row.Rate != "c" {
			k.row.Rate = groupThousands(k.row.Rate)
		}
		switch key {
		case "rank":
			n, isInt := r.Rank.(int)
			k.ok, k.num = isInt, float64(n)
		case "council":
			k.ok, k.str = true, r.Name
		case "region":
			k.ok, k.str = true, r.Region
		case "value":
			k.ok, k.num = r.Value.OK && !r.Value.Suppressed, r.Value.Value
		case "rate":
			k.ok, k.num = r.Rate.OK && !r.Rate.Suppressed, r.Rate.Value
		case "band":
			k.ok, k.str = len(r.Band) == 1 && r.Band >= "A" && r.Band <= "D", r.Band
		}
		rows = append(rows, k)
	}
	slices.SortStableFunc(rows, func(a, b keyed) int {
		if a.ok != b.ok {
			if a.ok {
				return -1
			}
			return 1
		}
		if !a.ok {
			return 0
		}
		c := cmp.Compare(a.num, b.num)
		if key == "council" || key == "region" || key == "band" {
			c = strings.Compare(a.str, b.str)
		}
		if dir == "desc" {
			c = -c
		}
		return c
	})
	for _, k := range rows {
		t.Rows = append(t.Rows, k.row)
	}
	for i := range t.Rows {
		if t.Rows[i].Selected {
			t.Own = &t.Rows[i]
		}
	}
	labels := map[string]string{"rank": "Rank", "council": "Council", "region": "Region", "value": valueHeading(ind),
		"rate": "Per 10,000 children", "band": "Quartile band"}
	for _, col := range compareSorts {
		if col == "rate" && !t.HasRate {
			continue
		}
		sc := sortColumn{Label: labels[col], Key: col, Numeric: col == "rank" || col == "value" || col == "rate", AriaSort: "none"}
		next := "asc"
		if col == key {
			sc.AriaSort = map[string]string{"asc": "ascending", "desc": "descending"}[dir]
			if dir == "asc" {
				next = "desc"
			}
		}
		q := url.Values{"indicator": {ind.Code}, "month": {cm.Month}, "sort": {col}, "dir": {next}}
		if cm.Council != 0 {
			q.Set("council", strconv.Itoa(cm.Council))
		}
		sc.Href = "/compare?" + q.Encode() + "#compare-table"
		t.Columns = append(t.Columns, sc)
	}
	return t
}

// valueHeading names the table's value column for the indicator's unit.
func valueHeading(ind domain.Indicator) string {
	switch ind.Unit {
	case domain.UnitPercent:
		return "Percentage"
	case domain.UnitRatio:
		return "Cases per worker"
	}
	return "Number"
}

// rankText writes a rank: a number, "c" when withheld, or "" for none.
func rankText(r any) string {
	if r == nil {
		return ""
	}
	return fmt.Sprint(r)
}

// valueText writes a stored figure in its unit as people read it: counts
// as whole numbers with thousands separated ("1,510"), percentages to one
// decimal place with a per cent sign ("23.4%"), ratios to one decimal
// place; "c" when withheld and "" when there is none.
func valueText(f dashboard.Figure, ind domain.Indicator) string {
	switch ind.Unit {
	case domain.UnitPercent:
		if s := f.Text(1); s != "" && s != "c" {
			return s + "%"
		}
		return f.Text(1)
	case domain.UnitRatio:
		return f.Text(1)
	}
	return groupThousands(f.Text(0))
}

// shownText writes a shown figure: a rate per 10,000 children to one
// decimal place, or the figure in its own unit as valueText does.
func shownText(f dashboard.Figure, ind domain.Indicator) string {
	if ind.PerChildren() {
		return groupThousands(f.Text(1))
	}
	return valueText(f, ind)
}

// groupThousands puts commas between the thousands of a number written
// with strconv ("-12345.6" becomes "-12,345.6"); other text is left as it
// is.
func groupThousands(s string) string {
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return s
	}
	sign, digits, frac := "", s, ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	if i := strings.IndexByte(digits, '.'); i >= 0 {
		digits, frac = digits[:i], digits[i:]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(d)
	}
	return sign + b.String() + frac
}
