package returns

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// cellOf is where the template fixture puts an indicator's value when
// every indicator has a row: column E, from row 9 in catalogue order.
func cellOf(code string) string {
	for i, ind := range reference.Catalogue() {
		if ind.Code == code {
			return fmt.Sprintf("E%d", 9+i)
		}
	}
	panic("no indicator " + code)
}

// check is one case of a rule test: it builds a real file, reads and
// validates it, and returns every message (Parse's and Validate's).
type check func(t *testing.T) []domain.Message

// tpl is a template return for Camden, January 2021, with edits to the
// values and the validation context.
func tpl(edit func(map[string]any), ctx func(*Context)) check {
	return tplMeta(202, "2021-01", TemplateVersion, edit, ctx)
}

// tplMeta is tpl with the metadata cells given.
func tplMeta(council, month any, version string, edit func(map[string]any), ctx func(*Context)) check {
	return func(t *testing.T) []domain.Message {
		vals := goodValues()
		if edit != nil {
			edit(vals)
		}
		p := mustParse(t, writeBook(t, sheet{ReturnSheet, templateRows(council, month, version, vals)}))
		return append(p.Messages, validate(p, ctx)...)
	}
}

// book validates a workbook or CSV file built by make.
func book(make func(t *testing.T) string, ctx func(*Context)) check {
	return func(t *testing.T) []domain.Message {
		p := mustParse(t, make(t))
		return append(p.Messages, validate(p, ctx)...)
	}
}

// longBook is a long sheet of (council, indicator, month, value) rows.
func longBook(rows ...[]any) func(t *testing.T) string {
	return func(t *testing.T) string {
		return writeBook(t, sheet{"Data", append([][]any{{"la_number", "indicator", "month", "value"}}, rows...)})
	}
}

// fullMonth is every indicator of goodValues for one council and month, as
// long rows, with overrides.
func fullMonth(council any, month string, over map[string]any) [][]any {
	var rows [][]any
	vals := goodValues()
	for _, ind := range reference.Catalogue() {
		v := vals[ind.Code]
		if o, ok := over[ind.Code]; ok {
			v = o
		}
		rows = append(rows, []any{council, ind.Code, month, v})
	}
	return rows
}

// prev is a context whose previous month holds the given values for every
// council.
func prev(values map[string]float64) func(*Context) {
	return func(c *Context) {
		c.Previous = func(_ int, ind string, m domain.Month) (domain.Month, float64, bool) {
			v, ok := values[ind]
			return m.Add(-1), v, ok
		}
	}
}

// history is a context whose history of CSC_CIN is hist.
func history(hist ...float64) func(*Context) {
	return func(c *Context) {
		c.History = func(_ int, ind string, _ domain.Month) []float64 {
			if ind == "CSC_CIN" {
				return hist
			}
			return nil
		}
	}
}

func set(code string, v any) func(map[string]any) {
	return func(m map[string]any) { m[code] = v }
}

// SECURITY V1: every rule has an ID, a severity and a title; the table
// test below has a passing, a failing and an ignored case for each, and
// each failing message names the sheet and cell, the rule ID and what to
// do.
func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	listed := Rules()
	if !slices.IsSortedFunc(listed, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) }) {
		t.Error("Rules is not in the documentation's order, by ID")
	}
	for _, r := range listed {
		if seen[r.ID] {
			t.Errorf("rule %s twice", r.ID)
		}
		seen[r.ID] = true
		// The severity is the table's; the IDs follow it: E for errors,
		// Q for queries.
		want := map[byte]string{'E': domain.SeverityError, 'Q': domain.SeverityQuery}[r.ID[0]]
		if r.Severity != want || !regexp.MustCompile(`^[EQ]\d\d$`).MatchString(r.ID) || severity(r.ID) != r.Severity {
			t.Errorf("rule %s: severity %s, want %s", r.ID, r.Severity, want)
		}
		if r.Title == "" {
			t.Errorf("rule %s has no title", r.ID)
		}
		// Every rule carries its check.
		if r.file == nil && r.figure == nil && r.end == nil && r.parse == nil {
			t.Errorf("rule %s has no check", r.ID)
		}
		if (r.figure != nil) != (r.stage != stageNone) {
			t.Errorf("rule %s: a figure check needs a stage, and a stage a check", r.ID)
		}
	}
	for _, id := range ruleCases() {
		delete(seen, id.rule)
	}
	if len(seen) > 0 {
		t.Errorf("rules without a test: %v", seen)
	}
}

