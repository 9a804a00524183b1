package returns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// SECURITY V1 (messages name the real sheet and cell): The template layout
// is found by labels and headers, wherever they are: here the council has
// inserted a column before A and rows above the header, and renamed
// nothing. The Instructions sheet is not data.
func TestParseTemplate(t *testing.T) {
	plain := templateRows(202, "2021-01", TemplateVersion, goodValues())
	var moved [][]any
	moved = append(moved, []any{nil, "A note the council added"}, nil)
	for i, r := range plain {
		moved = append(moved, append([]any{nil}, r...))
		if i == 6 {
			moved = append(moved, []any{nil, "Another added line"})
		}
	}
	for name, rows := range map[string][][]any{"as written": plain, "moved": moved} {
		t.Run(name, func(t *testing.T) {
			p := mustParse(t, writeBook(t, sheet{"Instructions", [][]any{{"Code"}, {"Value"}}}, sheet{ReturnSheet, rows}))
			if p.Layout != LayoutTemplate || p.Sheet != ReturnSheet {
				t.Fatalf("layout %s on %q; want template on Return", p.Layout, p.Sheet)
			}
			if p.TemplateVersion != TemplateVersion || p.TemplateCouncil != "202" || p.TemplateMonth != "2021-01" {
				t.Errorf("metadata %q %q %q", p.TemplateVersion, p.TemplateCouncil, p.TemplateMonth)
			}
			if len(p.Rows) != len(reference.Catalogue()) {
				t.Fatalf("%d rows; want one per indicator", len(p.Rows))
			}
			cla := rowFor(t, p, "CSC_CLA")
			if cla.Council != 202 || cla.Month != jan2021 || cla.Value == nil || *cla.Value != 300 || cla.Sheet != ReturnSheet {
				t.Errorf("CSC_CLA row %+v", cla)
			}
			// The value cell is named where it is, after any moves.
			want := "E19"
			if name == "moved" {
				want = "F22"
				if p.TemplateCouncilCell != "C6" {
					t.Errorf("council cell %s; want C6", p.TemplateCouncilCell)
				}
			}
			if cla.Cell != want {
				t.Errorf("CSC_CLA at %s; want %s", cla.Cell, want)
			}
			if ms := append(p.Messages, validate(p, nil)...); len(ms) != 0 {
				t.Errorf("a good return gave messages: %v", ms)
			}
		})
	}
}

// SECURITY V1: The template as template.go writes it, filled in with
// excelize, reads back with no messages: the writer and the parser agree.
func TestParseWrittenTemplate(t *testing.T) {
	_, inds, raw := camdenTemplate(t, nil)
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(ReturnSheet)
	vals := goodValues()
	for i, r := range rows {
		if len(r) > 0 {
			if v, ok := vals[r[0]]; ok {
				_ = f.SetCellValue(ReturnSheet, fmt.Sprintf("E%d", i+1), v)
			}
		}
	}
	path := writeFile(t, "camden.xlsx", nil)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	p := mustParse(t, path)
	if p.Layout != LayoutTemplate || len(p.Rows) != len(inds) {
		t.Fatalf("layout %s with %d rows", p.Layout, len(p.Rows))
	}
	if ms := append(p.Messages, validate(p, nil)...); len(ms) != 0 {
		t.Errorf("messages: %v", ms)
	}
}

