package dashboard

import (
	"os"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL server the benchmarks may start.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
