package returns

import (
	"slices"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// steadyCIN is twelve months of children in need around 1,100.
var steadyCIN = []float64{1090, 1110, 1100, 1095, 1105, 1098, 1102, 1100, 1100, 1097, 1103, 1100}

// One cell raises at most one query, naming every reason: children in
// need at 1,300 against last month's 1,000 (+30%) and far outside its own
// history is one message, Q01's, listing Q01 and Q03, whose key stays
// Q01's so that explanations given to it still match.
func TestQueriesOnOneCellMerge(t *testing.T) {
	ms := tpl(set("CSC_CIN", 1300), func(c *Context) {
		prev(map[string]float64{"CSC_CIN": 1000})(c)
		history(steadyCIN...)(c)
	})(t)
	if len(ms) != 1 {
		t.Fatalf("messages %v; want one", ms)
	}
	m := ms[0]
	cell := cellOf("CSC_CIN")
	if m.Rule != RuleChange || !slices.Equal(m.Rules, []string{RuleChange, RuleOutlier}) || m.Cell != cell || m.Key() != "Q01|Return|"+cell {
		t.Errorf("message %+v; want Q01 with rules Q01 and Q03 at %s", m, cell)
	}
	for _, want := range []string{"Return!" + cell + ": Children in need (CSC_CIN) is 1,300, up 30% from 1,000",
		"Also: Children in need (CSC_CIN) is 1,300, far outside this council's own figures", "[Q01, Q03]"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text %q lacks %q", m.Text, want)
		}
	}
	// Queries on different cells stay apart.
	ms = tpl(func(v map[string]any) { v["CSC_CIN"], v["CSC_CLA"] = 1300, 1400 }, func(c *Context) {
		prev(map[string]float64{"CSC_CIN": 1000})(c)
	})(t)
	if got := rulesOf(ms); !slices.Equal(got, []string{RuleChange + "@" + cell, RuleSubset + "@" + cellOf("CSC_CLA")}) {
		t.Errorf("rules %v; want Q01 on CIN and Q02 on CLA", got)
	}
}

// In a bulk file the queries on one council, indicator and month merge
// too, and every message names the council, indicator and month.
func TestQueriesMergeInBulkFile(t *testing.T) {
	rows := append(fullMonth(202, "2020-12", map[string]any{"CSC_CIN": 1000}), fullMonth(202, "2021-01", map[string]any{"CSC_CIN": 1300})...)
	ms := book(longBook(rows...), history(steadyCIN...))(t)
	var cin []domain.Message
	for _, m := range ms {
		if m.Indicator == "CSC_CIN" && m.Month == "2021-01" {
			cin = append(cin, m)
		}
	}
	if len(cin) != 1 || !slices.Equal(cin[0].AllRules(), []string{RuleChange, RuleOutlier}) || cin[0].Council != 202 {
		t.Errorf("January's CIN: %+v; want one message with Q01 and Q03 for council 202", cin)
	}
}

// The template's Note column explains the queries of its row: a Q01 on a
// figure with a note is explained by it, as is every rule merged into it;
// a query on a row without a note still waits. Bulk files' note columns
// count the same way.
func TestNoteExplainsQueries(t *testing.T) {
	vals := goodValues()
	vals["CSC_CIN"], vals["CSC_CLA"] = 1300, 1400
	rows := templateRows(202, "2021-01", TemplateVersion, vals)
	const note = "  A new duty team cleared a backlog of assessments.  "
	for _, r := range rows {
		if len(r) == 6 && r[0] == "CSC_CIN" {
			r[5] = note
		}
	}
	p := mustParse(t, writeBook(t, sheet{ReturnSheet, rows}))
	ms := validate(p, func(c *Context) {
		prev(map[string]float64{"CSC_CIN": 1000})(c)
		history(steadyCIN...)(c)
	})
	byInd := map[string]domain.Message{}
	for _, m := range ms {
		byInd[m.Indicator] = m
	}
	if m := byInd["CSC_CIN"]; len(m.AllRules()) != 2 || m.Explanation != strings.TrimSpace(note) {
		t.Errorf("CIN: %+v; want Q01 and Q03 explained by the note", m)
	}
	if m := byInd["CSC_CLA"]; m.Rule != RuleSubset || m.Explanation != "" {
		t.Errorf("CLA: %+v; want Q02 still waiting", m)
	}

	long := [][]any{{"la_number", "indicator", "month", "value", "note"}}
	for _, r := range fullMonth(202, "2021-01", map[string]any{"CSC_REFERRALS": 400}) {
		n := ""
		if r[1] == "CSC_REFERRALS" {
			n = "Schools referred after the autumn term's training."
		}
		long = append(long, append(r, n))
	}
	p = mustParse(t, writeBook(t, sheet{"Data", long}))
	ms = validate(p, prev(map[string]float64{"CSC_REFERRALS": 250}))
	if len(ms) != 1 || ms[0].Rule != RuleChange || ms[0].Explanation != "Schools referred after the autumn term's training." {
		t.Errorf("bulk: %+v; want Q01 explained by its note", ms)
	}
}