// SECURITY V1 (cells named where they are): A wide sheet: councils as rows,
// indicators as columns named by code or label (any case), a month column,
// columns in any order, extra columns ignored, councils by DfE number or
// ONS code (Barnsley's retired E08000016 included).
func TestParseWideWithMonthColumn(t *testing.T) {
	path := writeBook(t, sheet{"Bulk", [][]any{
		{"LGA bulk load, January 2021"},
		nil,
		{"la_name", "Children Looked After", "csc_cin", "Month", "ONS code", "region", " LA_Number "},
		{"Camden", 300, 1100, "2021-01", "E09000007", "London", 202},
		{"Barnsley", 310, 1500, "Jan 2021", "E08000016", "Y&H", nil},
		{nil, nil, nil, nil, nil, nil, nil},
		{"Sutton", "", 900, "2021-01", nil, "London", 319},
	}})
	p := mustParse(t, path)
	if p.Layout != LayoutWide || p.Sheet != "Bulk" {
		t.Fatalf("layout %s on %q", p.Layout, p.Sheet)
	}
	got := map[string]Row{}
	for _, r := range p.Rows {
		got[fmt.Sprintf("%d %s", r.Council, r.Indicator)] = r
	}
	if len(p.Rows) != 6 {
		t.Fatalf("%d rows; want 3 councils × 2 indicators: %+v", len(p.Rows), p.Rows)
	}
	if r := got["370 CSC_CLA"]; r.CouncilRaw != "E08000016" || r.Cell != "B5" || *r.Value != 310 || r.Month != jan2021 {
		t.Errorf("Barnsley by retired ONS code: %+v", r)
	}
	if r := got["202 CSC_CIN"]; r.Cell != "C4" || *r.Value != 1100 || r.IndicatorRaw != "csc_cin" {
		t.Errorf("Camden CIN: %+v", r)
	}
	if r := got["319 CSC_CLA"]; r.Value != nil || r.Raw != "" {
		t.Errorf("Sutton's blank CLA: %+v", r)
	}
}

// SECURITY V1: A wide sheet without a month column takes the month from its
// name ("Jan 2021", "2021-02") or a Month label above the header; every
// such sheet in the workbook is read.
func TestParseWideMonthFromSheet(t *testing.T) {
	rows := func(cin int) [][]any {
		return [][]any{{"la_number", "CSC_CIN", "CSC_CPP"}, {202, cin, 150}, {"E08000038", cin + 1, 151}}
	}
	labelled := append([][]any{{"Reporting month", "March 2021"}, nil}, rows(1300)...)
	path := writeBook(t, sheet{"Jan 2021", rows(1100)}, sheet{"2021-02", rows(1200)}, sheet{"Third", labelled}, sheet{"Notes", [][]any{{"nothing here"}}})
	p := mustParse(t, path)
	if p.Layout != LayoutWide || p.Sheet != "Jan 2021" {
		t.Fatalf("layout %s, first sheet %q", p.Layout, p.Sheet)
	}
	months := map[string]bool{}
	for _, r := range p.Rows {
		months[r.Sheet+" "+r.Month.String()] = true
	}
	for _, want := range []string{"Jan 2021 2021-01", "2021-02 2021-02", "Third 2021-03"} {
		if !months[want] {
			t.Errorf("no rows for %s: %v", want, months)
		}
	}
	if len(p.Rows) != 12 {
		t.Errorf("%d rows; want 3 sheets × 2 councils × 2 indicators", len(p.Rows))
	}
	if ms := validate(p, func(c *Context) { c.Now = time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC) }); hasRule(ms, RuleBadMonth, "") {
		t.Errorf("month messages: %v", ms)
	}
}

