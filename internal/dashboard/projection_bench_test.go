package dashboard

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// BenchmarkProjectAll measures PERFORMANCE P8: projecting every current
// council and indicator at national scale, with the backtests published
// beside them (target ≤ 2 s), and then the incremental update after one
// council's return, which projects that council again and carries the
// rest over.
func BenchmarkProjectAll(b *testing.B) {
	ctx := context.Background()
	db := nationalDBOn(b, store.SQLite)
	m := New(db, Config{})
	d, err := m.Snapshot(ctx)
	if err != nil {
		b.Fatal(err)
	}
	series := 0
	for _, ind := range d.Indicators {
		for _, co := range d.Councils {
			if d.Values[ind.Code][co.Number].len() > 0 {
				series++
			}
		}
	}
	var incremental, cpu time.Duration
	i := 0
	for b.Loop() {
		d.mu.Lock()
		d.projections = map[projKey]*Projected{}
		d.mu.Unlock()
		c0 := cpuTime()
		d.ProjectAll()
		cpu += cpuTime() - c0
		b.StopTimer()
		// One council's return: only its projections are made again.
		i++
		sub := &domain.Submission{SubmittedBy: "bench", Source: "cli", FileName: "r.xlsx", SHA256: fmt.Sprint("p", i), Layout: "template"}
		var obs []domain.Observation
		for _, in := range d.Indicators {
			obs = append(obs, domain.Observation{Council: 202, Indicator: in.Code, Month: d.Last.String(), Value: float64(100 + i)})
		}
		if err := db.StoreSubmission(ctx, sub, obs, nil, domain.AuditEntry{Actor: "bench"}, nil); err != nil {
			b.Fatal(err)
		}
		next, err := m.Refresh(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		next.ProjectAll()
		incremental = time.Since(t0)
		b.StartTimer()
	}
	b.ReportMetric(float64(series), "series")
	// On a shared machine the wall time waits for other work; the CPU
	// time over the cores used is what the work itself costs.
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(incremental.Microseconds())/1000, "ms-after-one-return")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
