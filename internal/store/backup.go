package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/jmoiron/sqlx"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Backup writes a consistent copy of the database to dest while it stays
// in use (SECURITY R5): VACUUM INTO a temporary file beside dest, an
// integrity check of that copy, a sync to disk, then a rename into place,
// so dest is either the whole, checked copy or not there at all. It
// refuses to overwrite an existing file. On PostgreSQL it refuses, naming
// pg_dump.
func (db *DB) Backup(ctx context.Context, dest string) (err error) {
	if db.dialect == Postgres {
		return PostgresBackupError(db.Path)
	}
	dest = filepath.Clean(dest)
	if _, err := os.Stat(dest); err == nil {
		return domain.Errorf(domain.ECONFLICT, "%s already exists; choose a new name for the backup", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	dir := filepath.Dir(dest)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	suffix := make([]byte, 6)
	if _, err := rand.Read(suffix); err != nil {
		return err
	}
	tmp := filepath.Join(dir, "."+filepath.Base(dest)+"."+hex.EncodeToString(suffix)+".tmp")
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err := db.w.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := checkCopy(ctx, tmp); err != nil {
		return err
	}
	f, err := os.Open(tmp)
	if err != nil {
		return err
	}
	serr := f.Sync()
	if cerr := f.Close(); serr == nil {
		serr = cerr
	}
	if serr != nil {
		return serr
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// checkCopy opens a copy read-only and runs PRAGMA integrity_check on it.
func checkCopy(ctx context.Context, path string) error {
	c, err := sqlx.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_pragma=query_only(1)")
	if err != nil {
		return err
	}
	defer c.Close()
	var verdict string
	if err := c.GetContext(ctx, &verdict, "PRAGMA integrity_check"); err != nil {
		return fmt.Errorf("backup: checking the copy: %w", err)
	}
	if verdict != "ok" {
		return fmt.Errorf("backup: the copy failed its integrity check: %s", verdict)
	}
	return nil
}
