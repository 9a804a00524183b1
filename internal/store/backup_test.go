package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// SECURITY R5: a backup is a whole, checked copy written under a temporary
// name and renamed; the restore drill opens it as the database and finds
// everything there.
func TestBackupAndRestoreDrill(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	if _, err := db.LoadReference(ctx, mustReference(t), "test"); err != nil {
		t.Fatal(err)
	}
	n, err := db.LoadDemo(ctx, func(emit func(domain.Observation) error) error {
		for _, m := range []string{"2024-01", "2024-02"} {
			if err := emit(domain.Observation{Council: 202, Indicator: "CSC_CIN", Month: m, Value: 1234}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != 2 {
		t.Fatalf("LoadDemo = %d, %v", n, err)
	}
	dir := t.TempDir()
	dest := filepath.Join(dir, "backups", "resilience-backup.db")
	if err := db.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 || entries[0].Name() != "resilience-backup.db" {
		t.Errorf("backup folder holds %v; want the backup alone, no temporary file", entries)
	}
	if err := db.Backup(ctx, dest); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("a second backup to the same name: %v; want a refusal", err)
	}

	// The drill: open the copy as the database.
	restored, err := Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if v, err := restored.IntegrityCheck(ctx); err != nil || v != "ok" {
		t.Fatalf("integrity_check = %q, %v", v, err)
	}
	var count int
	if err := restored.r.GetContext(ctx, &count, "SELECT count(*) FROM observations WHERE la_number = 202 AND value = 1234"); err != nil || count != 2 {
		t.Errorf("restored observations = %d, %v", count, err)
	}
	if demo, _ := restored.DemoLoaded(ctx); !demo {
		t.Error("the restored copy lost its settings")
	}
	cs, err := restored.Councils(ctx)
	if err != nil || len(cs) < 150 {
		t.Errorf("restored councils = %d, %v", len(cs), err)
	}
}

func TestBackupFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	dir := t.TempDir()
	// A destination inside a file cannot be created.
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, filepath.Join(blocker, "backup.db")); err == nil {
		t.Error("a backup into a file's path succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("after a failed backup the folder holds %d entries", len(entries))
	}
}