// ruleCase is a rule's passing, failing and ignored case. failCell is the
// cell the failing message must name ("" for a message about a whole
// sheet or file).
type ruleCase struct {
	rule                string
	pass, fail, ignored check
	failCell            string
}

func ruleCases() []ruleCase {
	future := func(c *Context) { c.Now = time.Date(2021, time.February, 28, 23, 0, 0, 0, time.UTC) }
	scoped := func(n int) func(*Context) { return func(c *Context) { c.ScopeCouncil = n } }
	cached := func(t *testing.T) string {
		vals := goodValues()
		vals["CSC_CIN"] = formula("1000+100")
		path := writeBook(t, sheet{ReturnSheet, templateRows(202, "2021-01", TemplateVersion, vals)})
		return editPart(t, path, "xl/worksheets/sheet1.xml", func(s string) string {
			return regexp.MustCompile(`(<f>1000\+100</f>)(<v></v>|<v/>)?`).ReplaceAllString(s, "${1}<v>1100</v>")
		})
	}
	return []ruleCase{
		{rule: RuleMissing,
			pass:     tpl(nil, nil),
			fail:     tpl(set("CSC_CIN", nil), nil),
			ignored:  tpl(set("EHE_RETURNED", nil), nil), // not required
			failCell: cellOf("CSC_CIN")},
		{rule: RuleNotNumber,
			pass:     tpl(set("CSC_CIN", "1,100"), nil),
			fail:     tpl(set("CSC_CIN", "about 1100"), nil),
			ignored:  tpl(set("EHE_RETURNED", nil), nil), // blank is not "not a number"
			failCell: cellOf("CSC_CIN")},
		{rule: RuleNegative,
			pass:     tpl(set("EH_STEPDOWN", 0), nil),
			fail:     tpl(set("WF_CASELOAD", -1.5), nil),
			ignored:  tpl(set("WF_VACANCY", -1), nil), // a percentage: E05 instead
			failCell: cellOf("WF_CASELOAD")},
		{rule: RuleFractional,
			pass:     tpl(set("CSC_CLA", 300.0), nil),
			fail:     tpl(set("CSC_CLA", 300.5), nil),
			ignored:  tpl(set("WF_CASELOAD", 17.25), nil), // a ratio may have decimals
			failCell: cellOf("CSC_CLA")},
		{rule: RulePercent,
			pass:     tpl(func(m map[string]any) { m["WF_VACANCY"], m["WF_AGENCY"] = 0, 100 }, nil),
			fail:     tpl(set("SEND_ATTEND_ALL", 100.5), nil),
			ignored:  tpl(set("CSC_CIN", 1100), nil), // a count above 100 is fine
			failCell: cellOf("SEND_ATTEND_ALL")},
		{rule: RuleWrongCouncil,
			pass:     tpl(nil, scoped(202)),
			fail:     tpl(nil, scoped(301)),
			ignored:  tpl(nil, scoped(0)), // LGA, admin, command line
			failCell: "B4"},
		{rule: RuleFuture,
			pass:     tpl(nil, nil),
			fail:     tplMeta(202, "2021-02", TemplateVersion, nil, future), // February not over yet
			ignored:  tplMeta(202, "Febtember", TemplateVersion, nil, nil),  // unreadable: E11
			failCell: "B5"},
		{rule: RuleTooEarly,
			pass:     tplMeta(202, "2017-01", TemplateVersion, nil, nil),
			fail:     tplMeta(202, "2016-12", TemplateVersion, nil, nil),
			ignored:  tplMeta(202, "2016-13", TemplateVersion, nil, nil), // unreadable: E11
			failCell: "B5"},
		{rule: RuleUnknownIndicator,
			pass: tpl(nil, nil),
			fail: tpl(set("CSC_XXX", 5), nil),
			ignored: book(func(t *testing.T) string { // extra columns of a wide sheet are not indicators
				return writeBook(t, sheet{"Bulk", [][]any{{"la_number", "month", "CSC_CIN", "Region", "Total staff"}, {202, "2021-01", 1100, "London", 12}}})
			}, nil),
			failCell: "A33"}, // the Code cell, not the value cell
		{rule: RuleUnknownCouncil,
			pass:     tplMeta("E09000007", "2021-01", TemplateVersion, nil, nil), // Camden by ONS code
			fail:     tplMeta(999, "2021-01", TemplateVersion, nil, nil),
			ignored:  book(longBook(append(fullMonth(202, "2021-01", nil), []any{nil, nil, nil, nil})...), nil), // a blank line has no council to check
			failCell: "B4"},
		{rule: RuleOutsideLifetime,
			pass:     tplMeta(928, "2021-01", TemplateVersion, nil, nil),         // Northamptonshire's last months
			fail:     book(longBook(fullMonth(940, "2021-01", nil)...), nil),     // North Northamptonshire began in April 2021
			ignored:  book(longBook(fullMonth(999, "2021-01", nil)[:1]...), nil), // not a council at all: E10
			failCell: "A2"},
		{rule: RuleBadMonth,
			pass: tplMeta(202, "January 2021", TemplateVersion, nil, nil),
			fail: tplMeta(202, "2021-13", TemplateVersion, nil, nil),
			ignored: book(func(t *testing.T) string { // the month is the sheet's name
				return writeBook(t, sheet{"Jan 2021", [][]any{{"la_number", "CSC_CIN"}, {202, 1100}}})
			}, nil),
			failCell: "B5"},
		{rule: RuleDuplicate,
			pass:     book(longBook(fullMonth(202, "2021-01", nil)...), nil),
			fail:     book(longBook(append(fullMonth(202, "2021-01", nil), []any{202, "CSC_CIN", "Jan 2021", 1100})...), nil),
			ignored:  book(longBook(append(fullMonth(202, "2021-01", nil), []any{202, "CSC_CIN", "2020-12", 1100})...), nil), // another month
			failCell: "D26"},
		{rule: RuleTemplateVersion,
			pass:     tpl(nil, nil),
			fail:     tplMeta(202, "2021-01", "RES-MR-2025.1", nil, nil),
			ignored:  book(longBook(fullMonth(202, "2021-01", nil)...), nil), // bulk files have no version
			failCell: "B6"},
		{rule: RuleNoCachedValue,
			pass:     tpl(nil, nil),
			fail:     tpl(set("CSC_CIN", formula("1000+100")), nil),
			ignored:  book(cached, nil), // a cached value: Q04 instead
			failCell: cellOf("CSC_CIN")},
		{rule: RuleUnrecognised,
			pass: tpl(nil, nil),
			fail: book(func(t *testing.T) string { return writeBook(t, sheet{"Sheet1", [][]any{{"Name", "Score"}}}) }, nil),
			ignored: book(func(t *testing.T) string { // one unreadable sheet beside a good one
				return writeBook(t, sheet{"Notes", [][]any{{"Name", "Score"}}}, sheet{"Data", [][]any{{"la_number", "month", "CSC_CIN"}, {202, "2021-01", 1100}}})
			}, nil)},
		{rule: RuleChange,
			pass:     tpl(nil, prev(map[string]float64{"CSC_REFERRALS": 240})),
			fail:     tpl(nil, prev(map[string]float64{"CSC_REFERRALS": 100})),
			ignored:  tpl(nil, prev(map[string]float64{})), // no previous month
			failCell: cellOf("CSC_REFERRALS")},
		{rule: RuleSubset,
			pass: tpl(nil, nil),
			fail: tpl(set("CSC_CLA", 1250), nil),
			ignored: book(longBook( // CLA and CIN of different councils are not compared
				[]any{202, "CSC_CLA", "2021-01", 1250}, []any{301, "CSC_CIN", "2021-01", 1100}), nil),
			failCell: cellOf("CSC_CLA")},
		{rule: RuleOutlier,
			pass:     tpl(nil, history(1090, 1110, 1100, 1095, 1105, 1098, 1102, 1100, 1100, 1097, 1103, 1100)),
			fail:     tpl(set("CSC_CIN", 1300), history(1090, 1110, 1100, 1095, 1105, 1098, 1102, 1100, 1100, 1097, 1103, 1100)),
			ignored:  tpl(set("CSC_CIN", 1300), history(1090, 1110, 1100, 1095, 1105, 1098, 1102, 1100, 1100, 1097, 1103)), // 11 points
			failCell: cellOf("CSC_CIN")},
		{rule: RuleFormula,
			pass:     tpl(nil, nil),
			fail:     book(cached, nil),
			ignored:  tpl(set("CSC_CIN", formula("1000+100")), nil), // no cached value: E14 instead
			failCell: cellOf("CSC_CIN")},
		{rule: RuleSkippedAreas,
			pass: book(func(t *testing.T) string {
				return writeFile(t, "ees.csv", []byte("time_period,geographic_level,old_la_code,new_la_code,At31_episodes\n2025,Local authority,202,E09000007,1808\n"))
			}, nil),
			fail: book(func(t *testing.T) string {
				return writeFile(t, "ees.csv", []byte("time_period,geographic_level,old_la_code,new_la_code,la_name,At31_episodes\n2025,Local authority,202,E09000007,Camden,1808\n2025,Local authority,999,E10000099,Nowhere,12\n"))
			}, nil),
			ignored: tpl(nil, nil)}, // monthly returns do not skip areas
		{rule: RuleReconcile, // reconcile_rule_test.go
			pass:     tplMeta(202, "2020-03", TemplateVersion, nil, officialYear(3000, 250)),
			fail:     tplMeta(202, "2020-03", TemplateVersion, nil, officialYear(2700, 250)),
			ignored:  tplMeta(202, "2020-03", TemplateVersion, nil, officialYear(2700, 250, domain.Month{Year: 2019, Month: time.June})), // a month not held
			failCell: cellOf("CSC_REFERRALS")},
	}
}

