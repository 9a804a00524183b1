package demo

import (
	"sync"
	"testing"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

var (
	refOnce sync.Once
	refData *reference.Data
	refErr  error
)

// testRef loads the project's real reference data once: the demo's
// promises (anchoring, the pandemic's shape) are about the real councils.
func testRef(tb testing.TB) *reference.Data {
	tb.Helper()
	refOnce.Do(func() { refData, refErr = reference.Load(data.Reference) })
	if refErr != nil {
		tb.Fatalf("loading reference data: %v", refErr)
	}
	return refData
}
