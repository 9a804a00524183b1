package store

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// makeReadOnly makes a file unwritable for this process until the test
// ends. Tests run as root, whom file permissions do not stop, so root
// marks the file immutable (chattr +i), which stops root too.
func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(path, 0o644) })
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("cannot make %s read-only as root here (chattr +i: %v %s)", path, err, out)
	}
	t.Cleanup(func() { _ = exec.Command("chattr", "-i", path).Run() })
}

// A read-only database file is refused at start-up, with a message that
// names the file, rather than failing later at the first upload.
func TestOpenRefusesAReadOnlyDatabaseFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "readonly.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	makeReadOnly(t, path)
	db, err = Open(ctx, path)
	if err == nil {
		db.Close()
		t.Fatal("a read-only database file was opened")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("error %q; want it to name %s and say it is read-only", err, path)
	}
}

// A database SQLite opened read-only is refused too, by the write probe.
func TestWriteProbeRefusesAReadOnlyConnection(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := sqlx.Open("sqlite", "file:"+path+"?mode=ro&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	err = checkWritable(ctx, &DB{Path: path, dialect: SQLite, w: &dbx{ro, SQLite}}, path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "cannot be written") {
		t.Errorf("read-only connection: %v; want an error naming %s", err, path)
	}
	rw, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if err := checkWritable(ctx, rw, path); err != nil {
		t.Errorf("writable database: %v", err)
	}
	// The probe leaves nothing behind.
	var n int
	if err := rw.r.GetContext(ctx, &n, "SELECT count(*) FROM sqlite_master WHERE name = 'write_probe'"); err != nil || n != 0 {
		t.Errorf("write_probe tables: %d (%v); want none", n, err)
	}
}

// The health check's write test does not wait for a long write: a writer
// busy with a load counts as writable.
func TestCheckWritableWhileTheWriterIsBusy(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	tx, err := db.w.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := db.CheckWritable(ctx); err != nil {
		t.Errorf("with the writer busy: %v; want writable", err)
	}
	tx.Rollback()
	if err := db.CheckWritable(ctx); err != nil {
		t.Errorf("idle: %v", err)
	}
	makeReadOnly(t, db.Path)
	if err := db.CheckWritable(ctx); err == nil || !strings.Contains(err.Error(), db.Path) {
		t.Errorf("read-only file: %v; want an error naming it", err)
	}
}
