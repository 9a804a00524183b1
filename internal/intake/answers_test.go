package intake

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/xuri/excelize/v2"
)

// A resubmission's report lists the figures that differ from the version
// it replaces: upload A, then B with one figure changed, and exactly that
// figure is listed, with its cell, old and new values; it is kept with
// the submission. A first return for a month replaces nothing and lists
// nothing; an identical file changes nothing.
func TestResubmissionListsWhatChanged(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	a := mustStore(t, svc, templateFile(t, svc, 202, jan2021, typical(nil)))
	if a.Changes != nil {
		t.Errorf("a first return: changes %+v; want none", a.Changes)
	}
	b := mustStore(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_CLA": 310})))
	c := b.Changes
	if c == nil || c.Replaced != 1 || len(c.List) != 1 || c.More != 0 {
		t.Fatalf("B: changes %+v; want exactly one figure", c)
	}
	ch := c.List[0]
	if ch.Indicator != "CSC_CLA" || ch.Council != 202 || ch.Month != "2021-01" || ch.Old == nil || *ch.Old != 300 || ch.New != 310 ||
		ch.Sheet != returns.ReturnSheet || !strings.HasPrefix(ch.Cell, "E") {
		t.Errorf("change %+v; want CSC_CLA 300 → 310 at Return!E…", ch)
	}
	kept, err := svc.DB.Changes(ctx, b.Submission.ID)
	if err != nil || len(kept.List) != 1 || kept.List[0].Cell != ch.Cell || *kept.List[0].Old != 300 {
		t.Errorf("kept with the submission: %+v, %v", kept, err)
	}
	// The same file again: identical, no changes.
	if res := submit(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_CLA": 310})), nil); res.Changes != nil && res.Changes.Total() != 0 {
		t.Errorf("the same figures again: %+v", res.Changes)
	}
	// A rejected resubmission lists nothing.
	if res := submit(t, svc, templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_CLA": -1})), nil); res.Status != domain.StatusRejected || res.Changes != nil {
		t.Errorf("rejected: %s with changes %+v", res.Status, res.Changes)
	}
}

// A bulk resubmission lists each changed figure with its council,
// indicator, month and cell, and a figure the held return did not have as
// new (Old nil); a council-month it adds lists nothing.
func TestBulkResubmissionListsWhatChanged(t *testing.T) {
	svc := newService(t)
	first := typical(nil)
	delete(first, "EHE_RETURNED") // optional
	mustStore(t, svc, longFile(t, []int{202, 301}, []domain.Month{jan2021}, first))

	rows := [][]any{{"la_number", "indicator", "month", "value"}}
	cells := map[string]string{}
	add := func(council int, m domain.Month, values map[string]float64) {
		codes := make([]string, 0, len(values))
		for code := range values {
			codes = append(codes, code)
		}
		slices.Sort(codes)
		for _, code := range codes {
			rows = append(rows, []any{council, code, m.String(), values[code]})
			cells[fmt.Sprintf("%d %s %s", council, code, m)] = fmt.Sprintf("D%d", len(rows))
		}
	}
	add(202, jan2021, first)
	add(301, jan2021, typical(map[string]float64{"CSC_REFERRALS": 104, "EHE_RETURNED": 10}))
	add(301, dec2020, typical(nil))
	path := filepath.Join(t.TempDir(), "again.xlsx")
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	res := submit(t, svc, path, nil)
	if res.Status != domain.StatusStored {
		t.Fatalf("%s: %v", res.Status, res.Messages)
	}
	c := res.Changes
	if c == nil || c.Replaced != 2 {
		t.Fatalf("changes %+v; want two council-months replaced", c)
	}
	got := []string{}
	for _, ch := range c.List {
		old := "new"
		if ch.Old != nil {
			old = formatFloat(*ch.Old)
		}
		got = append(got, fmt.Sprintf("%s %d %s %s %s→%s", ch.Cell, ch.Council, ch.Indicator, ch.Month, old, formatFloat(ch.New)))
	}
	want := []string{cells["301 CSC_REFERRALS 2021-01"] + " 301 CSC_REFERRALS 2021-01 100→104", cells["301 EHE_RETURNED 2021-01"] + " 301 EHE_RETURNED 2021-01 new→10"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("changes %v; want %v", got, want)
	}
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// withNote writes a note beside an indicator's figure in a template
// workbook, in the Note column, as a data lead would.
func withNote(t *testing.T, path, code, note string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(returns.ReturnSheet)
	if err != nil {
		t.Fatal(err)
	}
	codeCol, noteCol := -1, -1
	for i, row := range rows {
		for j, v := range row {
			switch v {
			case returns.HeaderCode:
				codeCol = j
			case returns.HeaderNote:
				noteCol = j
			}
		}
		if codeCol >= 0 && noteCol >= 0 && codeCol < len(row) && row[codeCol] == code {
			cell, _ := excelize.CoordinatesToCellName(noteCol+1, i+1)
			if err := f.SetCellValue(returns.ReturnSheet, cell, note); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), filepath.Base(path))
			if err := f.SaveAs(out); err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	t.Fatalf("no row for %s", code)
	return ""
}

// The template's Note column counts as the explanation of its row's
// queries: a return whose only query sits beside a note is stored at
// once, the note kept as the query's explanation; without the note it
// waits.
func TestNoteExplainsQueryThroughTemplate(t *testing.T) {
	svc := newService(t)
	mustStore(t, svc, templateFile(t, svc, 202, dec2020, typical(nil)))
	plain := templateFile(t, svc, 202, jan2021, typical(map[string]float64{"CSC_REFERRALS": 140}))
	if res := submit(t, svc, plain, nil); res.Status != domain.StatusAwaiting {
		t.Fatalf("without a note: %s %v; want it waiting", res.Status, res.Messages)
	}
	const note = "Two schools referred after safeguarding training."
	res := submit(t, svc, withNote(t, plain, "CSC_REFERRALS", note), nil)
	if res.Status != domain.StatusStored {
		t.Fatalf("with a note: %s %v; want it stored", res.Status, res.Messages)
	}
	m, ok := changeQuery(res, "CSC_REFERRALS")
	if !ok || m.Explanation != note {
		t.Errorf("query %+v; want it explained by the note", m)
	}
	sub, _, err := svc.DB.Submission(context.Background(), res.Submission.ID)
	if err != nil || !strings.Contains(sub.MessagesJSON, note) {
		t.Errorf("the explanation is not kept with the upload: %v", err)
	}
}

// Queries are explained a rule at a time: one explanation for every query
// of a rule that has none, kept while others still wait (one audit line),
// single queries by key over them, and the return stored once every query
// has one. Explanations given to a merged message by any of its rules'
// keys count. Bad answers are refused, naming what is wrong.
func TestAnswersByRule(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	months := []domain.Month{dec2020, jan2021}
	mustStore(t, svc, longFile(t, []int{202, 301, 370}, []domain.Month{oct2020}, typical(nil)))
	// December and January: CLA above CIN (Q02) everywhere, and referrals
	// up from October's 100 (Q01) in December.
	res := submit(t, svc, longFile(t, []int{202, 301, 370}, months, typical(map[string]float64{"CSC_CLA": 1900, "CSC_REFERRALS": 300})), nil)
	if res.Status != domain.StatusAwaiting {
		t.Fatalf("%s: %v", res.Status, res.Messages)
	}
	count := map[string]int{}
	for _, m := range res.Messages {
		count[m.Rule]++
	}
	if count[returns.RuleSubset] != 6 || count[returns.RuleChange] != 3 {
		t.Fatalf("queries by rule %v; want 6 Q02 and 3 Q01", count)
	}
	id := res.Submission.ID
	for _, bad := range []struct {
		a    Answers
		want string
	}{
		{Answers{Rule: "Q02"}, "Write the explanation"},
		{Answers{ForRule: "Checked."}, "which rule"},
		{Answers{Rule: "Q03", ForRule: "Checked."}, "no query of rule Q03"},
	} {
		if _, err := svc.Answer(ctx, id, bad.a, "lga@intake.test", 0, ""); domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), bad.want) {
			t.Errorf("%+v: %v; want %q", bad.a, err, bad.want)
		}
	}
	_, before := returnAudit(t, svc)
	res, err := svc.Answer(ctx, id, Answers{Rule: "q02", ForRule: "Unaccompanied children placed by the Home Office."}, "lga@intake.test", 0, "")
	if err != nil || res.Status != domain.StatusAwaiting || unexplained(res.Messages) != 3 {
		t.Fatalf("Q02 explained: %v, %v; want 3 still waiting", res, err)
	}
	by, after := returnAudit(t, svc)
	if after-before != 1 || by["return_explained_in_part"] != 1 {
		t.Errorf("audit lines %v (%d new); want one return_explained_in_part", by, after-before)
	}
	sub, _, err := svc.DB.Submission(ctx, id)
	if err != nil || sub.Status != domain.StatusAwaiting || unexplained(sub.Messages()) != 3 {
		t.Fatalf("kept: %+v, %v; want the Q02 explanations kept and 3 queries waiting", sub, err)
	}
	// One Q01 by its key, then the rule for the rest: the one explained
	// alone keeps its own explanation.
	var one domain.Message
	for _, m := range sub.Messages() {
		if m.Rule == returns.RuleChange {
			one = m
			break
		}
	}
	if res, err = svc.Answer(ctx, id, Answers{ByKey: map[string]string{one.Key(): "A new front door opened."}}, "lga@intake.test", 0, ""); err != nil || unexplained(res.Messages) != 2 {
		t.Fatalf("one Q01: %v, %v", res, err)
	}
	if res, err = svc.Answer(ctx, id, Answers{Rule: "Q01", ForRule: "Schools returned after the holidays."}, "lga@intake.test", 0, ""); err != nil || res.Status != domain.StatusStored {
		t.Fatalf("the rest of Q01: %v, %v; want it stored", res, err)
	}
	for _, m := range res.Messages {
		if m.Key() == one.Key() && m.Explanation != "A new front door opened." {
			t.Errorf("the query explained alone now reads %q", m.Explanation)
		}
	}
	// A council's data lead cannot explain a bulk load.
	if _, err := svc.Answer(ctx, id, Answers{Rule: "Q01", ForRule: "x"}, "lead@intake.test", 202, ""); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("a data lead explaining a bulk load: %v; want not found", err)
	}
}

// A merged query is explained by a key of any of its rules.
func TestMergedQueryExplainedByAnyRule(t *testing.T) {
	ms := []domain.Message{{Rule: "Q01", Rules: []string{"Q01", "Q03"}, Severity: domain.SeverityQuery, Sheet: "Return", Cell: "E17"}}
	if n := explain(ms, map[string]string{"Q03|E17": "Checked."}); n != 1 || ms[0].Explanation != "Checked." {
		t.Errorf("explained %d: %+v", n, ms[0])
	}
}
