package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"
)

// CheckWritable reports whether the database can be read and written now,
// for the health check: the database answers, its files can be written by
// this process (a file made read-only, or on a read-only disk, fails even
// while SQLite still has it open), and a write transaction can begin. A
// writer busy with another write, such as a bulk load holding it for a
// few seconds, counts as writable: waiting for it would only make the
// health check late.
func (db *DB) CheckWritable(ctx context.Context) error {
	if err := db.Ping(ctx); err != nil {
		return fmt.Errorf("database %s does not answer: %w", db.Path, err)
	}
	if db.dialect == SQLite {
		if err := filesWritable(db.Path); err != nil {
			return err
		}
	}
	wctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	err := probeWrite(wctx, db)
	if err != nil && ctx.Err() == nil && (wctx.Err() != nil || busy(err)) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("database %s cannot be written: %w", db.Path, err)
	}
	return nil
}

// checkWritable is Open's refusal of a database it could not write: every
// upload, sign-in and migration would fail later, less clearly.
func checkWritable(ctx context.Context, db *DB, path string) error {
	const fix = "give this user write access to the file and its folder, or choose another file"
	if err := filesWritable(path); err != nil {
		return fmt.Errorf("open database: %w: it is read-only; %s", err, fix)
	}
	if err := probeWrite(ctx, db); err != nil {
		return fmt.Errorf("open database: the database file %s cannot be written (%w); %s", path, err, fix)
	}
	return nil
}

// filesWritable asks the operating system whether the database file, and
// its write-ahead log and shared-memory files when they exist, may be
// written. It only asks: opening and closing the file here would drop
// SQLite's locks on it.
func filesWritable(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		err := canWrite(p)
		if p != path && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("the database file %s cannot be written: %w", p, err)
		}
	}
	return nil
}

// probeWrite begins a write transaction (BEGIN IMMEDIATE, as the writer's
// DSN asks, or one holding PostgreSQL's write lock), writes to it and
// rolls back, leaving nothing behind. SQLite refuses both steps on a
// database it opened read-only; PostgreSQL refuses the write on a
// read-only server or to a user without the right.
func probeWrite(ctx context.Context, db *DB) error {
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, db.dialect.sqlFor("writeProbe"))
	return err
}

// busy reports whether err is SQLite saying another connection, perhaps
// another process, holds the write lock.
func busy(err error) bool {
	s := err.Error()
	return strings.Contains(s, "SQLITE_BUSY") || strings.Contains(s, "database is locked")
}
