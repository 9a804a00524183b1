package returns

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// officialYear is a context in which DfE published official referrals
// for every council in the year to 31 March 2020, and every month of that
// year but those in gaps holds held referrals already.
func officialYear(official, held float64, gaps ...domain.Month) func(*Context) {
	return func(c *Context) {
		c.Official = func(_ int, ind string) []domain.OfficialValue {
			if ind != "CSC_REFERRALS" {
				return nil
			}
			v := official
			return []domain.OfficialValue{{Measure: "referrals", Indicator: ind, Level: "council", Area: "202", Year: 2020, PeriodEnd: "2020-03-31", Value: &v}}
		}
		c.Held = func(_ int, ind string, m domain.Month) (float64, bool) {
			if ind != "CSC_REFERRALS" || m.Before(domain.Month{Year: 2019, Month: time.April}) || (domain.Month{Year: 2020, Month: time.March}).Before(m) {
				return 0, false
			}
			for _, g := range gaps {
				if g == m {
					return 0, false
				}
			}
			return held, true
		}
		c.CouncilName = func(n int) string {
			if n == 202 {
				return "Camden"
			}
			return ""
		}
	}
}

func q06(ms []domain.Message) []domain.Message {
	var out []domain.Message
	for _, m := range ms {
		if slices.Contains(m.AllRules(), RuleReconcile) {
			out = append(out, m)
		}
	}
	return out
}

// Q06 names the council, the indicator, the year, the monthly total, DfE's
// figure and the difference.
func TestReconcileRuleMessage(t *testing.T) {
	ms := q06(tplMeta(202, "2020-03", TemplateVersion, nil, officialYear(2700, 250))(t))
	if len(ms) != 1 {
		t.Fatalf("Q06 messages: %v", ms)
	}
	m := ms[0]
	for _, want := range []string{"Referrals to children's social care (CSC_REFERRALS)", "Camden (202)", "31 March 2020",
		"Apr 2019 to Mar 2020 add up to 3,000", "DfE published 2,700", "+300 (+11.1%)", "beyond the 5% tolerance", "[Q06]"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("message lacks %q: %s", want, m.Text)
		}
	}
	if m.Council != 202 || m.Indicator != "CSC_REFERRALS" || m.Month != "2020-03" || m.Severity != domain.SeverityQuery {
		t.Errorf("message fields: %+v", m)
	}
}

func TestReconcileRuleCases(t *testing.T) {
	// A long sheet carrying a whole financial year itself, nothing held.
	year := func(v float64, last float64) [][]any {
		var rows [][]any
		for m := (domain.Month{Year: 2019, Month: time.April}); !(domain.Month{Year: 2020, Month: time.March}).Before(m); m = m.Add(1) {
			x := v
			if m.Month == time.March {
				x = last
			}
			rows = append(rows, []any{202, "CSC_REFERRALS", m.String(), x})
		}
		return rows
	}
	official := func(off float64) func(*Context) {
		return func(c *Context) {
			officialYear(off, 0)(c)
			c.Held = nil
		}
	}
	cin := func(off float64) func(*Context) {
		return func(c *Context) {
			c.Official = func(_ int, ind string) []domain.OfficialValue {
				if ind != "CSC_CIN" {
					return nil
				}
				return []domain.OfficialValue{{Indicator: ind, Year: 2020, PeriodEnd: "2020-03-31", Value: &off}}
			}
		}
	}
	cases := []struct {
		name  string
		check check
		want  int
		cell  string
	}{
		{"WholeYearInFileWithin", book(longBook(year(250, 250)...), official(3000)), 0, ""},
		{"WholeYearInFileOff", book(longBook(year(250, 250)...), official(3400)), 1, "D13"},
		// 3,150 against 3,000 is exactly 5%: not beyond the tolerance.
		{"ExactlyTheTolerance", book(longBook(year(250, 400)...), official(3000)), 0, ""},
		{"JustOverTheTolerance", book(longBook(year(250, 401)...), official(3000)), 1, "D13"},
		{"ConfiguredTolerance", book(longBook(year(250, 401)...), func(c *Context) { official(3000)(c); c.ReconcileTolerance = 0.1 }), 0, ""},
		{"TurnedOff", book(longBook(year(250, 401)...), func(c *Context) { official(3000)(c); c.ReconcileTolerance = -1 }), 0, ""},
		{"SuppressedOfficial", book(longBook(year(250, 250)...), func(c *Context) {
			official(1)(c)
			c.Official = func(int, string) []domain.OfficialValue {
				return []domain.OfficialValue{{Indicator: "CSC_REFERRALS", Year: 2020, PeriodEnd: "2020-03-31", Marker: "c"}}
			}
		}), 0, ""},
		{"OtherYear", book(longBook([]any{202, "CSC_REFERRALS", "2020-04", 999}), officialYear(2700, 250)), 0, ""},
		{"StockPeriodEndCarried", book(longBook([]any{202, "CSC_CIN", "2020-03", 1100}), cin(1000)), 1, "D2"},
		{"StockPeriodEndWithin", book(longBook([]any{202, "CSC_CIN", "2020-03", 1100}), cin(1080)), 0, ""},
		{"StockOtherMonth", book(longBook([]any{202, "CSC_CIN", "2020-02", 1100}), cin(1000)), 0, ""},
		{"NoOfficialFigures", book(longBook(year(250, 250)...), nil), 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			all := tc.check(t)
			ms := q06(all)
			if len(ms) != tc.want {
				t.Fatalf("got %d Q06: %v", len(ms), ms)
			}
			if tc.want > 0 && ms[0].Cell != tc.cell {
				t.Errorf("Q06 at %s; want %s: %s", ms[0].Cell, tc.cell, ms[0].Text)
			}
		})
	}
}
