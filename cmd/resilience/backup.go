package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// runBackup writes a checked copy of the database while the server may be
// running (SECURITY R5). To restore, stop the server and start it with
// -database pointing at the copy (or copy it over the database file).
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("backup", flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("o", "", "file to write the backup to (default data/backups/resilience-YYYYMMDD-HHMMSS.db beside the database)")
	cfg, err := config.Parse(config.Backup, fl, args)
	if err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return fmt.Errorf("backup takes no arguments; use -o FILE")
	}
	if store.IsPostgresURL(cfg.Database) {
		return store.PostgresBackupError(cfg.Database)
	}
	dest := *out
	if dest == "" {
		dest = filepath.Join(filepath.Dir(cfg.Database), "backups", "resilience-"+time.Now().UTC().Format("20060102-150405")+".db")
	}
	db, err := store.Open(ctx, cfg.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, dest); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Backed up %s to %s (integrity check ok, %s).\nTo restore: stop the server and start it with -database %s.\n",
		cfg.Database, dest, time.Since(start).Round(time.Millisecond), dest)
	return nil
}
