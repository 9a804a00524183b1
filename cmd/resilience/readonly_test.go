package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/store"
)

// The serve command refuses a read-only database file at start-up and
// says which file, instead of starting a service that cannot store a
// return. As root, whom permissions do not stop, the file is made
// immutable (chattr +i).
func TestServeRefusesAReadOnlyDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "readonly.db")
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
	} else if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("cannot make the file read-only as root here (chattr +i: %v %s)", err, out)
	}
	t.Cleanup(func() {
		_ = exec.Command("chattr", "-i", path).Run()
		_ = os.Chmod(path, 0o644)
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-database", path, "-no-demo"}, nil, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("serve started on a read-only database")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("serve: %v; want the error to name %s and say it is read-only", err, path)
	}
}
