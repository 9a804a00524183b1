// Command resilience runs the children's services resilience dashboard and
// its administrative jobs.
//
//	resilience [serve] [-addr :8080] [-database data/resilience.db] [-no-demo]
//	resilience template --council 202 --month 2021-01 -o return.xlsx
//	resilience import [--explain-queries FILE] FILE...
//	resilience users add --email E --role R [--council N] [--password-stdin]
//	resilience users disable --email E
//	resilience refdata --from ../shared/reference [--to data/reference]
//	resilience healthcheck [-addr :8080] [-url http://127.0.0.1:8080/healthz]
//	resilience backup [-database data/resilience.db] [-o FILE]
//	resilience migrate [-database data/resilience.db] --to postgres://…
//
// Every setting (RESILIENCE_ADDR, RESILIENCE_DATABASE and the others in
// the README's configuration table) has its default, its environment
// variable and its flag in package config; each command reads the ones it
// takes from the environment, flags overriding it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "resilience:", err)
		}
		var ee *exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		os.Exit(1)
	}
}

const usage = `Usage: resilience <command> [flags]

Commands:
  serve        run the dashboard (the default)
  refdata      regenerate data/reference from DfE's and ONS's published files
  template     write the monthly return workbook for a council and month
  import       check and store returns from files (as an administrator)
  users        add, disable, enable or list accounts
  healthcheck  ask a running server's /healthz (for container health checks)
  backup       write a checked copy of the database (safe while the server runs)
  migrate      copy a SQLite database into an empty PostgreSQL database

Run 'resilience <command> -h' for a command's flags.
`

// run dispatches to a subcommand; it is main without the process exits.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, stdout, stderr)
	case "refdata":
		return runRefdata(args, stdout, stderr)
	case "import":
		return runImport(ctx, args, stdin, stdout, stderr)
	case "template":
		return runTemplate(ctx, args, stdout, stderr)
	case "users":
		return runUsers(ctx, args, stdin, stdout, stderr)
	case "healthcheck":
		return runHealthcheck(ctx, args, stdout, stderr)
	case "backup":
		return runBackup(ctx, args, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args, stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}
