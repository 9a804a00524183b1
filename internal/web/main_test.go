package web

import (
	"os"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
