package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
)

// SECURITY R4: opening refuses a SQLite older than 3.51.3 with an error
// that names both versions and says to upgrade, and accepts the linked one.
func TestOpenRefusesOldSQLite(t *testing.T) {
	for _, old := range []string{"3.51.2", "3.50.4", "3.45.1", "3.9.9"} {
		err := versionError(old)
		if err == nil {
			t.Errorf("SQLite %s was accepted; want it refused", old)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "SQLite "+old+" is older than "+MinSQLiteVersion) || !strings.Contains(msg, "upgrade") {
			t.Errorf("SQLite %s refused with %q; want the versions named and an upgrade asked for", old, msg)
		}
	}
	for _, ok := range []string{MinSQLiteVersion, "3.51.10", "3.54.0", "4.0.0"} {
		if err := versionError(ok); err != nil {
			t.Errorf("SQLite %s refused: %v", ok, err)
		}
	}

	// checkVersion asks the database itself; the linked SQLite passes.
	w, err := sqlx.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "version.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := checkVersion(context.Background(), w); err != nil {
		t.Fatalf("the linked SQLite was refused: %v", err)
	}
}
