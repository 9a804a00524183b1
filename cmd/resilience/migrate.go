package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// runMigrate copies a SQLite database (-database) into an empty PostgreSQL
// database (--to) in one transaction and prints the row counts of both
// sides, failing when any table's differ (nothing is then stored).
func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fl.SetOutput(stderr)
	to := fl.String("to", "", "the empty PostgreSQL database to copy into, postgres://USER:PASSWORD@HOST:5432/DBNAME")
	cfg, err := config.Parse(config.Migrate, fl, args)
	if err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return errors.New("migrate takes no arguments; name the SQLite file with -database and the PostgreSQL database with --to")
	}
	if *to == "" {
		return errors.New("migrate: say where to copy to with --to postgres://USER:PASSWORD@HOST:5432/DBNAME")
	}
	if !store.IsPostgresURL(*to) {
		return fmt.Errorf("migrate: --to must be a PostgreSQL address, postgres://USER:PASSWORD@HOST:5432/DBNAME; %q is not", *to)
	}
	if store.IsPostgresURL(cfg.Database) {
		return fmt.Errorf("migrate: -database must be the SQLite file to copy from; %s is a PostgreSQL address", store.RedactURL(cfg.Database))
	}
	// Open makes the target's tables (goose, as every command does) and
	// nothing else: no reference data, so the target stays empty.
	dst, err := store.Open(ctx, *to)
	if err != nil {
		return err
	}
	defer dst.Close()
	rep, err := store.MoveFromSQLite(ctx, cfg.Database, dst)
	if err != nil {
		return err
	}
	printMoveReport(stdout, cfg.Database, dst.Path, rep)
	if !rep.Committed {
		return &exitError{code: 1, msg: "migrate: the row counts differ (above); nothing was stored in PostgreSQL"}
	}
	return nil
}

func printMoveReport(w io.Writer, from, to string, rep *store.MoveReport) {
	if rep.Committed {
		fmt.Fprintf(w, "Copied %s into %s (schema version %d) in one transaction, %s.\n\n", from, to, rep.Version, rep.Took.Round(time.Millisecond))
	} else {
		fmt.Fprintf(w, "Copying %s into %s (schema version %d) was rolled back: the row counts differ.\n\n", from, to, rep.Version)
	}
	width := len("total")
	for _, t := range rep.Tables {
		width = max(width, len(t.Table))
	}
	fmt.Fprintf(w, "%-*s  %10s  %10s\n", width, "table", "SQLite", "PostgreSQL")
	var a, b int64
	for _, t := range rep.Tables {
		mark := ""
		if t.SQLite != t.Target {
			mark = "  differs"
		}
		fmt.Fprintf(w, "%-*s  %10d  %10d%s\n", width, t.Table, t.SQLite, t.Target, mark)
		a += t.SQLite
		b += t.Target
	}
	fmt.Fprintf(w, "%-*s  %10d  %10d\n", width, "total", a, b)
	if rep.Committed {
		fmt.Fprintf(w, "\nEvery table holds as many rows in PostgreSQL as in SQLite. Start the servers with RESILIENCE_DATABASE=%s.\n", to)
	}
}
