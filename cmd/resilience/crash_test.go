package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// writeDemoWorkbook writes a long-format workbook of demo figures.
func writeDemoWorkbook(t *testing.T, path string, seed int64, councils []int, first, last domain.Month) int {
	t.Helper()
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := demo.WriteLongWorkbook(&buf, ref, demo.Options{Seed: seed, First: first, Last: last, Councils: councils})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return n
}

// prepareDB creates a database with the reference data and nothing else.
func prepareDB(t *testing.T, path string) {
	t.Helper()
	cfg := testConfig(path)
	cfg.NoDemo = true
	app := &App{Config: cfg, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}
	s, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	app.db = s
	if err := app.seed(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// explainAllQueries runs an import that stops at its queries and writes a
// file explaining every one of them, keyed as the report prints them.
func explainAllQueries(t *testing.T, db, file string) string {
	t.Helper()
	var out strings.Builder
	err := run(context.Background(), []string{"import", "--database", db, "--quiet", file}, nil, &out, io.Discard)
	answers := map[string]string{}
	for _, m := range regexp.MustCompile(`key for --explain-queries: "([^"]+)"`).FindAllStringSubmatch(out.String(), -1) {
		answers[m[1]] = "Checked with the service."
	}
	if err != nil && len(answers) == 0 {
		t.Fatalf("dry run: %v\n%s", err, out.String())
	}
	b, _ := json.Marshal(answers)
	path := filepath.Join(filepath.Dir(db), "explanations.json")
	if store.IsPostgresURL(db) {
		path = filepath.Join(t.TempDir(), "explanations.json")
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// crashChild runs, in the child process of
// TestKillDuringImportLosesNothing, the import command that the parent
// kills part-way. TestMain calls it when the environment says so.
func crashChild() {
	args := strings.Split(os.Getenv("RESILIENCE_CRASH_ARGS"), "\x1f")
	_ = run(context.Background(), args, nil, io.Discard, os.Stderr)
}

// SECURITY R1: a process killed with SIGKILL in the middle of a large
// import leaves a sound database holding either the whole new return or
// the previous version, never a part.
func TestKillDuringImportLosesNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "crash.db")
	ctx := context.Background()
	prepareDB(t, db)

	last := domain.LastComplete(time.Now())
	first := last.Add(-23)
	small := filepath.Join(dir, "previous.xlsx")
	writeDemoWorkbook(t, small, 1, []int{202}, first, last)
	if err := run(ctx, []string{"import", "--database", db, "--quiet", "--explain-queries", explainAllQueries(t, db, small), small}, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("import the previous version: %v", err)
	}
	before := snapshot(t, db)

	big := filepath.Join(dir, "bulk.xlsx")
	rows := writeDemoWorkbook(t, big, 2, nil, last.Add(-47), last)
	// A dry run reports the file's queries; answer them all, as a data lead
	// would, so the killed import gets as far as storing.
	explain := explainAllQueries(t, db, big)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "RESILIENCE_CRASH_CHILD=1",
		"RESILIENCE_CRASH_ARGS="+strings.Join([]string{"import", "--database", db, "--explain-queries", explain, big}, "\x1f"))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child is writing, then kill it without warning.
	storing := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Split(scanProgress)
		once := false
		for sc.Scan() {
			if !once && strings.Contains(sc.Text(), "storing") {
				once = true
				close(storing)
			}
		}
	}()
	select {
	case <-storing:
		time.Sleep(20 * time.Millisecond)
	case <-time.After(15 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("the child never reached the storing stage")
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	s, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ok, err := s.IntegrityCheck(ctx); err != nil || ok != "ok" {
		t.Fatalf("integrity_check after kill -9: %q, %v", ok, err)
	}
	s.Close()
	after := snapshot(t, db)
	switch {
	case after.observations == before.observations && after.camden == before.camden:
		t.Logf("killed before commit: the previous version is intact (%d figures)", after.observations)
	case after.observations == before.observations+rows:
		t.Logf("the import committed before the kill: all %d new figures present", rows)
	default:
		t.Fatalf("partial import: %d figures before, %d after, %d in the file", before.observations, after.observations, rows)
	}
}

type dbState struct {
	observations int
	camden       float64
}

func snapshot(t *testing.T, path string) dbState {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	councils, err := s.Councils(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var st dbState
	var nums []int
	for _, c := range councils {
		nums = append(nums, c.Number)
	}
	obs, err := s.CurrentObservations(ctx, nums)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range obs {
		if o.Council == 202 {
			st.camden += o.Value
		}
	}
	st.observations = countAllObservations(t, s)
	return st
}

func countAllObservations(t *testing.T, s *store.DB) int {
	t.Helper()
	n, err := s.CountObservations(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// scanProgress splits the progress bar's output at carriage returns as
// well as newlines.
func scanProgress(data []byte, atEOF bool) (int, []byte, error) {
	for i, b := range data {
		if b == '\r' || b == '\n' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
