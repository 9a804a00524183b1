package returns

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// camdenTemplate writes Camden's (202) template for January 2021 from the
// real catalogue, after letting edit change the indicators, and re-opens
// it.
func camdenTemplate(t *testing.T, edit func([]domain.Indicator)) (*excelize.File, []domain.Indicator, []byte) {
	t.Helper()
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	camden, ok := ref.CouncilByNumber(202)
	if !ok {
		t.Fatal("Camden (202) is not in the reference data")
	}
	inds := slices.Clone(ref.Indicators)
	if edit != nil {
		edit(inds)
	}
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, camden, domain.Month{Year: 2021, Month: time.January}, inds); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the template does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	slices.SortStableFunc(inds, func(a, b domain.Indicator) int { return a.Position - b.Position })
	return f, inds, buf.Bytes()
}

func cellText(t *testing.T, f *excelize.File, sheet, cell string) string {
	t.Helper()
	v, err := f.GetCellValue(sheet, cell)
	if err != nil {
		t.Fatalf("%s!%s: %v", sheet, cell, err)
	}
	return v
}

func TestTemplateSheetsAndMetadata(t *testing.T) {
	f, _, _ := camdenTemplate(t, nil)

	if got := f.GetSheetList(); !slices.Equal(got, []string{InstructionsSheet, ReturnSheet}) {
		t.Fatalf("sheets %q; want %q then %q", got, InstructionsSheet, ReturnSheet)
	}
	if got := f.GetSheetName(f.GetActiveSheetIndex()); got != ReturnSheet {
		t.Errorf("active sheet %q; want %q", got, ReturnSheet)
	}
	if got := cellText(t, f, ReturnSheet, "A1"); got != "Resilience monthly return" {
		t.Errorf("A1 = %q", got)
	}
	want := [][3]string{
		{"3", LabelCouncilName, "Camden"},
		{"4", LabelCouncilNumber, "202"},
		{"5", LabelMonth, "2021-01"},
		{"6", LabelTemplateVersion, TemplateVersion},
	}
	for _, w := range want {
		if got := cellText(t, f, ReturnSheet, "A"+w[0]); got != w[1] {
			t.Errorf("A%s = %q; want %q", w[0], got, w[1])
		}
		if got := cellText(t, f, ReturnSheet, "B"+w[0]); got != w[2] {
			t.Errorf("B%s = %q; want %q", w[0], got, w[2])
		}
	}
	// The LA number is a number; the month is text, so Excel never turns
	// it into a date.
	if typ, _ := f.GetCellType(ReturnSheet, "B4"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("B4 has type %v; want a number", typ)
	}
	for _, cell := range []string{"B3", "B5", "B6"} {
		if typ, _ := f.GetCellType(ReturnSheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s has type %v; want a string", cell, typ)
		}
	}

	text := strings.Join(mustRows(t, f, InstructionsSheet), "\n")
	for _, want := range []string{"Camden", "January 2021", TemplateVersion, "Value column", "without the % sign", "Errors stop", "Queries do not stop", "Do not rename"} {
		if !strings.Contains(text, want) {
			t.Errorf("the instructions do not say %q", want)
		}
	}

	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if props.Creator != "Resilience" || !strings.Contains(props.Title, "Camden") || props.Subject == "" {
		t.Errorf("document properties %+v", props)
	}
}

func mustRows(t *testing.T, f *excelize.File, sheet string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, strings.Join(r, " "))
	}
	return out
}

