package intake

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/resilience-dashboard/resilience/internal/store"
	"github.com/xuri/excelize/v2"
)

// benchNow puts the clock after December 2026, so the national-scale file
// (2017 to 2026, 120 months) holds no month in the future.
var benchNow = time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)

// nationalMonths is how many months the P1 file covers: 120 at national
// scale (440,640 rows), fewer with RESILIENCE_BENCH_MONTHS for a quick run.
func nationalMonths() int {
	if v, err := strconv.Atoi(os.Getenv("RESILIENCE_BENCH_MONTHS")); err == nil && v > 0 && v <= 120 {
		return v
	}
	return 120
}

func openBenchDB(b *testing.B, ref *reference.Data) (*store.DB, *Service) {
	b.Helper()
	return openBenchDBOn(b, ref, store.SQLite)
}

// benchDialects are the databases P1 is measured on, side by side.
var benchDialects = []store.Dialect{store.SQLite, store.Postgres}

// openBenchDBOn opens a new database of the dialect with the reference
// data loaded: SQLite in a temporary folder, or a database of its own on
// the test PostgreSQL server (pgtest).
func openBenchDBOn(b *testing.B, ref *reference.Data, d store.Dialect) (*store.DB, *Service) {
	b.Helper()
	addr := filepath.Join(b.TempDir(), "bench.db")
	if d == store.Postgres {
		addr = pgtest.URL(b)
	}
	db, err := store.Open(context.Background(), addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.LoadReference(context.Background(), ref, "bench"); err != nil {
		b.Fatal(err)
	}
	return db, &Service{DB: db, Limits: returns.DefaultLimits(), Now: func() time.Time { return benchNow }}
}

// BenchmarkImportNational (PERFORMANCE P1) imports, on SQLite and on
// PostgreSQL (sub-benchmarks sqlite and postgres), a long-format workbook
// of the national-scale demo and, in the same run, times a bare excelize
// Rows() loop over the same file; it reports both rates, their ratio
// (target ≥ 0.7) and the import's peak RSS (target ≤ 150 MB).
//
// A first, untimed pass learns the file's queries, so that the timed
// import carries explanations for them all, as an LGA officer's would.
//
// The peak RSS is the import's own: before each timed import the
// benchmark collects garbage and hands every free page back to the kernel
// (debug.FreeOSMemory), so what the workbook's generation, the first pass
// and the bare loop left behind is not counted, then resets the kernel's
// high-water mark (writing 5 to /proc/self/clear_refs) and reads VmHWM
// from /proc/self/status when the import returns. The first pass only
// reads and checks the file, writing nothing, because what SQLite's C
// allocator (modernc.org/libc) has taken stays resident: a first import
// stopped for explanations left the copy of its 30 MB payload there,
// memory the timed import never uses. The high-water mark still includes
// what the benchmark process itself holds (the test binary, the reference
// data, the open database, the explanations), so it is an upper bound on
// the import's cost, as a fresh import process would see it, not an
// estimate below it.
func BenchmarkImportNational(b *testing.B) {
	ref, err := reference.Load(data.Reference)
	if err != nil {
		b.Fatal(err)
	}
	last := domain.Month{Year: 2026, Month: time.December}
	first := last.Add(-(nationalMonths() - 1))
	path := filepath.Join(b.TempDir(), "national.xlsx")
	var buf bytes.Buffer
	rows, err := demo.WriteLongWorkbook(&buf, ref, demo.Options{Seed: 7, First: first, Last: last})
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		b.Fatal(err)
	}
	buf = bytes.Buffer{}
	explanations := learnQueries(b, ref, path)
	for _, d := range benchDialects {
		b.Run(string(d), func(b *testing.B) { importNational(b, ref, d, path, rows, explanations) })
	}
}

