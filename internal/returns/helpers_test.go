package returns

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// Fixtures are real xlsx files written by excelize (or, for hostile and
// bulk files, by archive/zip directly), never mocks.

// testCouncils resolves the councils the tests use: DfE numbers and ONS
// codes, with Barnsley's retired code E08000016 and its current one
// E08000038 both giving 370.
var testCouncils = map[string]int{
	"202": 202, "E09000007": 202, // Camden
	"370": 370, "E08000016": 370, "E08000038": 370, // Barnsley
	"301": 301, "E09000002": 301, // Barking and Dagenham
	"319": 319, "E09000029": 319, // Sutton
	"867": 867, "E06000036": 867, // Bracknell Forest
	"884": 884, "E06000019": 884, // Herefordshire
	"850": 850, "E10000014": 850, // Hampshire
	"857": 857, "E06000017": 857, // Rutland
	"314": 314, "E09000021": 314, "318": 318, "E09000027": 318, // Kingston, Richmond
	"928": 928, "E10000021": 928, // Northamptonshire, until March 2021
	"940": 940, "E06000061": 940, "941": 941, "E06000062": 941, // its successors, from April 2021
}

// testLifetimes are the councils whose lifetimes the tests check: the
// others existed throughout.
var testLifetimes = map[int]domain.Council{
	928: {Number: 928, Name: "Northamptonshire", StartDate: "2009-01-01", EndDate: "2021-03-31", Successors: "940 941"},
	940: {Number: 940, Name: "North Northamptonshire", Current: true, StartDate: "2021-04-01"},
	941: {Number: 941, Name: "West Northamptonshire", Current: true, StartDate: "2021-04-01"},
}

// testCatalogue is the real indicator catalogue with the test councils.
func testCatalogue() Catalogue {
	return Catalogue{Indicators: reference.Catalogue(), Council: func(code string) (int, bool) {
		n, ok := testCouncils[strings.ToUpper(strings.TrimSpace(code))]
		return n, ok
	}, Councils: testLifetimes}
}

// testNow is "today" for validation: February 2021 has begun, so January
// 2021 is the last complete month.
var testNow = time.Date(2021, time.February, 10, 12, 0, 0, 0, time.UTC)

// jan2021 is the month most fixtures are for.
var jan2021 = domain.Month{Year: 2021, Month: time.January}

// goodValues is a plausible, valid return for every indicator.
func goodValues() map[string]any {
	return map[string]any{
		"EHE_KNOWN": 300, "EHE_NEW": 30, "EHE_RETURNED": 10, "EHE_NEW_HEALTH": 8,
		"CSC_REFERRALS": 250, "CSC_REREFERRALS": 50, "CSC_ASSESSMENTS": 240, "CSC_S47": 60,
		"CSC_CIN": 1100, "CSC_CPP": 150, "CSC_CLA": 300,
		"EH_REQUESTS": 120, "EH_ASSESSMENTS": 80, "EH_OPEN": 900, "EH_STEPDOWN": 20,
		"SEND_EHCP": 2000, "SEND_EHC_REQUESTS": 40, "SEND_EHCP_20WK": 55.5, "SEND_ATTEND_EHCP": 87.1, "SEND_ATTEND_ALL": 93.2,
		"WF_VACANCY": 15.2, "WF_AGENCY": 12.5, "WF_CASELOAD": 17.5, "WF_ABSENCE": 3.1,
	}
}

// sheet is one worksheet for writeBook: rows of cell values (nil for a
// blank cell), starting at A1.
type sheet struct {
	name string
	rows [][]any
}

// writeBook writes a workbook with excelize and returns its path.
func writeBook(t testing.TB, sheets ...sheet) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				switch x := v.(type) {
				case formula:
					err = f.SetCellFormula(s.name, ref, string(x))
				case time.Time:
					err = f.SetCellValue(s.name, ref, x)
					if err == nil {
						st, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
						err = f.SetCellStyle(s.name, ref, ref, st)
					}
				default:
					err = f.SetCellValue(s.name, ref, x)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// formula is a cell written as a formula (without a cached value).
type formula string

// templateRows builds a template-shaped Return sheet, laid out as the
// template writer does (title, metadata labels in A3:A6, headers in row 8,
// one indicator per row), but written here so the parser's tests do not
// depend on template.go. values maps codes to the Value cell; a code
// missing from values gets no row at all, and nil gives a blank cell.
func templateRows(council, month any, version string, values map[string]any) [][]any {
	rows := [][]any{
		{"Resilience monthly return"},
		{"Enter one figure for each indicator."},
		{LabelCouncilName, "Camden"},
		{LabelCouncilNumber, council},
		{LabelMonth, month},
		{LabelTemplateVersion, version},
		nil,
		{HeaderCode, HeaderIndicator, HeaderDefinition, HeaderUnit, HeaderValue, HeaderNote},
	}
	codes := map[string]bool{}
	for _, ind := range reference.Catalogue() {
		codes[ind.Code] = true
		v, ok := values[ind.Code]
		if !ok {
			continue
		}
		rows = append(rows, []any{ind.Code, ind.Label, "definition", ind.Unit, v, nil})
	}
	// Codes not in the catalogue go below, as a council might add them.
	var extra []string
	for code := range values {
		if _, ok := codes[code]; !ok {
			extra = append(extra, code)
		}
	}
	slices.Sort(extra)
	for _, code := range extra {
		rows = append(rows, []any{code, "added by hand", nil, nil, values[code], nil})
	}
	return rows
}

// templateBook writes a template-shaped workbook for Camden, January 2021,
// with the given values.
func templateBook(t testing.TB, values map[string]any) string {
	t.Helper()
	return writeBook(t, sheet{"Instructions", [][]any{{"How to fill it in"}}},
		sheet{ReturnSheet, templateRows(202, "2021-01", TemplateVersion, values)})
}

// parseFile runs Inspect and Parse on a file with the test catalogue.
func parseFile(t testing.TB, path string) (*Parsed, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	kind, err := Inspect(f, info.Size(), filepath.Base(path), Limits{})
	if err != nil {
		return nil, err
	}
	return Parse(context.Background(), path, kind, testCatalogue(), Limits{}, nil)
}

// mustParse parses a file that must read.
func mustParse(t testing.TB, path string) *Parsed {
	t.Helper()
	p, err := parseFile(t, path)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return p
}

// validate runs Validate with the test context.
func validate(p *Parsed, edit func(*Context)) []domain.Message {
	vc := Context{Catalogue: testCatalogue(), Now: testNow}
	if edit != nil {
		edit(&vc)
	}
	return Validate(p, vc)
}

// rulesOf lists the rule IDs of messages, with their cells.
func rulesOf(ms []domain.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Rule+"@"+m.Cell)
	}
	return out
}