func TestTemplateIndicatorRows(t *testing.T) {
	f, inds, _ := camdenTemplate(t, nil)

	wantHeader := []string{HeaderCode, HeaderIndicator, HeaderDefinition, HeaderUnit, HeaderValue, HeaderNote, HeaderRequired}
	for i, h := range wantHeader {
		cell, _ := excelize.CoordinatesToCellName(i+1, 8)
		if got := cellText(t, f, ReturnSheet, cell); got != h {
			t.Errorf("header %s = %q; want %q", cell, got, h)
		}
	}
	for i, ind := range inds {
		r := 9 + i
		at := func(col string) string { return fmt.Sprintf("%s%d", col, r) }
		if got := cellText(t, f, ReturnSheet, at("A")); got != ind.Code {
			t.Errorf("%s = %q; want %s (row %d of the catalogue)", at("A"), got, ind.Code, i+1)
		}
		if got := cellText(t, f, ReturnSheet, at("B")); got != ind.Label {
			t.Errorf("%s = %q; want %q", at("B"), got, ind.Label)
		}
		if got := cellText(t, f, ReturnSheet, at("C")); got != ind.Definition {
			t.Errorf("%s = %q; want the definition", at("C"), got)
		}
		if got := cellText(t, f, ReturnSheet, at("D")); got != tplUnitWords(ind.Unit) || got == "" {
			t.Errorf("%s = %q; want %q", at("D"), got, tplUnitWords(ind.Unit))
		}
		for _, col := range []string{"E", "F"} {
			if got := cellText(t, f, ReturnSheet, at(col)); got != "" {
				t.Errorf("%s = %q; want it empty", at(col), got)
			}
		}
		want := map[bool]string{true: "Yes", false: "No"}[ind.Required]
		if got := cellText(t, f, ReturnSheet, at("G")); got != want {
			t.Errorf("%s (%s required?) = %q; want %q", at("G"), ind.Code, got, want)
		}
	}
	after := fmt.Sprintf("A%d", 9+len(inds))
	if got := cellText(t, f, ReturnSheet, after); got != "" {
		t.Errorf("%s = %q after the last indicator; want nothing", after, got)
	}
	rows, _ := f.GetRows(ReturnSheet)
	if len(rows) != 8+len(inds) {
		t.Errorf("%d rows; want 8 then one per indicator (%d)", len(rows), len(inds))
	}
}