// SECURITY V1 (cells named where they are): A long sheet: columns shuffled,
// extra columns ignored, months in every accepted form (a real date cell
// too), councils by number and ONS code.
func TestParseLong(t *testing.T) {
	date := time.Date(2021, time.January, 31, 0, 0, 0, 0, time.UTC)
	path := writeBook(t, sheet{"Data", [][]any{
		{"Value", "Notes", "extra", "Indicator", "Period", "Local Authority", "dfe_number"},
		{1100, "", "x", "CSC_CIN", "2021-01", "Camden", 202},
		{300, "", "x", "csc_cla", date, "Camden", 202},
		{150, "a note", "x", "Children on a child protection plan", "2021-01-31", "Camden", "202"},
		{250, "", "x", "CSC_REFERRALS", "Jan 2021", "Barnsley", "E08000016"},
		{60, "", "x", "CSC_S47", "January 2021", "Barnsley", "E08000016"},
		{30, "", "x", "EHE_NEW", "01/2021", "Barnsley", "E08000016"},
		{31, "", "x", "EHE_KNOWN", "31/01/2021", "Barnsley", "E08000016"},
		{32, "", "x", "EH_OPEN", "Jan-21", "Barnsley", "E08000016"},
		{33, "", "x", "EH_REQUESTS", 44227, "Barnsley", "E08000016"},
	}})
	p := mustParse(t, path)
	if p.Layout != LayoutLong {
		t.Fatalf("layout %s", p.Layout)
	}
	if len(p.Rows) != 9 {
		t.Fatalf("%d rows", len(p.Rows))
	}
	for _, r := range p.Rows {
		if r.Month != jan2021 {
			t.Errorf("%s: month %q read as %v", r.Cell, r.MonthRaw, r.Month)
		}
		if r.Council == 0 || r.Indicator == "" || r.Value == nil {
			t.Errorf("%s: %+v", r.Cell, r)
		}
		if !strings.HasPrefix(r.Cell, "A") {
			t.Errorf("value cell %s; want column A", r.Cell)
		}
	}
	if r := rowFor(t, p, "CSC_CPP"); r.Note != "a note" || r.Council != 202 || r.IndicatorRaw != "Children on a child protection plan" {
		t.Errorf("CPP by label: %+v", r)
	}
	if r := rowFor(t, p, "CSC_CLA"); r.MonthRaw != "44227" {
		t.Errorf("the date cell should arrive as its serial number: %q", r.MonthRaw)
	}
	if r := rowFor(t, p, "CSC_REFERRALS"); r.Council != 370 {
		t.Errorf("E08000016 resolved to %d; want Barnsley, 370", r.Council)
	}
}

// SECURITY U5, V1 (a real CSV upload): A long CSV file with semicolons
// (Excel's CSV in some locales) and a byte-order mark reads like a sheet,
// with cells named as Excel would.
func TestParseLongCSV(t *testing.T) {
	csv := "\ufeffla_number;indicator;month;value\n202;CSC_CIN;2021-01;1100\n202;CSC_CLA;2021-01;\"1,250\"\n"
	path := writeFile(t, "bulk.csv", []byte(csv))
	p := mustParse(t, path)
	if p.Layout != LayoutLong || len(p.Rows) != 2 {
		t.Fatalf("layout %s, rows %+v", p.Layout, p.Rows)
	}
	if r := rowFor(t, p, "CSC_CLA"); r.Cell != "D3" || r.Sheet != "" || *r.Value != 1250 {
		t.Errorf("CLA %+v", r)
	}
}

// SECURITY V1 (E11 only for months that truly cannot be read): Months in
// every form the layouts accept.
func TestParseMonth(t *testing.T) {
	for raw, want := range map[string]string{
		"2021-01": "2021-01", "2021-1": "2021-01", "2021-01-31": "2021-01", "2021-01-31T00:00:00": "2021-01",
		"Jan 2021": "2021-01", "January 2021": "2021-01", "jan-21": "2021-01", "Sept 2021": "2021-09",
		"01/2021": "2021-01", "1/2021": "2021-01", "31/01/2021": "2021-01", "31/01/2021 00:00": "2021-01",
		"2021/01": "2021-01", "44227": "2021-01", "44227.5": "2021-01", "36526": "2000-01", " 2021-12 ": "2021-12",
		"2021-13": "", "13/2021": "", "2021": "", "202101": "", "Janvier 2021": "", "": "", "100": "", "1e9": "",
		"32/01/2021": "", "2021-01-32": "", "31 March 2021": "2021-03", "1 Nov 2025": "2025-11", "31st March 2021": "",
		"32 March 2021": "", "1 November 2025": "2025-11", "31 Nov 2025": "",
	} {
		m, ok := parseMonth(raw)
		got := ""
		if ok {
			got = m.String()
		}
		if got != want {
			t.Errorf("parseMonth(%q) = %q; want %q", raw, got, want)
		}
	}
}

