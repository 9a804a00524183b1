package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// MustOpenDB opens a real SQLite database in a temporary folder.
func MustOpenDB(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(context.Background(), filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustReference(tb testing.TB) *reference.Data {
	tb.Helper()
	ref, err := reference.Load(data.Reference)
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

// SECURITY R4: the linked SQLite is new enough, and older versions are refused.
func TestSQLiteVersionIsNewEnough(t *testing.T) {
	db := MustOpenDB(t)
	v, err := db.SQLiteVersion(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !VersionAtLeast(v, MinSQLiteVersion) {
		t.Fatalf("SQLite %s is older than %s", v, MinSQLiteVersion)
	}
	for _, tt := range []struct {
		have string
		ok   bool
	}{{"3.51.3", true}, {"3.51.2", false}, {"3.52.0", true}, {"3.9.9", false}, {"4.0", true}, {"3.51", false}} {
		if got := VersionAtLeast(tt.have, MinSQLiteVersion); got != tt.ok {
			t.Errorf("VersionAtLeast(%s) = %v; want %v", tt.have, got, tt.ok)
		}
	}
}

func TestSettingsFollowArchitecture(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "5000"} {
		var got string
		if err := db.w.GetContext(ctx, &got, "PRAGMA "+pragma); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s; want %s", pragma, got, want)
		}
	}
	if ok, err := db.IntegrityCheck(ctx); err != nil || ok != "ok" {
		t.Fatalf("integrity_check = %q, %v", ok, err)
	}
}

func TestLoadReferenceIsIdempotent(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		ref := mustReference(t)
		loaded, err := db.LoadReference(ctx, ref, "v1")
		if err != nil || !loaded {
			t.Fatalf("first load: %v, %v", loaded, err)
		}
		loaded, err = db.LoadReference(ctx, ref, "v1")
		if err != nil || loaded {
			t.Fatalf("second load with the same hash should do nothing: %v, %v", loaded, err)
		}
		// A new hash reloads without duplicating anything.
		if _, err := db.LoadReference(ctx, ref, "v2"); err != nil {
			t.Fatal(err)
		}
		councils, err := db.Councils(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(councils) != 153 {
			t.Fatalf("%d current councils; want 153", len(councils))
		}
		events, err := db.Timeline(ctx)
		if err != nil || len(events) != len(ref.Timeline) {
			t.Fatalf("timeline has %d events after reloading; want %d (%v)", len(events), len(ref.Timeline), err)
		}
		nbs, err := db.Neighbours(ctx, 202)
		if err != nil || len(nbs) != 10 {
			t.Fatalf("Camden has %d neighbours; want 10 (%v)", len(nbs), err)
		}
		for _, code := range []string{"E08000016", "E08000038"} {
			c, err := db.CouncilByCode(ctx, code)
			if err != nil || c.Number != 370 {
				t.Errorf("CouncilByCode(%s) = %d, %v; want Barnsley 370", code, c.Number, err)
			}
		}
		if c, err := db.Council(ctx, 928); err != nil || c.Current {
			t.Errorf("Northamptonshire 928 should be kept as a predecessor: %+v, %v", c, err)
		}
		if _, err := db.Council(ctx, 999); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Errorf("unknown council: %v; want not found", err)
		}
		official, err := db.Official(ctx, "CSC_CIN", "council", "202")
		if err != nil || len(official) == 0 {
			t.Fatalf("no official children-in-need figures for Camden: %v", err)
		}
	})
}

func TestLoadDemoStoresOneCurrentReturnPerCouncilMonth(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if _, err := db.LoadReference(ctx, mustReference(t), "v1"); err != nil {
			t.Fatal(err)
		}
		obs := []domain.Observation{
			{Council: 202, Indicator: "CSC_REFERRALS", Month: "2020-01", Value: 100},
			{Council: 202, Indicator: "CSC_CIN", Month: "2020-01", Value: 1800},
			{Council: 202, Indicator: "CSC_REFERRALS", Month: "2020-02", Value: 90},
		}
		n, err := db.LoadDemo(ctx, func(emit func(domain.Observation) error) error {
			for _, o := range obs {
				if err := emit(o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || n != 3 {
			t.Fatalf("LoadDemo = %d, %v; want 3", n, err)
		}
		if demo, _ := db.DemoLoaded(ctx); !demo {
			t.Error("database not marked as holding demo data")
		}
		got, err := db.Series(ctx, 202, "CSC_REFERRALS")
		if err != nil || len(got) != 2 || got[0].Value != 100 || got[1].Month != "2020-02" {
			t.Fatalf("Series = %+v, %v", got, err)
		}
		var returns int
		if err := db.r.GetContext(ctx, &returns, "SELECT count(*) FROM returns WHERE la_number = 202 AND current = 1"); err != nil || returns != 2 {
			t.Fatalf("%d current returns; want 2 (one per month)", returns)
		}
	})
}

// A failure part-way through loading leaves nothing behind (all or nothing).
func TestLoadDemoRollsBackOnError(t *testing.T) {
	eachDialect(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		if _, err := db.LoadReference(ctx, mustReference(t), "v1"); err != nil {
			t.Fatal(err)
		}
		_, err := db.LoadDemo(ctx, func(emit func(domain.Observation) error) error {
			if err := emit(domain.Observation{Council: 202, Indicator: "CSC_REFERRALS", Month: "2020-01", Value: 1}); err != nil {
				return err
			}
			// An indicator outside the catalogue violates a foreign key.
			for i := 0; i < 6000; i++ {
				if err := emit(domain.Observation{Council: 202, Indicator: "NOT_AN_INDICATOR", Month: "2020-01", Value: 1}); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			t.Fatal("loading an unknown indicator should fail")
		}
		if has, _ := db.HasObservations(ctx); has {
			t.Fatal("a failed load left observations behind")
		}
		if demo, _ := db.DemoLoaded(ctx); demo {
			t.Fatal("a failed load marked the database as holding demo data")
		}
	})
}