// importNational is P1 on one database. On PostgreSQL the peak RSS is
// the importing process's own; the server's memory is its own business.
func importNational(b *testing.B, ref *reference.Data, d store.Dialect, path string, rows int, explanations map[string]string) {
	b.ResetTimer()
	var bareSecs, importSecs float64
	var peak int64
	for i := 0; i < b.N; i++ {
		start := time.Now()
		n := bareRows(b, path)
		bareSecs += time.Since(start).Seconds()
		if n != rows+1 {
			b.Fatalf("bare loop read %d rows; want %d", n, rows+1)
		}
		b.StopTimer()
		_, svc := openBenchDBOn(b, ref, d)
		debug.FreeOSMemory()
		resetPeakRSS()
		b.StartTimer()
		start = time.Now()
		res, err := svc.Submit(context.Background(), Request{Path: path, FileName: "national.xlsx", Submitter: "benchmark", Source: "cli", Explanations: explanations})
		importSecs += time.Since(start).Seconds()
		if err != nil {
			b.Fatal(err)
		}
		if res.Status != domain.StatusStored {
			b.Fatalf("national import %s with %d errors, %d queries: %v", res.Status, res.Submission.ErrorCount, res.Submission.QueryCount, first3(res.Messages))
		}
		peak = max(peak, peakRSS())
	}
	bareRate := float64(rows*b.N) / bareSecs
	importRate := float64(rows*b.N) / importSecs
	b.ReportMetric(float64(rows), "rows")
	b.ReportMetric(bareRate, "bare-rows/s")
	b.ReportMetric(importRate, "import-rows/s")
	b.ReportMetric(importRate/bareRate, "ratio")
	b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
	verdict := func(ok bool) string { return map[bool]string{true: "PASS", false: "FAIL"}[ok] }
	b.Logf("P1 on %s: import %.0f rows/s, bare excelize loop %.0f rows/s, ratio %.2f (≥ 0.7: %s), peak RSS %.0f MB (≤ 150: %s)",
		d, importRate, bareRate, importRate/bareRate, verdict(importRate/bareRate >= 0.7), float64(peak)/(1<<20), verdict(float64(peak)/(1<<20) <= 150))
}

// learnQueries reads and checks the file as Submit does, writing nothing,
// and answers every query it raises, as an LGA officer's explanations
// would.
func learnQueries(b *testing.B, ref *reference.Data, path string) map[string]string {
	b.Helper()
	ctx := context.Background()
	db, probe := openBenchDB(b, ref)
	defer db.Close()
	cat, err := probe.catalogue(ctx)
	if err != nil {
		b.Fatal(err)
	}
	parsed, err := returns.ParseWith(ctx, path, returns.KindXLSX, cat, probe.Limits, returns.Options{Compact: true})
	if err != nil {
		b.Fatal(err)
	}
	vc, err := probe.validationContext(ctx, cat, parsed, 0)
	if err != nil {
		b.Fatal(err)
	}
	explanations := map[string]string{}
	for _, m := range append(parsed.Messages, returns.Validate(parsed, vc)...) {
		if m.Severity == domain.SeverityQuery {
			explanations[m.Key()] = "Checked."
		}
	}
	return explanations
}

func first3(ms []domain.Message) string {
	var parts []string
	for i, m := range ms {
		if i == 3 {
			break
		}
		parts = append(parts, m.Rule+" "+m.Cell+": "+m.Text)
	}
	return strings.Join(parts, "; ")
}

// bareRows is the physical limit P1 is measured against: excelize's
// streaming reader with the options the import opens a workbook with (raw
// values, the same unzip limits, so the sheet spills to a temporary file
// as it does there), reading every cell's value.
func bareRows(b *testing.B, path string) int {
	f, err := excelize.OpenFile(path, returns.DefaultLimits().ExcelizeOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(demo.LongSheet)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	n, cells := 0, 0
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			b.Fatal(err)
		}
		cells += len(cols)
		n++
	}
	if cells == 0 {
		b.Fatal("no cells")
	}
	return n
}