// SECURITY V1: one table test per rule, each with a passing, a failing
// and an ignored case.
func TestRules(t *testing.T) {
	for _, rc := range ruleCases() {
		t.Run(rc.rule, func(t *testing.T) {
			t.Run("pass", func(t *testing.T) {
				if ms := rc.pass(t); hasRule(ms, rc.rule, "") {
					t.Errorf("raised %s: %v", rc.rule, ms)
				}
			})
			t.Run("fail", func(t *testing.T) {
				ms := rc.fail(t)
				var m *domain.Message
				for i := range ms {
					if ms[i].Rule == rc.rule {
						m = &ms[i]
						break
					}
				}
				if m == nil {
					t.Fatalf("did not raise %s: %v", rc.rule, rulesOf(ms))
				}
				if m.Cell != rc.failCell {
					t.Errorf("%s at %q; want %q: %s", rc.rule, m.Cell, rc.failCell, m.Text)
				}
				if m.Severity != severity(rc.rule) || !strings.HasSuffix(m.Text, "["+rc.rule+"]") {
					t.Errorf("severity %s, text %q", m.Severity, m.Text)
				}
				if m.Cell != "" && !strings.HasPrefix(m.Text, locate(m.Sheet, m.Cell, true)) {
					t.Errorf("text does not start with the sheet and cell: %q", m.Text)
				}
				t.Log(m.Text)
			})
			t.Run("ignored", func(t *testing.T) {
				if ms := rc.ignored(t); hasRule(ms, rc.rule, "") {
					t.Errorf("raised %s: %v", rc.rule, ms)
				}
			})
		})
	}
}