// SECURITY V1 (E02 only for text that is not a number): Figures typed as
// text with separators or a percent sign still read; text that is not a
// number does not.
func TestParseNumber(t *testing.T) {
	for raw, want := range map[string]any{
		"1250": 1250.0, "1,250": 1250.0, " 12.5 ": 12.5, "12.5%": 12.5, "-3": -3.0, "1.0000000000000002": 1.0000000000000002,
		"1,2": nil, "c": nil, "NaN": nil, "Inf": nil, "0x10": nil, "1_000": nil, "": nil, "#DIV/0!": nil,
	} {
		v, ok := parseNumber(raw)
		if want == nil {
			if ok {
				t.Errorf("parseNumber(%q) = %v; want not a number", raw, v)
			}
		} else if !ok || v != want.(float64) {
			t.Errorf("parseNumber(%q) = %v, %v; want %v", raw, v, ok, want)
		}
	}
}

// SECURITY V1 (Q05): The EES tidy CSV (an excerpt of DfE's children in need
// file) reads into official figures: national, regional and council levels,
// markers kept, Barnsley by its number, a former council (Northamptonshire)
// skipped with one query.
func TestParseEESCSV(t *testing.T) {
	p := mustParse(t, "testdata/ees_children_in_need_excerpt.csv")
	if p.Layout != LayoutEES || len(p.Rows) != 0 {
		t.Fatalf("layout %s, %d monthly rows", p.Layout, len(p.Rows))
	}
	find := func(level, area string, year int) domain.OfficialValue {
		for _, o := range p.Official {
			if o.Measure == "cin_at31" && o.Level == level && o.Area == area && o.Year == year {
				return o
			}
		}
		t.Fatalf("no cin_at31 for %s %s %d in %+v", level, area, year, p.Official)
		return domain.OfficialValue{}
	}
	if o := find("national", "E92000001", 2025); *o.Value != 402400 || o.Indicator != "CSC_CIN" || o.PeriodEnd != "2025-03-31" {
		t.Errorf("England %+v", o)
	}
	if o := find("regional", "E12000001", 2025); *o.Value != 24470 {
		t.Errorf("North East %+v", o)
	}
	if o := find("council", "370", 2025); *o.Value != 1566 {
		t.Errorf("Barnsley %+v", o)
	}
	if o := find("council", "850", 2024); o.Value != nil || o.Marker != "u" {
		t.Errorf("Hampshire's marker %+v", o)
	}
	if o := find("council", "884", 2024); *o.Value != 1587 {
		t.Errorf("Herefordshire (a quoted name) %+v", o)
	}
	// Northamptonshire, a predecessor, keeps its figures.
	if o := find("council", "928", 2021); o.Value == nil || *o.Value != 4877 {
		t.Errorf("Northamptonshire %+v", o)
	}
	if len(p.Official) != 9 {
		t.Errorf("%d figures; want 9, Northamptonshire's among them", len(p.Official))
	}
	if len(p.Messages) != 0 {
		t.Errorf("messages %v; want none", p.Messages)
	}
}

