package intake

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/xuri/excelize/v2"
)

// bulkCase is a long-format file large enough (more than earlyAfter
// figures) that Submit writes its figures while it is still reading it.
type bulkCase struct {
	councils []int
	months   []domain.Month
	values   map[string]float64
	counts   map[string]bool // indicators that are counts
}

func newBulkCase(t *testing.T, svc *Service) bulkCase {
	t.Helper()
	cs, err := svc.DB.Councils(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var councils []int
	for _, c := range cs {
		councils = append(councils, c.Number)
	}
	sort.Ints(councils)
	inds, err := svc.DB.Indicators(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]bool{}
	for _, ind := range inds {
		counts[ind.Code] = ind.Unit == domain.UnitCount
	}
	values := typical(nil)
	months := domain.MonthsBetween(domain.FirstMonth, jan2021)
	// Enough figures that the early write starts well before the end.
	n := (earlyAfter+12000)/(len(months)*len(values)) + 1
	if len(councils) < n {
		t.Fatalf("%d councils; want %d", len(councils), n)
	}
	return bulkCase{councils: councils[:n], months: months, values: values, counts: counts}
}

// value is a figure of the file: counts alternate between their typical
// value and one more, so that history has a spread and a change of one
// raises no query.
func (b bulkCase) value(m domain.Month, code string) float64 {
	if b.counts[code] {
		return b.values[code] + float64(m.Index()%2)
	}
	return b.values[code]
}

func (b bulkCase) figures() int { return len(b.councils) * len(b.months) * len(b.values) }

// write saves the file; change, if set, may replace a figure.
func (b bulkCase) write(t *testing.T, name string, change func(council int, m domain.Month, code string, v float64) any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"la_number", "indicator", "month", "value"}); err != nil {
		t.Fatal(err)
	}
	codes := make([]string, 0, len(b.values))
	for code := range b.values {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	row := 1
	for _, c := range b.councils {
		for _, code := range codes {
			for _, m := range b.months {
				var v any = b.value(m, code)
				if change != nil {
					v = change(c, m, code, b.value(m, code))
				}
				row++
				cell, _ := excelize.CoordinatesToCellName(1, row)
				if err := sw.SetRow(cell, []any{c, code, m.String(), v}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

func countFigures(t *testing.T, svc *Service) int {
	t.Helper()
	n, err := svc.DB.CountObservations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// SECURITY R1 for a bulk file whose figures are written while it is read:
// it is stored whole when it passes, and leaves nothing behind when an
// error or an unexplained query turns up only at its end, or when the
// upload is cancelled part-way.
func TestBulkFileWrittenWhileReadIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	svc := newService(t)
	svc.ReconcileTolerance = -1 // the file's figures are made up, not set against DfE's
	b := newBulkCase(t, svc)
	lastCouncil, lastMonth := b.councils[len(b.councils)-1], b.months[len(b.months)-1]
	atEnd := func(v any) func(int, domain.Month, string, float64) any {
		return func(c int, m domain.Month, code string, x float64) any {
			if c == lastCouncil && m == lastMonth && code == "CSC_CLA" {
				return v
			}
			return x
		}
	}

	t.Run("ErrorAtTheEnd", func(t *testing.T) {
		res := submit(t, svc, b.write(t, "error.xlsx", atEnd("n/a")), nil)
		if res.Status != domain.StatusRejected || res.Submission.ErrorCount != 1 {
			t.Fatalf("%s with %d errors; want rejected with 1", res.Status, res.Submission.ErrorCount)
		}
		if n := countFigures(t, svc); n != 0 {
			t.Fatalf("%d figures held after a rejected file; want none", n)
		}
		sub, _, err := svc.DB.Submission(ctx, res.Submission.ID)
		if err != nil || sub.Status != domain.StatusRejected || sub.RowCount != b.figures()-1 {
			t.Fatalf("recorded %+v, %v; want rejected with %d figures", sub, err, b.figures()-1)
		}
	})

	t.Run("CancelledWhileReading", func(t *testing.T) {
		path := b.write(t, "cancelled.xlsx", nil)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		_, err := svc.Submit(cctx, Request{Path: path, FileName: "cancelled.xlsx", Submitter: "lga@intake.test", Source: "cli",
			Progress: func(stage string, done, _ int) {
				if stage == "reading" && done >= earlyAfter+5000 {
					cancel()
				}
			}})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err %v; want cancelled", err)
		}
		if n := countFigures(t, svc); n != 0 {
			t.Fatalf("%d figures held after a cancelled upload; want none", n)
		}
	})

	var waiting *Result
	t.Run("QueryAtTheEnd", func(t *testing.T) {
		waiting = submit(t, svc, b.write(t, "query.xlsx", atEnd(3000.0)), nil)
		if waiting.Status != domain.StatusAwaiting {
			t.Fatalf("%s; want waiting for explanations", waiting.Status)
		}
		if n := countFigures(t, svc); n != 0 {
			t.Fatalf("%d figures held while waiting for explanations; want none", n)
		}
	})

	var stored *Result
	t.Run("Stored", func(t *testing.T) {
		path := b.write(t, "good.xlsx", nil)
		stored = submit(t, svc, path, nil)
		if stored.Status != domain.StatusStored {
			t.Fatalf("%s with %v; want stored", stored.Status, first3(stored.Messages))
		}
		if n := countFigures(t, svc); n != b.figures() {
			t.Fatalf("%d figures held; want %d", n, b.figures())
		}
		sub, payload, err := svc.DB.Submission(ctx, stored.Submission.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Status != domain.StatusStored || sub.RowCount != b.figures() || sub.Layout != "long" || payload != "" ||
			len(strings.Fields(sub.Months)) != len(b.months) || len(strings.Fields(sub.Councils)) != len(b.councils) ||
			sub.ErrorCount != 0 || sub.QueryCount != 0 || sub.SubmittedAt == "" || sub.MessagesJSON != "[]" {
			t.Fatalf("recorded %+v; want it stored with its coverage", sub)
		}
		if got, want := currentValue(t, svc, lastCouncil, "CSC_CLA", lastMonth), b.value(lastMonth, "CSC_CLA"); got != want {
			t.Fatalf("CSC_CLA %v; want %v", got, want)
		}
		// The file waiting for explanations covers the same councils and
		// months, so it was superseded.
		old, _, err := svc.DB.Submission(ctx, waiting.Submission.ID)
		if err != nil || old.Status != domain.StatusSuperseded {
			t.Fatalf("waiting upload %+v, %v; want it superseded", old, err)
		}
		if again := submit(t, svc, path, nil); again.Status != domain.StatusUnchanged || again.Existing != stored.Submission.ID {
			t.Fatalf("the same file again: %s, existing %d; want unchanged, %d", again.Status, again.Existing, stored.Submission.ID)
		}
	})

	// Two bulk files at once: the second waits for the writer while the
	// first holds it, and both are stored. A bulk load merges and
	// identical figures change nothing, so only the council-months whose
	// figures differ from those held get a new version: the one each file
	// changes, and the first file's change, which the second file, written
	// before it, undoes.
	t.Run("TwoAtOnce", func(t *testing.T) {
		// Each changes one count of the last month to the other value its
		// history holds, so neither raises a query.
		flip := func(council int) func(int, domain.Month, string, float64) any {
			return func(c int, m domain.Month, code string, x float64) any {
				if c == council && m == lastMonth && code == "CSC_CLA" {
					return b.values[code] + float64(1-m.Index()%2)
				}
				return x
			}
		}
		paths := []string{b.write(t, "a.xlsx", flip(lastCouncil)), b.write(t, "b.xlsx", flip(b.councils[0]))}
		results := make([]*Result, len(paths))
		errs := make([]error, len(paths))
		var wg sync.WaitGroup
		for i, p := range paths {
			wg.Go(func() {
				results[i], errs[i] = svc.Submit(ctx, Request{Path: p, FileName: filepath.Base(p), Submitter: "lga@intake.test", Source: "cli"})
			})
		}
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Minute):
			// Only a deadlock takes this long, however loaded the machine.
			t.Fatal("two bulk files at once did not finish")
		}
		for i := range paths {
			if errs[i] != nil || results[i].Status != domain.StatusStored {
				t.Fatalf("file %d: %v, %v", i, results[i], errs[i])
			}
		}
		perMonth := b.figures() / (len(b.councils) * len(b.months))
		if n := countFigures(t, svc); n != b.figures()+3*perMonth {
			t.Fatalf("%d figures held; want %d and three new versions of %d", n, b.figures(), perMonth)
		}
		total := 0
		for _, c := range []int{lastCouncil, b.councils[0]} {
			versions, err := svc.DB.ReturnVersions(ctx, c, lastMonth.String())
			if err != nil || len(versions) < 2 || versions[0].Status != "current" {
				t.Fatalf("council %d: versions %+v, %v; want two or three, the latest current", c, versions, err)
			}
			total += len(versions)
		}
		if total != 5 {
			t.Fatalf("%d versions of the two changed council-months; want 5", total)
		}
		versions, err := svc.DB.ReturnVersions(ctx, b.councils[1], lastMonth.String())
		if err != nil || len(versions) != 1 {
			t.Fatalf("council %d, untouched: versions %+v, %v; want one", b.councils[1], versions, err)
		}
	})
}
