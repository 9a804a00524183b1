package returns

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"testing"
	"time"
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
// returns built here: a template-shaped return, a long and a wide file,
// and the EES excerpt. Limits are small so each run is quick.
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
	lim := Limits{MaxFileBytes: 1 << 20, MaxEntries: 50, MaxUnzippedBytes: 16 << 20, MaxPartBytes: 8 << 20, MaxRows: 20_000}
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
			if !known[m.Rule] || m.Severity != severityOf(m.Rule) {
				t.Fatalf("message with unknown rule or severity: %+v", m)
			}
		}
	})
}

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
