package main

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
)

// The smallest changes that can raise a query are settings, as the
// tolerance is: RESILIENCE_MIN_CHANGE and RESILIENCE_MIN_CHANGE_POINTS,
// and -min-change and -min-change-points over them, for serve and import.
// Unset keeps the defaults (10 and 2 points); 0 means no minimum.
func TestMinChangeSettings(t *testing.T) {
	t.Setenv("RESILIENCE_MIN_CHANGE", "20")
	t.Setenv("RESILIENCE_MIN_CHANGE_POINTS", "1.5")
	app, err := newApp(nil, io.Discard)
	if err != nil || app.MinChange != 20 || app.MinChangePoints != 1.5 {
		t.Errorf("from the environment: %+v, %v; want 20 and 1.5", app, err)
	}
	app, err = newApp([]string{"-min-change", "0", "-min-change-points", "3"}, io.Discard)
	if err != nil || app.MinChange != 0 || app.MinChangePoints != 3 {
		t.Errorf("the flags over the environment: %+v, %v; want none (0) and 3", app, err)
	}
	for _, bad := range [][]string{{"-min-change", "ten"}, {"-min-change", "-5"}, {"-min-change-points", "NaN"}} {
		if _, err := newApp(bad, io.Discard); err == nil || !strings.Contains(err.Error(), "0 for no minimum") {
			t.Errorf("%v: %v; want a refusal showing how to write it", bad, err)
		}
	}
	t.Setenv("RESILIENCE_MIN_CHANGE", "")
	t.Setenv("RESILIENCE_MIN_CHANGE_POINTS", "")
	if app, err := newApp(nil, io.Discard); err != nil || app.MinChange != 10 || app.MinChangePoints != 2 {
		t.Errorf("default: %+v, %v; want 10 and 2 points", app, err)
	}

	// The import command: returns to school 16 → 8 is below the default
	// minimum and within chance variation, so stored; with
	// RESILIENCE_MIN_CHANGE=5 it is still within chance variation (3 × √16
	// = 12); absence 3.2% → 4.1% is below 2 points, but not below
	// -min-change-points 0.5.
	dir := t.TempDir()
	db := filepath.Join(dir, "minchange.db")
	prepareDB(t, db)
	month := domain.LastComplete(time.Now())
	before, after := filepath.Join(dir, "before.xlsx"), filepath.Join(dir, "after.xlsx")
	writeReturn(t, before, month.Add(-1), importValues(map[string]float64{"EHE_RETURNED": 16}))
	writeReturn(t, after, month, importValues(map[string]float64{"EHE_RETURNED": 8, "WF_ABSENCE": 4.1}))
	if code, out := runImportCmd(t, "--database", db, "--quiet", before); code != exitStored {
		t.Fatalf("last month: exit %d\n%s", code, out)
	}
	if code, out := runImportCmd(t, "--database", db, "--quiet", "--min-change-points", "0.5", after); code != exitQueries ||
		!strings.Contains(out, returns.RuleChange) || !strings.Contains(out, "WF_ABSENCE") || strings.Contains(out, "EHE_RETURNED") {
		t.Errorf("absence +0.9 points at a minimum of 0.5: exit %d; want %d for absence alone\n%s", code, exitQueries, out)
	}
	t.Setenv("RESILIENCE_MIN_CHANGE", "5")
	if code, out := runImportCmd(t, "--database", db, "--quiet", after); code != exitStored {
		t.Errorf("the defaults otherwise: exit %d; want it stored\n%s", code, out)
	}

	// A resubmission prints the figures it changes.
	again := filepath.Join(dir, "again.xlsx")
	writeReturn(t, again, month, importValues(map[string]float64{"EHE_RETURNED": 8, "WF_ABSENCE": 4.0}))
	if code, out := runImportCmd(t, "--database", db, "--quiet", again); code != exitStored ||
		!strings.Contains(out, "Replaces the returns held for 1 council-month; 1 figure differs") || !strings.Contains(out, "council 202, WF_ABSENCE, "+month.String()+": 4.1 → 4") {
		t.Errorf("a resubmission: exit %d; want it stored, listing absence 4.1 → 4\n%s", code, out)
	}
}