// SECURITY V1: The messages read as the product's guidance shows them.
func TestRuleMessages(t *testing.T) {
	ms := tpl(set("CSC_CLA", 1250), nil)(t)
	want := "Return!E19: Children looked after (CSC_CLA) is 1,250, more than children in need (CSC_CIN, 1,100 in E17), which includes it. Check both figures or explain why. [Q02]"
	if len(ms) != 1 || ms[0].Text != want || ms[0].Council != 202 || ms[0].Month != "2021-01" || ms[0].Indicator != "CSC_CLA" {
		t.Errorf("got %+v\nwant %s", ms, want)
	}
	// Errors come before queries.
	ms = tpl(func(m map[string]any) { m["CSC_CLA"], m["CSC_CIN"] = 1250, nil }, nil)(t)
	if !slices.IsSortedFunc(ms, func(a, b domain.Message) int { return severityRank(a.Severity) - severityRank(b.Severity) }) {
		t.Errorf("order %v", rulesOf(ms))
	}
}

// SECURITY V2: a change beyond the tolerance from the last accepted month
// raises a query; exactly the tolerance does not. Boundaries at −1, =, +1
// around 25% (100 → 124, 125, 126 and 76, 75, 74) and a configured 10%
// (200 → 219, 220, 221), with the allowance for chance variation turned
// off so that the tolerance alone decides; and the minimum change of a
// count, 10 (0 → 9 and 2 → 6 are not queried, 0 → 10 is).
func TestChangeToleranceBoundaries(t *testing.T) {
	for _, tc := range []struct {
		prev, value, tolerance float64
		query                  bool
	}{
		{100, 124, 0, false}, {100, 125, 0, false}, {100, 126, 0, true},
		{100, 76, 0, false}, {100, 75, 0, false}, {100, 74, 0, true},
		{200, 219, 0.1, false}, {200, 220, 0.1, false}, {200, 221, 0.1, true},
		{0, 10, 0, true}, {0, 9, 0, false}, // from nothing: only the absolute floor applies
		{2, 6, 0, false}, // small numbers: 200% but a change of 4 < 10
	} {
		t.Run(fmt.Sprintf("%v→%v@%v", tc.prev, tc.value, tc.tolerance), func(t *testing.T) {
			ms := tpl(set("CSC_REFERRALS", tc.value), func(c *Context) {
				prev(map[string]float64{"CSC_REFERRALS": tc.prev})(c)
				c.Tolerance = tc.tolerance
				c.NoiseSDs = -1
			})(t)
			if got := hasRule(ms, RuleChange, cellOf("CSC_REFERRALS")); got != tc.query {
				t.Errorf("query %v; want %v: %v", got, tc.query, ms)
			}
		})
	}
}