// SECURITY V1: EES rows shared by two councils ("314 / 318") give a rate to
// each and mark a count unavailable; a council's own row beats a shared
// one; a council found only by its ONS code resolves.
func TestParseEESJointRows(t *testing.T) {
	csv := "time_period,geographic_level,old_la_code,new_la_code,la_name,vacancy_rate_fte,inpost_fte\n" +
		"2025,Local authority,314 / 318,E09000021 / E09000027,Kingston / Richmond,14.9,137.4\n" +
		"2025,Local authority,318,E09000027,Richmond,12.0,60\n" +
		"2025,Local authority,,E08000016,Barnsley,c,x\n" +
		"2025,Local authority district,999,E07000001,Somewhere,1,1\n"
	p := mustParse(t, writeFile(t, "workforce.csv", []byte(csv)))
	got := map[string]string{}
	for _, o := range p.Official {
		v := o.Marker
		if o.Value != nil {
			v = fmt.Sprint(*o.Value)
		}
		got[o.Measure+" "+o.Area] = v
	}
	want := map[string]string{
		"sw_vacancy_rate 314": "14.9", "sw_fte 314": "x", // shared: rate given, count unavailable
		"sw_vacancy_rate 318": "12", "sw_fte 318": "60", // Richmond's own row wins
		"sw_vacancy_rate 370": "c", "sw_fte 370": "x", // by ONS code, markers kept
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q; want %q (all: %v)", k, got[k], v, got)
		}
	}
	if len(p.Official) != len(want) || len(p.Messages) != 0 {
		t.Errorf("%d figures, messages %v", len(p.Official), p.Messages)
	}
}

// SECURITY V1 (E02): an EES cell holds a number or one of EES's codes for
// a figure not given (c, x, z, low, u, in any case, spaces trimmed); any
// other text is an error naming its cell, not a marker kept silently.
func TestParseEESMarkers(t *testing.T) {
	csv := "time_period,geographic_level,old_la_code,new_la_code,la_name,vacancy_rate_fte,agency_rate_fte,caseload_fte,absence_rate_fte\n" +
		"2025,Local authority,202,E09000007,Camden,z,low, LOW ,U\n" +
		"2025,Local authority,301,E09000002,Barking and Dagenham,C,X,abc,n/a\n" +
		"2024,Local authority,301,E09000002,Barking and Dagenham,1,2,abc,3\n"
	p := mustParse(t, writeFile(t, "workforce.csv", []byte(csv)))
	got := map[string]string{}
	for _, o := range p.Official {
		v := o.Marker
		if o.Value != nil {
			v = fmt.Sprint(*o.Value)
		}
		got[fmt.Sprintf("%s %s %d", o.Measure, o.Area, o.Year)] = v
	}
	for k, want := range map[string]string{
		"sw_vacancy_rate 202 2025": "z", "sw_agency_rate 202 2025": "low", "sw_caseload 202 2025": "low", "sw_absence_rate 202 2025": "u",
		"sw_vacancy_rate 301 2025": "c", "sw_agency_rate 301 2025": "x", "sw_vacancy_rate 301 2024": "1",
	} {
		if got[k] != want {
			t.Errorf("%s = %q; want %q", k, got[k], want)
		}
	}
	for _, k := range []string{"sw_caseload 301 2025", "sw_absence_rate 301 2025", "sw_caseload 301 2024"} {
		if v, ok := got[k]; ok {
			t.Errorf("%s kept as %q; text that is no marker must not be stored", k, v)
		}
	}
	var e02 []domain.Message
	for _, m := range p.Messages {
		if m.Rule == RuleNotNumber {
			e02 = append(e02, m)
		}
	}
	if len(e02) != 2 || e02[0].Cell != "H3" || !strings.Contains(e02[0].Text, "H3: The caseload_fte figure is “abc”") ||
		!strings.Contains(e02[0].Text, "The same applies to 1 more cell") || e02[1].Cell != "I3" || !strings.Contains(e02[1].Text, "“n/a”") ||
		e02[0].Severity != domain.SeverityError {
		t.Errorf("E02 messages %+v; want one for H3 (and H4) and one for I3", e02)
	}
}

