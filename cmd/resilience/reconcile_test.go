package main

import (
	"io"
	"strings"
	"testing"
)

// The reconciliation tolerance is read like the query tolerance: from
// RESILIENCE_RECONCILE_TOLERANCE, overridden by -reconcile-tolerance, as a
// fraction or a percentage; nothing keeps the default, 5%.
func TestReconcileToleranceSetting(t *testing.T) {
	t.Setenv("RESILIENCE_RECONCILE_TOLERANCE", "")
	if app, err := newApp(nil, io.Discard); err != nil || app.ReconcileTolerance != 0.05 {
		t.Fatalf("default: %v, %v", app, err)
	}
	t.Setenv("RESILIENCE_RECONCILE_TOLERANCE", "7.5%")
	app, err := newApp(nil, io.Discard)
	if err != nil || app.ReconcileTolerance != 0.075 {
		t.Fatalf("from environment: %v, %v", app.ReconcileTolerance, err)
	}
	if app, err = newApp([]string{"-reconcile-tolerance", "0.1"}, io.Discard); err != nil || app.ReconcileTolerance != 0.1 {
		t.Fatalf("flag should override: %v, %v", app.ReconcileTolerance, err)
	}
	for _, bad := range []string{"lots", "-5%", "2000%"} {
		_, err := newApp([]string{"-reconcile-tolerance", bad}, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "reconcile tolerance") {
			t.Errorf("%q: %v; want an error naming the reconcile tolerance", bad, err)
		}
	}
}