// SECURITY V2: queries that earn their keep. With the default settings a
// count's change of less than 10, or within chance variation (3 × √count),
// is not queried (step-downs 16 → 6, returns to school 16 → 8), while
// 100 → 140 and 400 → 520 are; a percentage's change of less than 2
// points is not (absence 1.0% → 1.5%, 3.1% → 4%), while 10% → 15% is, and
// exactly 2 points beyond the tolerance is; ratios are judged by the
// tolerance alone. Each minimum is configurable and can be turned off.
func TestChangeMinimums(t *testing.T) {
	for _, tc := range []struct {
		code        string
		prev, value float64
		edit        func(*Context)
		query       bool
	}{
		{"EH_STEPDOWN", 16, 6, nil, false}, {"EHE_RETURNED", 16, 8, nil, false},
		{"CSC_REFERRALS", 100, 140, nil, true}, {"CSC_REFERRALS", 400, 520, nil, true},
		{"CSC_REFERRALS", 100, 126, nil, false},                                // +26%, but a change of 26 ≤ 3√126 = 33.7
		{"EHE_NEW_HEALTH", 8, 17, func(c *Context) { c.NoiseSDs = -1 }, false}, // a change of 9 < 10
		{"EHE_NEW_HEALTH", 8, 18, func(c *Context) { c.NoiseSDs = -1 }, true},  // a change of 10
		{"EHE_RETURNED", 16, 8, func(c *Context) { c.MinAbsChange, c.NoiseSDs = 5, -1 }, true},
		{"WF_ABSENCE", 1.0, 1.5, nil, false}, {"WF_ABSENCE", 3.1, 4, nil, false},
		{"WF_VACANCY", 10, 15, nil, true}, {"WF_ABSENCE", 3, 5, nil, true}, {"WF_ABSENCE", 3, 4.9, nil, false},
		{"WF_ABSENCE", 1.0, 1.5, func(c *Context) { c.MinChangePoints = -1 }, true},
		{"WF_ABSENCE", 10, 14, func(c *Context) { c.MinChangePoints = 5 }, false},
		{"WF_CASELOAD", 17.5, 22, nil, true}, {"WF_CASELOAD", 17.5, 21.8, nil, false},
	} {
		t.Run(fmt.Sprintf("%s %v→%v", tc.code, tc.prev, tc.value), func(t *testing.T) {
			ms := tpl(set(tc.code, tc.value), func(c *Context) {
				prev(map[string]float64{tc.code: tc.prev})(c)
				if tc.edit != nil {
					tc.edit(c)
				}
			})(t)
			if got := hasRule(ms, RuleChange, cellOf(tc.code)); got != tc.query {
				t.Errorf("query %v; want %v: %v", got, tc.query, ms)
			}
		})
	}
}