// SECURITY V1 (E15), U5: A file with no recognisable table gives E15 naming
// the headers it expected and what it found.
func TestParseUnrecognised(t *testing.T) {
	p := mustParse(t, writeBook(t, sheet{"Sheet1", [][]any{{"Name", "Score"}, {"x", 1}}}))
	if p.Layout != "" || len(p.Messages) != 1 || p.Messages[0].Rule != RuleUnrecognised {
		t.Fatalf("layout %q, messages %v", p.Layout, p.Messages)
	}
	for _, s := range []string{"Code", "Value", "la_number", "time_period", "Name, Score"} {
		if !strings.Contains(p.Messages[0].Text, s) {
			t.Errorf("E15 does not mention %q: %s", s, p.Messages[0].Text)
		}
	}
	// A Return sheet without its header row is not a template either.
	p = mustParse(t, writeBook(t, sheet{ReturnSheet, [][]any{{LabelTemplateVersion, TemplateVersion}, {"Code", "Figure"}}}))
	if p.Layout != "" || !hasRule(p.Messages, RuleUnrecognised, "") {
		t.Errorf("headerless Return sheet: %s %v", p.Layout, p.Messages)
	}
}

// SECURITY U8: a formula in a value cell is found by the formula scan.
// With a cached value (as Excel saves it) the value is read and Q04 asks
// about it; without one (as a program that does not calculate writes it)
// there is no figure and E14 blocks the return.
func TestParseFormulas(t *testing.T) {
	vals := goodValues()
	vals["CSC_CIN"] = formula("SUM(1000,100)")
	vals["CSC_CLA"] = formula("100*3")
	path := writeBook(t, sheet{ReturnSheet, templateRows(202, "2021-01", TemplateVersion, vals)})
	// Give CSC_CIN a cached value, as Excel would have saved one.
	path = editPart(t, path, "xl/worksheets/sheet1.xml", func(s string) string {
		re := regexp.MustCompile(`(<f>SUM\(1000,100\)</f>)(<v></v>|<v/>)?`)
		if !re.MatchString(s) {
			t.Fatalf("no formula in %s", s)
		}
		return re.ReplaceAllString(s, "${1}<v>1100</v>")
	})
	p := mustParse(t, path)
	cin, cla, cpp := rowFor(t, p, "CSC_CIN"), rowFor(t, p, "CSC_CLA"), rowFor(t, p, "CSC_CPP")
	if !cin.Formula || cin.NoCachedValue || cin.Value == nil || *cin.Value != 1100 {
		t.Errorf("formula with cached value: %+v", cin)
	}
	if !cla.Formula || !cla.NoCachedValue || cla.Value != nil {
		t.Errorf("formula without cached value: %+v", cla)
	}
	if cpp.Formula {
		t.Errorf("a plain value marked as a formula: %+v", cpp)
	}
	ms := validate(p, nil)
	if !hasRule(ms, RuleFormula, cin.Cell) || !hasRule(ms, RuleNoCachedValue, cla.Cell) || hasRule(ms, RuleMissing, cla.Cell) {
		t.Errorf("messages %v; want Q04 at %s and E14 (only) at %s", rulesOf(ms), cin.Cell, cla.Cell)
	}

	// The same scan finds formulas in a bulk sheet's value column, and
	// ignores them in other columns.
	bulk := writeBook(t, sheet{"Data", [][]any{
		{"la_number", "indicator", "month", "value"},
		{202, "CSC_CIN", "2021-01", 1100},
		{formula("200+2"), "CSC_CLA", "2021-01", formula("3*100")},
	}})
	p = mustParse(t, bulk)
	if cla := rowFor(t, p, "CSC_CLA"); !cla.Formula || cla.Cell != "D3" {
		t.Errorf("bulk formula %+v", cla)
	}
	if cin := rowFor(t, p, "CSC_CIN"); cin.Formula {
		t.Errorf("bulk plain value marked %+v", cin)
	}
}

