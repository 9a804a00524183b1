package returns

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// Fuzz inputs are read four ways, chosen by mode, so the fuzzer reaches
// the parser and not only the zip checksum: 0 the bytes as an uploaded
// .xlsx file, 1 as a .csv file, 2 as the worksheet XML of an otherwise
// valid workbook, 3 as its shared-strings table.
const (
	fuzzFile uint8 = iota
	fuzzCSV
	fuzzSheetXML
	fuzzSharedStrings
)

// SECURITY U7: whatever the file, Inspect then Parse (then Validate) never
// panics and each message carries a rule from the table. Seeded with real
// returns: the product's own template (WriteTemplate) filled in, a bulk
// long-format workbook as the demo writes it, and the EES excerpt; and with
// small hand-built ones (a template-shaped return, a long and a wide
// file) that the fuzzer can mutate quickly. Limits are small so each run
// is quick.
//
// Go's fuzzer minimises every new input before it goes on, trying
// removals quadratic in the input's length for up to a minute; with
// kilobyte workbooks that takes most of a short run. For a productive run:
//
//	go test -run='^$' -fuzz=FuzzParse -fuzztime=2m -fuzzminimizetime=10x ./internal/returns/
func FuzzParse(f *testing.F) {
	// Seeds are small (a few indicators), so the fuzzer's minimising of
	// each new input takes seconds, not minutes.
	template := rawSheet([][]string{
		{"Resilience monthly return"}, {},
		{LabelCouncilNumber, "202"}, {LabelMonth, "2021-01"}, {LabelTemplateVersion, TemplateVersion}, {},
		{HeaderCode, HeaderIndicator, HeaderValue, HeaderNote},
		{"CSC_CIN", "Children in need", "1100"}, {"CSC_CLA", "Children looked after", "1250", "high"},
		{"WF_VACANCY", "Vacancy rate", "15.2"}, {"CSC_S47", "Section 47", "=SUM(1)"},
	})
	long := rawSheet([][]string{{"la_number", "indicator", "month", "value", "note"},
		{"202", "CSC_CIN", "2021-01", "1100", "ok"}, {"E08000016", "csc_cla", "Jan 2021", "300"}, {"370", "CSC_CPP", "44227", "-1"}})
	wide := rawSheet([][]string{{"Month", "Jan 2021"}, {}, {"ons_code", "CSC_CIN", "Children looked after"},
		{"E09000007", "1100", "300"}, {"370", "1,500", "x"}})
	formulas := sheetXMLOf("A1:C2", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`,
		`<row r="2"><c r="A2"><v>202</v></c><c r="B2"><f>1+1</f><v>2</v></c><c r="C2" t="s"><v>3</v></c></row>`)
	f.Add(filledTemplateSeed(f), fuzzFile)
	f.Add(bulkSeed(f), fuzzFile)
	f.Add(zipBytes(f, namedParts(ReturnSheet, template)), fuzzFile)
	f.Add(zipBytes(f, namedParts("Data", long)), fuzzFile)
	f.Add(zipBytes(f, namedParts("Jan 2021", wide)), fuzzFile)
	f.Add(readTestdata(f, "ees_children_in_need_excerpt.csv"), fuzzCSV)
	f.Add([]byte("la_number;indicator;month;value\n202;CSC_CIN;2021-01;\"1,100\"\n"), fuzzCSV)
	f.Add([]byte(template), fuzzSheetXML)
	f.Add([]byte(formulas), fuzzSheetXML)
	f.Add([]byte(sstXML([]string{"la_number", "CSC_CIN", "month", "2021-01"})), fuzzSharedStrings)

	dir, err := os.MkdirTemp("", "fuzz-parse-")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	lim := fuzzLimits
	cat := testCatalogue()
	known := map[string]bool{}
	for _, r := range Rules() {
		known[r.ID] = true
	}

	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		name := "upload.xlsx"
		switch mode % 4 {
		case fuzzCSV:
			name = "upload.csv"
		case fuzzSheetXML:
			data = zipBytes(t, minimalParts(string(data), sstXML([]string{"la_number", "CSC_CIN", "month", "2021-01"})))
		case fuzzSharedStrings:
			data = zipBytes(t, minimalParts(sheetXMLOf("", `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`,
				`<row r="2"><c r="A2"><v>202</v></c><c r="B2"><v>5</v></c><c r="C2" t="s"><v>3</v></c></row>`), string(data)))
		}
		fh, err := os.CreateTemp(dir, "in-*-"+name)
		if err != nil {
			t.Fatal(err)
		}
		path := fh.Name()
		defer os.Remove(path)
		if _, err := fh.Write(data); err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		kind, err := Inspect(fh, int64(len(data)), name, lim)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p, err := Parse(ctx, path, kind, cat, lim, nil)
		if err != nil {
			return
		}
		ms := append(p.Messages, Validate(p, Context{Catalogue: cat, Now: testNow, ScopeCouncil: 202})...)
		for _, m := range ms {
			if !known[m.Rule] || m.Severity != severity(m.Rule) {
				t.Fatalf("message with unknown rule or severity: %+v", m)
			}
		}
	})
}

// fuzzLimits are the fuzz target's limits: small, so each run is quick.
var fuzzLimits = Limits{MaxFileBytes: 1 << 20, MaxEntries: 50, MaxUnzippedBytes: 16 << 20, MaxPartBytes: 8 << 20, MaxRows: 20_000}

// zipBytes builds a zip in memory.
func zipBytes(t testing.TB, parts []part) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readTestdata reads a file from testdata.
func readTestdata(t testing.TB, name string) []byte {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// filledTemplateSeed is a real return: Camden's template for January 2021
// as WriteTemplate writes it, with every value filled in by excelize as a
// data lead's spreadsheet program would.
func filledTemplateSeed(t testing.TB) []byte {
	t.Helper()
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	camden, ok := ref.CouncilByNumber(202)
	if !ok {
		t.Fatal("no Camden (202) in the reference data")
	}
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, camden, jan2021, ref.Indicators); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(ReturnSheet)
	if err != nil {
		t.Fatal(err)
	}
	values := goodValues()
	codeCol, valueCol, filled := -1, -1, 0
	for i, row := range rows {
		if codeCol < 0 {
			codeCol, valueCol = slices.Index(row, HeaderCode), slices.Index(row, HeaderValue)
			if codeCol < 0 || valueCol < 0 {
				codeCol = -1
			}
			continue
		}
		if codeCol >= len(row) {
			continue
		}
		if v, ok := values[row[codeCol]]; ok {
			cell, _ := excelize.CoordinatesToCellName(valueCol+1, i+1)
			if err := f.SetCellValue(ReturnSheet, cell, v); err != nil {
				t.Fatal(err)
			}
			filled++
		}
	}
	if filled != len(values) {
		t.Fatalf("filled %d of %d values in the template", filled, len(values))
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// bulkSeed is a real bulk load, small: the demo's long-format workbook (as
// LGA officers' bulk loads and the benchmarks use) for two councils and
// two months.
func bulkSeed(t testing.TB) []byte {
	t.Helper()
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := demo.WriteLongWorkbook(&buf, ref, demo.Options{Seed: 1, First: jan2021.Add(-1), Last: jan2021, Councils: []int{202, 370}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The fuzz target's real seeds are real returns: each reads in its layout
// with every figure and no error, so the fuzzer starts from files that
// reach the validator.
func TestFuzzSeedsAreRealReturns(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   []byte
		layout Layout
		rows   int
	}{
		{"template", filledTemplateSeed(t), LayoutTemplate, len(goodValues())},
		{"bulk", bulkSeed(t), LayoutLong, 2 * 2 * len(reference.Catalogue())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.name+".xlsx", tc.data)
			// Within the fuzz target's limits, so the fuzzer reads them.
			if _, err := inspectFile(t, path, tc.name+".xlsx", fuzzLimits); err != nil {
				t.Fatalf("%d bytes refused under the fuzz limits: %v", len(tc.data), err)
			}
			p := mustParse(t, path)
			if p.Layout != tc.layout || len(p.Rows) != tc.rows {
				t.Fatalf("layout %q with %d rows; want %q with %d", p.Layout, len(p.Rows), tc.layout, tc.rows)
			}
			ms := append(p.Messages, validate(p, nil)...)
			for _, m := range ms {
				if m.Severity == domain.SeverityError {
					t.Errorf("error in a real return: %s", m.Text)
				}
			}
		})
	}
}