// SECURITY V2: the change is measured from the last accepted month, not
// only the month before: a return held for October 2020 (none since) is
// what January 2021 is compared with, and the message names it.
func TestChangeFromLastAcceptedMonth(t *testing.T) {
	oct := domain.Month{Year: 2020, Month: time.October}
	held := func(c *Context) {
		c.NoiseSDs = -1 // 40 → 60 is within chance variation
		c.Previous = func(_ int, ind string, _ domain.Month) (domain.Month, float64, bool) {
			if ind == "CSC_S47" {
				return oct, 40, true
			}
			return domain.Month{}, 0, false
		}
	}
	ms := tpl(nil, held)(t)
	if !hasRule(ms, RuleChange, cellOf("CSC_S47")) || !strings.Contains(ms[0].Text, "up 50% from 40 (Oct 2020, the last accepted return)") {
		t.Errorf("messages %v; want Q01 from October 2020's 40", ms)
	}
	// Within tolerance of the last accepted month: no query.
	if ms := tpl(set("CSC_S47", 50), held)(t); hasRule(ms, RuleChange, "") {
		t.Errorf("50 against 40 (+25%%) raised %v", ms)
	}
	// A held month after the file's own earlier month wins.
	rows := append(fullMonth(202, "2020-09", map[string]any{"CSC_S47": 1000}), fullMonth(202, "2021-01", nil)...)
	ms = book(longBook(rows...), held)(t)
	if len(ms) != 1 || !strings.Contains(ms[0].Text, "(Oct 2020, the last accepted return)") {
		t.Errorf("messages %v; want one Q01 from October 2020 held, not September in the file", ms)
	}
}

// SECURITY V2: in a bulk load with a gap, a month is compared with the
// file's latest earlier month holding the figure (November for January
// when December is missing).
func TestChangeAcrossAGapInBulkFile(t *testing.T) {
	rows := append(fullMonth(202, "2020-11", nil), fullMonth(202, "2021-01", map[string]any{"CSC_S47": 100})...)
	ms := book(longBook(rows...), nil)(t)
	if len(ms) != 1 || ms[0].Rule != RuleChange || !strings.Contains(ms[0].Text, "up 67% from 60 (Nov 2020 in D9)") {
		t.Errorf("messages %v", ms)
	}
}