// hasRule reports whether a message with the rule (and, if cell is not
// empty, that cell) is present.
func hasRule(ms []domain.Message, rule, cell string) bool {
	for _, m := range ms {
		if m.Rule == rule && (cell == "" || m.Cell == cell) {
			return true
		}
	}
	return false
}

// rowFor finds the parsed row of an indicator (first one).
func rowFor(t testing.TB, p *Parsed, code string) Row {
	t.Helper()
	for _, r := range p.Rows {
		if r.Indicator == code {
			return r
		}
	}
	t.Fatalf("no row for %s in %v", code, p.Rows)
	return Row{}
}

// ---- Raw zip building, for hostile files and bulk files ----

// part is one entry of a raw zip.
type part struct {
	name string
	data []byte
}

// rawSheet writes rows of cells as worksheet XML: numbers as numbers,
// other text as inline strings, as a program other than Excel might.
func rawSheet(rows [][]string) string {
	var xs []string
	for i, r := range rows {
		var b strings.Builder
		fmt.Fprintf(&b, `<row r="%d">`, i+1)
		for j, c := range r {
			if c == "" {
				continue
			}
			ref := cellName(j, i+1)
			if _, err := strconv.ParseFloat(c, 64); err == nil {
				fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, c)
			} else {
				fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, html.EscapeString(c))
			}
		}
		b.WriteString("</row>")
		xs = append(xs, b.String())
	}
	return sheetXMLOf("", xs...)
}

// namedParts is minimalParts with the sheet given a name.
func namedParts(name, sheetXML string) []part {
	ps := minimalParts(sheetXML, "")
	for i := range ps {
		if ps[i].name == "xl/workbook.xml" {
			ps[i].data = bytes.Replace(ps[i].data, []byte(`name="Data"`), []byte(`name="`+html.EscapeString(name)+`"`), 1)
		}
	}
	return ps
}

// minimalParts are the parts of a one-sheet workbook around sheetXML,
// with an optional shared-strings table.
func minimalParts(sheetXML, sstXML string) []part {
	ct := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	rels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	wb := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`
	wbRels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	ps := []part{
		{"[Content_Types].xml", []byte(ct)},
		{"_rels/.rels", []byte(rels)},
		{"xl/workbook.xml", []byte(wb)},
		{"xl/_rels/workbook.xml.rels", []byte(wbRels)},
		{"xl/worksheets/sheet1.xml", []byte(sheetXML)},
	}
	if sstXML != "" {
		ps = append(ps, part{"xl/sharedStrings.xml", []byte(sstXML)})
	}
	return ps
}

// writeZip writes parts to a new zip file and returns its path.
func writeZip(t testing.TB, parts []part) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "raw.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(p.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// readParts reads every entry of a zip file.
func readParts(t testing.TB, path string) []part {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []part
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, part{f.Name, b})
	}
	return out
}

// editPart rewrites one part of a workbook written by excelize.
func editPart(t testing.TB, path, name string, edit func(string) string) string {
	t.Helper()
	parts := readParts(t, path)
	found := false
	for i := range parts {
		if parts[i].name == name {
			parts[i].data = []byte(edit(string(parts[i].data)))
			found = true
		}
	}
	if !found {
		t.Fatalf("no part %s in %s", name, path)
	}
	return writeZip(t, parts)
}

// writeFile writes bytes to a temp file with the given name.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// inspectFile runs Inspect on a file under the given uploader's name.
func inspectFile(t testing.TB, path, name string, lim Limits) (Kind, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return Inspect(f, info.Size(), name, lim)
}

// sstXML writes a shared-strings table.
func sstXML(items []string) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(items), len(items))
	for _, s := range items {
		b.WriteString("<si><t>")
		b.WriteString(s)
		b.WriteString("</t></si>")
	}
	b.WriteString("</sst>")
	return b.String()
}

// sheetXMLOf wraps rows of cell XML in a worksheet.
func sheetXMLOf(dimension string, rows ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if dimension != "" {
		b.WriteString(`<dimension ref="` + dimension + `"/>`)
	}
	b.WriteString("<sheetData>")
	for _, r := range rows {
		b.WriteString(r)
	}
	b.WriteString("</sheetData></worksheet>")
	return b.String()
}