func TestTemplateProtectionAndPanes(t *testing.T) {
	f, inds, _ := camdenTemplate(t, nil)

	locked := func(cell string) bool {
		id, err := f.GetCellStyle(ReturnSheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.Protection == nil || st.Protection.Locked
	}
	last := 8 + len(inds)
	for r := 9; r <= last; r++ {
		for _, col := range []string{"E", "F"} {
			if cell := fmt.Sprintf("%s%d", col, r); locked(cell) {
				t.Errorf("%s is locked; the Value and Note cells must be editable", cell)
			}
		}
		for _, col := range []string{"A", "B", "C", "D", "G"} {
			if cell := fmt.Sprintf("%s%d", col, r); !locked(cell) {
				t.Errorf("%s is unlocked", cell)
			}
		}
	}
	for _, cell := range []string{"A1", "A3", "B3", "B4", "B5", "B6", "A8", "B8", "E8", "F8", "G8", fmt.Sprintf("E%d", last+1)} {
		if !locked(cell) {
			t.Errorf("%s is unlocked", cell)
		}
	}

	prot, err := f.GetSheetProtection(ReturnSheet)
	if err != nil {
		t.Fatal(err)
	}
	// GetSheetProtection reports what is allowed; a protected sheet
	// forbids inserting and deleting rows and columns.
	if !prot.SelectUnlockedCells || !prot.FormatColumns || prot.InsertRows || prot.DeleteRows || prot.InsertColumns || prot.DeleteColumns {
		t.Errorf("sheet protection %+v", prot)
	}
	if prot.AlgorithmName != "" {
		t.Errorf("the Return sheet has a password (%s); it is meant to have none", prot.AlgorithmName)
	}

	panes, err := f.GetPanes(ReturnSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 8 || panes.XSplit != 2 {
		t.Errorf("panes %+v; want frozen below row 8 and after column B", panes)
	}
}

func TestTemplateProtectsTheSheet(t *testing.T) {
	_, _, raw := camdenTemplate(t, nil)
	// excelize reports allowed actions but not whether protection is on;
	// the sheet XML says so.
	xml := sheetXML(t, raw, ReturnSheet)
	if !strings.Contains(xml, "<sheetProtection") || !strings.Contains(xml, `sheet="true"`) {
		t.Errorf("the Return sheet is not protected")
	}
	if strings.Contains(xml, "password=") || strings.Contains(xml, "hashValue=") {
		t.Errorf("the Return sheet has a password")
	}
}

func TestTemplateValueValidation(t *testing.T) {
	f, inds, _ := camdenTemplate(t, nil)
	dvs, err := f.GetDataValidations(ReturnSheet)
	if err != nil {
		t.Fatal(err)
	}
	byCell := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		for _, ref := range strings.Fields(dv.Sqref) {
			cells, err := expandRef(ref)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cells {
				if byCell[c] != nil {
					t.Errorf("%s has two data validations", c)
				}
				byCell[c] = dv
			}
		}
	}
	want := map[string]struct{ typ, min, max string }{
		domain.UnitCount:   {"whole", "0", "10000000"},
		domain.UnitPercent: {"decimal", "0", "100"},
		domain.UnitRatio:   {"decimal", "0", "1000"},
	}
	seen := map[string]bool{}
	for i, ind := range inds {
		cell := fmt.Sprintf("E%d", 9+i)
		dv := byCell[cell]
		if dv == nil {
			t.Errorf("%s (%s) has no data validation", cell, ind.Code)
			continue
		}
		w := want[ind.Unit]
		if dv.Type != w.typ || dv.Operator != "between" || dv.Formula1 != w.min || dv.Formula2 != w.max {
			t.Errorf("%s (%s, %s): %s %s %s..%s; want %s between %s and %s", cell, ind.Code, ind.Unit, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, w.typ, w.min, w.max)
		}
		if !dv.AllowBlank || !dv.ShowInputMessage || !dv.ShowErrorMessage || dv.Prompt == nil || dv.Error == nil || *dv.Prompt == "" || *dv.Error == "" {
			t.Errorf("%s: want blanks allowed, an input message and an error message", cell)
		}
		if dv.ErrorStyle == nil || *dv.ErrorStyle != "stop" {
			t.Errorf("%s: error style %v; want stop", cell, dv.ErrorStyle)
		}
		if dv.PromptTitle != nil && len(*dv.PromptTitle) > 32 || dv.ErrorTitle != nil && len(*dv.ErrorTitle) > 32 {
			t.Errorf("%s: a title is longer than Excel's 32 characters", cell)
		}
		if len(*dv.Prompt) > 255 || len(*dv.Error) > 255 {
			t.Errorf("%s: a message is longer than Excel's 255 characters", cell)
		}
		seen[ind.Unit] = true
	}
	for u := range want {
		if !seen[u] {
			t.Errorf("the catalogue has no %s indicator; the test no longer covers it", u)
		}
	}
	if len(byCell) != len(inds) {
		t.Errorf("data validation covers %d cells; want the %d Value cells", len(byCell), len(inds))
	}
}

// expandRef lists the cells of "E9" or "E9:E12".
func expandRef(ref string) ([]string, error) {
	from, to, ok := strings.Cut(ref, ":")
	if !ok {
		to = from
	}
	c1, r1, err := excelize.CellNameToCoordinates(from)
	if err != nil {
		return nil, err
	}
	c2, r2, err := excelize.CellNameToCoordinates(to)
	if err != nil {
		return nil, err
	}
	var out []string
	for c := c1; c <= c2; c++ {
		for r := r1; r <= r2; r++ {
			name, _ := excelize.CoordinatesToCellName(c, r)
			out = append(out, name)
		}
	}
	return out, nil
}

// SECURITY U10: text from the catalogue is stored as text, never as a
// formula, whatever it starts with.
func TestTemplateStoresFormulaLikeTextAsText(t *testing.T) {
	const hostile = `=HYPERLINK("http://x")`
	f, inds, raw := camdenTemplate(t, func(inds []domain.Indicator) {
		inds[0].Label = hostile
		inds[1].Definition = "+1+1"
		inds[2].Code = "@SUM(A1)"
	})
	row := func(match func(domain.Indicator) bool) int { return 9 + slices.IndexFunc(inds, match) }
	for _, c := range []struct{ cell, want string }{
		{fmt.Sprintf("B%d", row(func(i domain.Indicator) bool { return i.Label == hostile })), hostile},
		{fmt.Sprintf("C%d", row(func(i domain.Indicator) bool { return i.Definition == "+1+1" })), "+1+1"},
		{fmt.Sprintf("A%d", row(func(i domain.Indicator) bool { return i.Code == "@SUM(A1)" })), "@SUM(A1)"},
	} {
		if got := cellText(t, f, ReturnSheet, c.cell); got != c.want {
			t.Errorf("%s = %q; want %q", c.cell, got, c.want)
		}
		if formula, err := f.GetCellFormula(ReturnSheet, c.cell); err != nil || formula != "" {
			t.Errorf("%s holds formula %q (%v); want text", c.cell, formula, err)
		}
		typ, _ := f.GetCellType(ReturnSheet, c.cell)
		if typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s has type %v; want a string", c.cell, typ)
		}
	}
	if xml := sheetXML(t, raw, ReturnSheet); strings.Contains(xml, "<f>") || strings.Contains(xml, "<f ") {
		t.Error("the Return sheet holds a formula")
	}
}