// A long note is cut to 2,000 bytes without splitting a character.
func TestNoteExplanationIsCapped(t *testing.T) {
	s := strings.Repeat("é", 1500) // 3,000 bytes
	got := noteExplanation(s)
	if len(got) > maxExplanation || !strings.HasPrefix(s, got) || len(got) < maxExplanation-1 {
		t.Errorf("cut to %d bytes", len(got))
	}
}

// Changes lists the figures of a resubmission that differ from those held
// for its council-months, new ones with no old value, up to a limit, and
// counts the rest; council-months with nothing held list nothing.
func TestChangesAgainstHeldFigures(t *testing.T) {
	held := map[string]float64{"CSC_CIN": 1000, "CSC_CLA": 300, "CSC_CPP": 150}
	vc := Context{Catalogue: testCatalogue(), Previous: func(council int, ind string, m domain.Month) (domain.Month, float64, bool) {
		v, ok := held[ind]
		if council != 202 || !ok {
			return domain.Month{}, 0, false
		}
		return jan2021, v, jan2021.Before(m) // held for January 2021 only
	}}
	p := mustParse(t, longBook(
		[]any{202, "CSC_CIN", "2021-01", 1000}, []any{202, "CSC_CLA", "2021-01", 310}, []any{202, "CSC_CPP", "2021-01", 140},
		[]any{202, "CSC_S47", "2021-01", 60}, []any{301, "CSC_CIN", "2021-01", 900}, []any{202, "CSC_CIN", "2020-12", 990})(t))
	c := Changes(p, vc, 10)
	if c.Replaced != 1 || c.More != 0 || len(c.List) != 3 {
		t.Fatalf("changes %+v; want three figures of one council-month", c)
	}
	if ch := c.List[0]; ch.Cell != "D3" || ch.Indicator != "CSC_CLA" || ch.Old == nil || *ch.Old != 300 || ch.New != 310 {
		t.Errorf("first change %+v", ch)
	}
	if ch := c.List[2]; ch.Indicator != "CSC_S47" || ch.Old != nil || ch.New != 60 {
		t.Errorf("new figure %+v; want no old value", ch)
	}
	if c := Changes(p, vc, 1); len(c.List) != 1 || c.More != 2 || c.Total() != 3 {
		t.Errorf("capped at 1: %+v", c)
	}
}

// The minimums spare small departures from a council's own history too: a
// count of 5 where there have always been none is not an outlier (Q03),
// 12 is.
func TestOutlierMinimum(t *testing.T) {
	zeros := make([]float64, 12)
	for _, tc := range []struct {
		value float64
		query bool
	}{{5, false}, {9, false}, {12, true}} {
		ms := tpl(func(v map[string]any) { v["CSC_CIN"], v["CSC_CPP"], v["CSC_CLA"] = tc.value, 0, 0 }, history(zeros...))(t)
		if got := hasRule(ms, RuleOutlier, cellOf("CSC_CIN")); got != tc.query {
			t.Errorf("%v against a history of zeros: Q03 %v; want %v (%v)", tc.value, got, tc.query, ms)
		}
	}
}