// SECURITY U8: The formula scanner tracks cells the way excelize does, with
// or without r attributes, prefixes, comments and CDATA.
func TestFormulaScanner(t *testing.T) {
	xml := `<?xml version="1.0"?><x:worksheet xmlns:x="main"><!-- <c r="Z9"><f>1</f></c> --><x:sheetData>` +
		`<x:row r="2"><x:c r="B2"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c><x:v>3</x:v></x:c><x:c><x:f t="shared" si="0"/><x:v>4</x:v></x:c></x:row>` +
		`<x:row><x:c r="A3" t="inlineStr"><x:is><x:t><![CDATA[<f>not a formula</f>]]></x:t></x:is></x:c><x:c r="B3" s="1" a=">"><x:f>IF(A1>2,1,0)</x:f></x:c></x:row>` +
		`</x:sheetData></x:worksheet>`
	for _, chunk := range []int{1 << 20, 7} {
		s := formulaScanner{}
		got, err := s.scan(&slowReader{strings.NewReader(xml), chunk})
		if err != nil {
			t.Fatal(err)
		}
		var cells []string
		for k := range got {
			cells = append(cells, cellName(int(k&0xFFFF), int(k>>16)))
		}
		slices.Sort(cells)
		if want := []string{"B2", "B3", "D2"}; !slices.Equal(cells, want) {
			t.Errorf("chunks of %d: formula cells %v; want %v", chunk, cells, want)
		}
	}
}

// SECURITY U8: the quick check that lets most sheets skip the tag walk errs towards
// finding a formula, never away from it.
func TestFormulaTag(t *testing.T) {
	for in, want := range map[string]bool{
		`<c r="A1"><v>1</v></c>`:        false,
		`<font><fill><fx:filter/>`:      false,
		`<c r="A1"><f>1+1</f></c>`:      true,
		`<x:c><x:f t="shared" si="0"/>`: true,
		`<c><f/>`:                       true,
		`<c r="A1"><v>1</v></c><f`:      true, // cut off: the next read decides
	} {
		if got := formulaTag([]byte(in)); got != want {
			t.Errorf("formulaTag(%q) = %v; want %v", in, got, want)
		}
	}
}

// slowReader returns at most n bytes per read, to split tags across reads.
type slowReader struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (s *slowReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), s.n)]) }

// SECURITY U2: a sheet of millions of repeated rows (tiny when zipped) is
// stopped at MaxRows, not read into memory whole.
func TestParseMaxRows(t *testing.T) {
	rows := []string{`<row r="1"><c r="A1" t="inlineStr"><is><t>la_number</t></is></c><c r="B1" t="inlineStr"><is><t>CSC_CIN</t></is></c><c r="C1" t="inlineStr"><is><t>month</t></is></c></row>`}
	for i := 2; i <= 5000; i++ {
		rows = append(rows, fmt.Sprintf(`<row r="%d"><c r="A%d"><v>202</v></c><c r="B%d"><v>1</v></c><c r="C%d"><v>44227</v></c></row>`, i, i, i, i))
	}
	path := writeZip(t, minimalParts(sheetXMLOf("A1:C5000", rows...), ""))
	_, err := Parse(context.Background(), path, KindXLSX, testCatalogue(), Limits{MaxRows: 1000}, nil)
	wantRefused(t, err, domain.ETOOLARGE, "more than 1,000 figures")
}

// SECURITY U7 (a slow file cannot hold a request): Parse reports progress
// and stops when its context is cancelled.
func TestParseProgressAndCancel(t *testing.T) {
	rows := [][]any{{"la_number", "indicator", "month", "value"}}
	for i := range 12000 {
		rows = append(rows, []any{202, "CSC_CIN", jan2021.Add(-i).String(), i})
	}
	path := writeBook(t, sheet{"Data", rows})
	var calls []int
	p, err := Parse(context.Background(), path, KindXLSX, testCatalogue(), Limits{}, func(n int) { calls = append(calls, n) })
	if err != nil || len(p.Rows) != 12000 {
		t.Fatalf("%v, %d rows", err, len(p.Rows))
	}
	if !slices.Equal(calls, []int{5000, 10000}) {
		t.Errorf("progress calls %v", calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, path, KindXLSX, testCatalogue(), Limits{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled parse: %v", err)
	}
}
