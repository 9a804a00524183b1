package dashboard

import (
	"context"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Two instances' read models over one PostgreSQL database, each through a
// connection pool of its own: a return stored through one reaches the
// other at its next look at the data version (at most 250 ms on), applied
// as a change, not by reading every figure again, and it then answers as
// a fresh load would. That holds from a database no change has reached
// yet, whose data version is still unset.
func TestChangeFromAnotherInstanceIsAppliedIncrementally(t *testing.T) {
	ctx := context.Background()
	addr := pgtest.URL(t)
	open := func() *store.DB {
		db, err := store.Open(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	dbA, dbB := open(), open()
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dbA.LoadReference(ctx, ref, "test"); err != nil {
		t.Fatal(err)
	}
	b := New(dbB, Config{})
	clock := time.Now()
	b.now = func() time.Time { return clock }
	d0, err := b.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, value := range []float64{321, 322} {
		storeFigures(t, dbA, "template", domain.Observation{Council: 202, Month: "2024-06", Indicator: "CSC_CLA", Value: value},
			domain.Observation{Council: 301, Month: "2024-05", Indicator: "CSC_CLA", Value: 100 + float64(i)})
		if d, _ := b.Snapshot(ctx); d.Version != d0.Version && i == 0 {
			t.Fatal("the model looked at the data version again within 250 ms")
		}
		clock = clock.Add(checkEvery)
		d, err := b.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := d.Values["CSC_CLA"][202].at(domain.Month{Year: 2024, Month: time.June}.Index()); v != value {
			t.Fatalf("after return %d the other instance's model has %v; want %v", i+1, v, value)
		}
		same(t, "a return from another instance", d, dbB)
		if loads, updates := b.Counts(); loads != 1 || updates != int64(i+1) {
			t.Fatalf("after return %d: %d loads and %d updates; want the one load and %d updates", i+1, loads, updates, i+1)
		}
	}
}