func TestTemplateRefusesBadInput(t *testing.T) {
	camden := domain.Council{Number: 202, Name: "Camden"}
	jan := domain.Month{Year: 2021, Month: time.January}
	one := []domain.Indicator{{Code: "X", Label: "X", Unit: domain.UnitCount, Position: 1}}
	cases := map[string]func() error{
		"no council":    func() error { return WriteTemplate(&bytes.Buffer{}, domain.Council{}, jan, one) },
		"no month":      func() error { return WriteTemplate(&bytes.Buffer{}, camden, domain.Month{}, one) },
		"no indicators": func() error { return WriteTemplate(&bytes.Buffer{}, camden, jan, nil) },
		"unknown unit": func() error {
			return WriteTemplate(&bytes.Buffer{}, camden, jan, []domain.Indicator{{Code: "X", Unit: "furlongs"}})
		},
		"duplicate code": func() error { return WriteTemplate(&bytes.Buffer{}, camden, jan, append(one, one...)) },
	}
	for name, write := range cases {
		if err := write(); domain.ErrorCode(err) != domain.EINVALID {
			t.Errorf("%s: %v; want an invalid error", name, err)
		}
	}
}

func TestTemplateColumnRanges(t *testing.T) {
	for _, c := range []struct {
		rows []int
		want string
	}{
		{[]int{9}, "E9"},
		{[]int{9, 10, 11, 13, 15, 16}, "E9:E11 E13 E15:E16"},
		{nil, ""},
	} {
		if got := tplColumnRanges("E", c.rows); got != c.want {
			t.Errorf("tplColumnRanges(%v) = %q; want %q", c.rows, got, c.want)
		}
	}
}

func TestTemplateFileName(t *testing.T) {
	got := TemplateFileName(domain.Council{Number: 202, Name: "Camden"}, domain.Month{Year: 2021, Month: time.January})
	if got != "resilience-return-202-2021-01.xlsx" {
		t.Errorf("TemplateFileName = %q", got)
	}
}

// sheetXML returns the worksheet XML of the named sheet.
func sheetXML(t *testing.T, raw []byte, sheet string) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	path, ok := f.Pkg.Load(sheetPath(t, f, sheet))
	if !ok {
		t.Fatalf("no XML for sheet %s", sheet)
	}
	return string(path.([]byte))
}

func sheetPath(t *testing.T, f *excelize.File, sheet string) string {
	t.Helper()
	for id, name := range f.GetSheetMap() {
		if name == sheet {
			return fmt.Sprintf("xl/worksheets/sheet%d.xml", id)
		}
	}
	t.Fatalf("no sheet %s", sheet)
	return ""
}