// resetPeakRSS clears the kernel's high-water mark of resident memory
// (Linux), so peakRSS measures what follows.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads the process's resident-memory high-water mark in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkSubmitTemplate (PERFORMANCE P2) times one council's monthly
// return from upload to validated and stored, server-side: target p50 ≤
// 30 ms. Each iteration stores a new version with different figures.
func BenchmarkSubmitTemplate(b *testing.B) {
	ref, err := reference.Load(data.Reference)
	if err != nil {
		b.Fatal(err)
	}
	db, svc := openBenchDB(b, ref)
	// A year of history for Camden, so validation has something to compare.
	last := domain.LastComplete(benchNow)
	_, err = db.LoadDemo(context.Background(), func(emit func(domain.Observation) error) error {
		return demo.Generate(ref, demo.Options{Seed: 3, First: last.Add(-12), Last: last.Add(-1), Councils: []int{202}}, emit)
	})
	if err != nil {
		b.Fatal(err)
	}
	co, _ := ref.CouncilByNumber(202)
	dir := b.TempDir()
	var files []string
	for i := 0; i < 8; i++ {
		var buf bytes.Buffer
		if err := returns.WriteTemplate(&buf, co, last, ref.Indicators); err != nil {
			b.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			b.Fatal(err)
		}
		fillValues(b, f, 1+float64(i)/100)
		p := filepath.Join(dir, fmt.Sprintf("return-%d.xlsx", i))
		if err := f.SaveAs(p); err != nil {
			b.Fatal(err)
		}
		f.Close()
		files = append(files, p)
	}
	// A first pass learns which cells raise queries and explains them, as
	// a data lead would, so the timed runs store every time.
	for _, p := range files {
		res, err := svc.Submit(context.Background(), Request{Path: p, FileName: "return.xlsx", Submitter: "benchmark", Source: "web", ScopeCouncil: 202})
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range res.Messages {
			if m.Severity == domain.SeverityQuery {
				explainAll[m.Key()] = "Checked with the service manager."
			} else {
				b.Fatalf("error in the benchmark return: %s", m.Text)
			}
		}
	}
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := svc.Submit(context.Background(), Request{Path: files[i%len(files)], FileName: "return.xlsx", Submitter: "benchmark",
			Source: "web", ScopeCouncil: 202, Explanations: explainAll})
		durations = append(durations, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if res.Status != domain.StatusStored && res.Status != domain.StatusUnchanged {
			b.Fatalf("status %s: %s", res.Status, first3(res.Messages))
		}
	}
	b.StopTimer()
	p50, p99 := percentile(durations, 0.5), percentile(durations, 0.99)
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}

// explainAll answers any query, so the benchmark always stores.
var explainAll = map[string]string{}

func fillValues(b *testing.B, f *excelize.File, scale float64) {
	rows, err := f.GetRows(returns.ReturnSheet)
	if err != nil {
		b.Fatal(err)
	}
	values := map[string]float64{"EHE_KNOWN": 300, "EHE_NEW": 30, "EHE_RETURNED": 10, "EHE_NEW_HEALTH": 8,
		"CSC_REFERRALS": 400, "CSC_REREFERRALS": 80, "CSC_ASSESSMENTS": 380, "CSC_S47": 120, "CSC_CIN": 1800, "CSC_CPP": 200, "CSC_CLA": 300,
		"EH_REQUESTS": 150, "EH_ASSESSMENTS": 120, "EH_OPEN": 900, "EH_STEPDOWN": 20, "SEND_EHCP": 2000, "SEND_EHC_REQUESTS": 40,
		"SEND_EHCP_20WK": 55, "SEND_ATTEND_EHCP": 87.5, "SEND_ATTEND_ALL": 93.1, "WF_VACANCY": 15, "WF_AGENCY": 12, "WF_CASELOAD": 17.5, "WF_ABSENCE": 3.2}
	codeCol, valueCol := -1, -1
	for i, row := range rows {
		for j, v := range row {
			if v == returns.HeaderCode {
				codeCol = j
			} else if v == returns.HeaderValue {
				valueCol = j
			}
		}
		if codeCol < 0 || valueCol < 0 {
			continue
		}
		for k := i + 1; k < len(rows); k++ {
			if codeCol < len(rows[k]) {
				if v, ok := values[rows[k][codeCol]]; ok {
					cell, _ := excelize.CoordinatesToCellName(valueCol+1, k+1)
					if scale != 1 && v > 50 {
						v = float64(int(v * scale))
					}
					_ = f.SetCellValue(returns.ReturnSheet, cell, v)
				}
			}
		}
		return
	}
	b.Fatal("no header row in the template")
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(p*float64(len(s)-1))]
}
