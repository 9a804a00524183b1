package returns

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/internal/reference"
)

// PERFORMANCE P1: Parse of a long-format bulk file must reach at least 0.7
// of the rows per second of a bare excelize Rows()+Columns() loop over the
// same file, opened with the same options. Both benchmarks read the same
// generated file and report rows/s; the file has RETURNS_BENCH_ROWS rows
// (default 20,000; the national scale is 440,640 = 153 councils × 24
// indicators × 120 months):
//
//	RETURNS_BENCH_ROWS=440640 go test -run='^$' -bench='ParseVsBare|ParseLong|BareRows' -benchtime=3x ./internal/returns/

// benchRows is the size of the generated long file.
func benchRows() int {
	if s := os.Getenv("RETURNS_BENCH_ROWS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 20_000
}

var (
	benchOnce sync.Once
	benchPath string
	benchErr  error
)

// benchFile generates the long file once per test binary.
func benchFile(b *testing.B) string {
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "returns-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchPath = filepath.Join(dir, "national-long.xlsx")
		benchErr = writeLongFile(benchPath, benchRows())
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchPath
}

// TestMain removes the benchmark file.
func TestMain(m *testing.M) {
	code := m.Run()
	if benchPath != "" {
		os.RemoveAll(filepath.Dir(benchPath))
	}
	os.Exit(code)
}

// writeLongFile writes a long-format workbook as Excel would: text in the
// shared-strings table, numbers inline, one row per council, indicator and
// month (months innermost), columns la_number, la_name, indicator, month,
// value and note (blank). Values are deterministic.
func writeLongFile(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	inds := reference.Catalogue()
	const councils, months = 153, 120
	// Shared strings: headers, council names, indicator codes, months.
	var sst []string
	idx := map[string]int{}
	str := func(s string) int {
		if i, ok := idx[s]; ok {
			return i
		}
		idx[s] = len(sst)
		sst = append(sst, s)
		return idx[s]
	}
	for _, h := range []string{"la_number", "la_name", "indicator", "month", "value", "note"} {
		str(h)
	}
	for _, parts := range minimalParts("", "x") {
		if parts.name == "xl/worksheets/sheet1.xml" || parts.name == "xl/sharedStrings.xml" {
			continue
		}
		w, err := zw.Create(parts.name)
		if err != nil {
			return err
		}
		if _, err := w.Write(parts.data); err != nil {
			return err
		}
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:E%d"/><sheetData>`, n+1)
	bw.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c></row>`)
	seed := uint64(1)
	for i := 0; i < n; i++ {
		c := (i / (months * len(inds))) % councils
		ind := inds[(i/months)%len(inds)]
		m := jan2021.Add(-48 + i%months) // 2017-01 onwards
		la := 201 + c
		seed = seed*6364136223846793005 + 1442695040888963407
		v := 10 + (seed>>33)%2000
		r := i + 2
		fmt.Fprintf(bw, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d" t="s"><v>%d</v></c><c r="C%d" t="s"><v>%d</v></c><c r="D%d" t="s"><v>%d</v></c><c r="E%d"><v>%d</v></c></row>`,
			r, r, la, r, str(fmt.Sprintf("Council %d", la)), r, str(ind.Code), r, str(m.String()), r, v)
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		return err
	}
	w, err = zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(sstXML(sst))); err != nil {
		return err
	}
	return zw.Close()
}

// excelizeOptions are the options Parse opens a workbook with, so the
// bare loop pays the same costs.
func excelizeOptions() excelize.Options {
	lim := DefaultLimits()
	return excelize.Options{RawCellValue: true, UnzipSizeLimit: lim.MaxUnzippedBytes, UnzipXMLSizeLimit: min(spillBytes, lim.MaxPartBytes)}
}

// bareRows is the bare excelize loop over the file: open, stream every
// row, read its cells. It returns the rows read.
func bareRows(b *testing.B, path string) int {
	f, err := excelize.OpenFile(path, excelizeOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rs, err := f.Rows("Data")
	if err != nil {
		b.Fatal(err)
	}
	defer rs.Close()
	n := 0
	for rs.Next() {
		if _, err := rs.Columns(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	return n
}

// parseLong parses the file and returns the rows it read, counting the
// header as the bare loop does.
func parseLong(b *testing.B, path string) int {
	p, err := Parse(context.Background(), path, KindXLSX, Catalogue{Indicators: reference.Catalogue()}, Limits{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	if p.Layout != LayoutLong || len(p.Rows) != benchRows() {
		b.Fatalf("layout %s, %d rows; want long, %d", p.Layout, len(p.Rows), benchRows())
	}
	return len(p.Rows) + 1
}

// PERFORMANCE P1: BenchmarkParseVsBare runs the bare loop and Parse
// alternately on the same file in the same run, so a shared machine's
// noise falls on both, and reports the ratio of their rates (target ≥
// 0.7).
func BenchmarkParseVsBare(b *testing.B) {
	path := benchFile(b)
	var bare, parse time.Duration
	var n int
	for b.Loop() {
		start := time.Now()
		n = bareRows(b, path)
		bare += time.Since(start)
		start = time.Now()
		parseLong(b, path)
		parse += time.Since(start)
	}
	b.ReportMetric(float64(n)*float64(b.N)/bare.Seconds(), "bare-rows/s")
	b.ReportMetric(float64(n)*float64(b.N)/parse.Seconds(), "parse-rows/s")
	b.ReportMetric(bare.Seconds()/parse.Seconds(), "ratio")
}

// PERFORMANCE P1: BenchmarkBareRows is P1's limit: open, stream every row,
// read its cells.
func BenchmarkBareRows(b *testing.B) {
	path := benchFile(b)
	rows := 0
	for b.Loop() {
		rows += bareRows(b, path)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	reportPeakRSS(b)
}

// PERFORMANCE P1: BenchmarkParseLong is P1: Parse (layout detection,
// council, indicator, month and value reading, formula scan) over the same
// file.
func BenchmarkParseLong(b *testing.B) {
	path := benchFile(b)
	rows := 0
	for b.Loop() {
		rows += parseLong(b, path)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
	reportPeakRSS(b)
}

// PERFORMANCE P1: BenchmarkInspectLong is the pre-scan of the same file,
// which an upload pays before Parse.
func BenchmarkInspectLong(b *testing.B) {
	path := benchFile(b)
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Inspect(f, info.Size(), "national.xlsx", Limits{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchRows()+1)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkValidateLong times Validate over the parsed file (every rule,
// with no history), which an upload pays after Parse.
func BenchmarkValidateLong(b *testing.B) {
	path := benchFile(b)
	cat := Catalogue{Indicators: reference.Catalogue()}
	p, err := Parse(context.Background(), path, KindXLSX, cat, Limits{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	vc := Context{Catalogue: cat, Now: time.Date(2027, time.January, 1, 0, 0, 0, 0, time.UTC)}
	b.ResetTimer()
	for b.Loop() {
		Validate(p, vc)
	}
	b.ReportMetric(float64(len(p.Rows))*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// reportPeakRSS reports the process's peak resident memory (Linux).
func reportPeakRSS(b *testing.B) {
	s, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(s), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if kb, err := strconv.Atoi(f[1]); err == nil {
				b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
			}
		}
	}
}