// SECURITY V2: with NoiseSDs at 3 (the default), a count's change within
// chance variation, 3 × √count, is not queried however large its
// percentage; a larger one is. Percentages are unaffected.
func TestChangeAllowsChanceVariationInCounts(t *testing.T) {
	for _, tc := range []struct {
		code        string
		prev, value float64
		query       bool
	}{
		{"CSC_REFERRALS", 13, 21, false},    // +62%, change 8 ≤ 3√21 = 13.7
		{"CSC_REFERRALS", 7, 34, true},      // change 27 > 3√34 = 17.5
		{"CSC_REFERRALS", 1800, 2300, true}, // change 500 > 3√2300 = 143.9
		{"CSC_REFERRALS", 100, 130, false},  // +30% but change 30 ≤ 3√130 = 34.2
		{"SEND_EHCP_20WK", 40, 60, true},    // a percentage: the tolerance alone
	} {
		t.Run(fmt.Sprintf("%s %v→%v", tc.code, tc.prev, tc.value), func(t *testing.T) {
			ms := tpl(set(tc.code, tc.value), func(c *Context) {
				prev(map[string]float64{tc.code: tc.prev})(c)
				c.NoiseSDs = 3
			})(t)
			if got := hasRule(ms, RuleChange, cellOf(tc.code)); got != tc.query {
				t.Errorf("query %v; want %v: %v", got, tc.query, ms)
			}
		})
	}
}

// SECURITY V2: in a bulk load of several months, the change is measured
// from the previous month in the same file.
func TestChangeWithinBulkFile(t *testing.T) {
	rows := append(fullMonth(202, "2020-12", nil), fullMonth(202, "2021-01", map[string]any{"CSC_S47": 100})...)
	ms := book(longBook(rows...), nil)(t)
	if len(ms) != 1 || ms[0].Rule != RuleChange || ms[0].Cell != "D33" || !strings.Contains(ms[0].Text, "up 67% from 60 (Dec 2020 in D9)") {
		t.Errorf("messages %v", ms)
	}
}

// SECURITY V1: A bulk file with the same mistake on many rows gives one
// message with a count, and a rule's messages are capped with a closing
// count.
func TestMessagesFoldAndCap(t *testing.T) {
	var rows [][]any
	for i := range 50 {
		rows = append(rows, []any{999, "CSC_CIN", jan2021.Add(-i).String(), 1})
	}
	for i := range maxPerRule + 30 {
		rows = append(rows, []any{202, "CSC_CIN", jan2021.Add(-i).String(), 1.5})
	}
	ms := book(longBook(rows...), nil)(t)
	count := map[string]int{}
	for _, m := range ms {
		count[m.Rule]++
	}
	if count[RuleUnknownCouncil] != 1 || !strings.Contains(ms[0].Text, "The same applies to 49 more cells") {
		t.Errorf("unknown council: %d messages, first %q", count[RuleUnknownCouncil], ms[0].Text)
	}
	// 230 fractional counts, 181 of them in months from 2017: capped at
	// maxPerRule plus one closing message.
	if count[RuleFractional] > maxPerRule+1 {
		t.Errorf("%d E04 messages; want at most %d", count[RuleFractional], maxPerRule+1)
	}
	last := ms[len(ms)-1]
	for _, m := range ms {
		if m.Rule == RuleFractional && m.Cell == "" {
			last = m
		}
	}
	if !strings.Contains(last.Text, "more cells break this rule") {
		t.Errorf("no closing count: %q", last.Text)
	}
}

// SECURITY V5, V1 (E06): The scope rule covers official statistics too:
// only an unscoped user (LGA) may load them.
func TestScopedUserCannotLoadOfficial(t *testing.T) {
	ms := book(func(*testing.T) string { return "testdata/ees_children_in_need_excerpt.csv" }, func(c *Context) { c.ScopeCouncil = 202 })(t)
	if !hasRule(ms, RuleWrongCouncil, "") {
		t.Errorf("messages %v", rulesOf(ms))
	}
}

