package dashboard

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// nationalDBOn is a database with the national-scale demo: every council,
// indicator and month from January 2017 to last month; on SQLite or,
// for PostgreSQL, a database of its own on the test server (pgtest).
func nationalDBOn(b *testing.B, d store.Dialect) *store.DB {
	b.Helper()
	ctx := context.Background()
	addr := filepath.Join(b.TempDir(), "national.db")
	if d == store.Postgres {
		addr = pgtest.URL(b)
	}
	db, err := store.Open(ctx, addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ref, err := reference.Load(data.Reference)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.LoadReference(ctx, ref, "bench"); err != nil {
		b.Fatal(err)
	}
	last := domain.LastComplete(time.Now())
	n, err := db.LoadDemo(ctx, func(emit func(domain.Observation) error) error {
		return demo.Generate(ref, demo.Options{Seed: demo.DefaultSeed, Last: last}, emit)
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("national demo: %d figures", n)
	return db
}

func percentiles(ds []time.Duration) (p50, p99, worst time.Duration) {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return at(0.5), at(0.99), ds[len(ds)-1]
}

// BenchmarkFirstPagesAfterAReturn measures PERFORMANCE P3c at national
// scale in the read model: after each of 20 accepted returns, the time to
// bring the model up to date and answer the first profile (tiles and main
// chart), compare and pressure pages from it; on SQLite and on
// PostgreSQL (sub-benchmarks sqlite and postgres).
func BenchmarkFirstPagesAfterAReturn(b *testing.B) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		b.Run(string(d), func(b *testing.B) { firstPagesAfterAReturn(b, nationalDBOn(b, d)) })
	}
}

func firstPagesAfterAReturn(b *testing.B, db *store.DB) {
	ctx := context.Background()
	for b.Loop() {
		m := New(db, Config{})
		start := time.Now()
		d, err := m.Snapshot(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ind := d.ByCode["CSC_REFERRALS"]
		d.Tiles(202, Viewer{})
		d.CouncilComparison(Viewer{}, ind, 202, d.First, d.Last)
		cold := time.Since(start)
		pm, _ := d.PressureMonth()
		d.Pressure(pm)
		d.Compare(Viewer{}, ind, d.Last, 202)
		b.ReportMetric(float64(cold.Milliseconds()), "ms-first-profile-first-ever")

		var profile, compare, pressure []time.Duration
		councils := []int{202, 301, 886, 330, 928}
		for i := range 20 {
			n := councils[i%len(councils)]
			month := d.Last
			if n == 928 {
				month = domain.Month{Year: 2020, Month: time.May}
			}
			sub := &domain.Submission{SubmittedBy: "bench", Source: "cli", FileName: "r.xlsx", SHA256: fmt.Sprint(i), Layout: "template"}
			var obs []domain.Observation
			for _, in := range d.Indicators {
				obs = append(obs, domain.Observation{Council: n, Indicator: in.Code, Month: month.String(), Value: float64(100 + i)})
			}
			if err := db.StoreSubmission(ctx, sub, obs, nil, domain.AuditEntry{Actor: "bench"}, nil); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			d, err = m.Refresh(ctx)
			if err != nil {
				b.Fatal(err)
			}
			d.Tiles(n, Viewer{})
			d.CouncilComparison(Viewer{}, ind, n, d.First, d.Last)
			t1 := time.Now()
			d.Compare(Viewer{}, ind, month, n)
			t2 := time.Now()
			pm, _ := d.PressureMonth()
			d.Pressure(pm)
			t3 := time.Now()
			profile, compare, pressure = append(profile, t1.Sub(t0)), append(compare, t2.Sub(t1)+t1.Sub(t0)), append(pressure, t3.Sub(t2)+t1.Sub(t0))
		}
		// A restart: the checkpoint and the 20 returns since.
		restart := time.Now()
		m2 := New(db, Config{})
		d2, err := m2.Snapshot(ctx)
		if err != nil {
			b.Fatal(err)
		}
		d2.Tiles(202, Viewer{})
		d2.CouncilComparison(Viewer{}, ind, 202, d2.First, d2.Last)
		b.ReportMetric(float64(time.Since(restart).Microseconds())/1000, "ms-first-profile-after-start")
		for _, x := range []struct {
			name string
			ds   []time.Duration
		}{{"profile", profile}, {"compare", compare}, {"pressure", pressure}} {
			p50, p99, _ := percentiles(x.ds)
			b.ReportMetric(float64(p50.Microseconds())/1000, "ms-"+x.name+"-p50")
			b.ReportMetric(float64(p99.Microseconds())/1000, "ms-"+x.name+"-p99")
		}
	}
}