// SECURITY V1 (E01): E01 in a bulk file: a council and month present
// without a required indicator is reported once per indicator, naming the
// council and month.
// A bulk file may carry any subset of indicators, councils and months:
// one indicator for two councils is no error, and a blank cell is simply
// not carried.
func TestBulkMayCarryAnySubset(t *testing.T) {
	ms := book(longBook([]any{202, "CSC_CLA", "2021-01", 300}, []any{928, "CSC_CLA", "2020-03", 820},
		[]any{301, "CSC_CLA", "2021-01", nil}), nil)(t)
	if len(ms) != 0 {
		t.Errorf("messages %v; want none", rulesOf(ms))
	}
}

// SECURITY V1, E16: a figure outside a council's lifetime names the
// council, the month, its dates and its successors or predecessor.
func TestFigureOutsideLifetimeNamesDatesAndSuccessors(t *testing.T) {
	withLater := func(c *Context) { c.Now = time.Date(2021, time.June, 10, 0, 0, 0, 0, time.UTC) }
	ms := book(longBook([]any{928, "CSC_CLA", "2021-04", 820}, []any{"E10000021", "CSC_CIN", "2021-04", 2000},
		[]any{941, "CSC_CLA", "2021-03", 400}, []any{928, "CSC_CLA", "2021-03", 810}), withLater)(t)
	if got := rulesOf(ms); !slices.Equal(got, []string{"E16@A2", "E16@A4"}) {
		t.Fatalf("messages %v; want E16 at A2 (folding A3) and A4", got)
	}
	for _, want := range []string{"Northamptonshire (928) did not exist in April 2021", "Jan 2009 to Mar 2021",
		"succeeded by North Northamptonshire (940) and West Northamptonshire (941)"} {
		if !strings.Contains(ms[0].Text, want) {
			t.Errorf("message %q does not say %q", ms[0].Text, want)
		}
	}
	for _, want := range []string{"West Northamptonshire (941) did not exist in March 2021", "from Apr 2021", "succeeding Northamptonshire (928)"} {
		if !strings.Contains(ms[1].Text, want) {
			t.Errorf("message %q does not say %q", ms[1].Text, want)
		}
	}
	if ms[0].Council != 928 || ms[0].Month != "2021-04" {
		t.Errorf("first message for %d %s; want 928 2021-04", ms[0].Council, ms[0].Month)
	}
}

// The table drives validation: a row added with its check is run at its
// stage, and its messages take the row's severity.
func TestRuleTableDrivesValidation(t *testing.T) {
	saved := rules
	t.Cleanup(func() { rules = saved; indexRules() })
	rules = append(slices.Clone(saved), Rule{ID: "Q99", Severity: domain.SeverityQuery, Title: "A round thousand",
		stage: stageValue, figure: func(v *validator, s *subject) bool {
			if s.r.HasValue && s.r.Value != 0 && math.Mod(s.r.Value, 1000) == 0 && v.out.admit("Q99", "") {
				v.out.put("Q99", s.r.Sheet, s.r.Cell(), s.r, "", name(s.ind)+" is a round thousand.")
			}
			return true
		}})
	indexRules()
	ms := tpl(set("CSC_CIN", 2000), nil)(t)
	if !hasRule(ms, "Q99", cellOf("CSC_CIN")) {
		t.Fatalf("the added rule did not run: %v", rulesOf(ms))
	}
	for _, m := range ms {
		if m.Rule == "Q99" && (m.Severity != domain.SeverityQuery || !strings.HasSuffix(m.Text, "[Q99]")) {
			t.Errorf("Q99 message %+v", m)
		}
	}
	if got := Rules(); got[len(got)-1].ID != "Q99" {
		t.Errorf("Rules does not list the added rule last: %s", got[len(got)-1].ID)
	}
}
