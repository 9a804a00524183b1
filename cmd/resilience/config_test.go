package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// testConfig is the default configuration listening on 127.0.0.1:0 with
// the database at path.
func testConfig(database string) config.Config {
	c := config.Default()
	c.Addr, c.Database = "127.0.0.1:0", database
	return c
}

// Every command reads its settings from the one configuration: users and
// backup take the database from RESILIENCE_DATABASE, with -database or
// --database over it; healthcheck asks the port of RESILIENCE_ADDR or
// -addr; import refuses a bad environment value naming the variable,
// unless a flag overrides it; -h lists the settings a command takes, each
// with its variable, and no others.
func TestCommandsReadTheOneConfiguration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "env.db")
	prepareDB(t, db)
	t.Setenv("RESILIENCE_DATABASE", db)

	var out strings.Builder
	if err := run(ctx, []string{"users", "list"}, nil, &out, io.Discard); err != nil || !strings.Contains(out.String(), "EMAIL") {
		t.Errorf("users list on RESILIENCE_DATABASE: %v\n%s", err, out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"backup", "-o", filepath.Join(dir, "copy.db")}, nil, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "Backed up "+db) {
		t.Errorf("backup of RESILIENCE_DATABASE: %v\n%s", err, out.String())
	}
	other := filepath.Join(dir, "other.db")
	prepareDB(t, other)
	out.Reset()
	if err := run(ctx, []string{"backup", "--database", other, "-o", filepath.Join(dir, "copy2.db")}, nil, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), "Backed up "+other) {
		t.Errorf("backup --database over the environment: %v\n%s", err, out.String())
	}

	app := startApp(t, t.TempDir(), func(a *App) { a.NoDemo = true })
	_, port, err := net.SplitHostPort(app.listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("RESILIENCE_ADDR", ":"+port)
	out.Reset()
	if err := run(ctx, []string{"healthcheck"}, nil, &out, io.Discard); err != nil || strings.TrimSpace(out.String()) != "ok" {
		t.Errorf("healthcheck on RESILIENCE_ADDR's port: %v %q", err, out.String())
	}
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	if err := run(ctx, []string{"healthcheck", "-addr", closedAddr}, nil, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), closedAddr+"/healthz") {
		t.Errorf("healthcheck -addr %s over the environment: %v; want it to fail there", closedAddr, err)
	}

	month := domain.LastComplete(time.Now())
	file := filepath.Join(dir, "return.xlsx")
	writeReturn(t, file, month, importValues(nil))
	t.Setenv("RESILIENCE_TOLERANCE", "lots")
	if err := run(ctx, []string{"import", "--quiet", file}, nil, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), `RESILIENCE_TOLERANCE="lots"`) || !strings.Contains(err.Error(), "0.25 or 25%") {
		t.Errorf("import with RESILIENCE_TOLERANCE=lots: %v; want a refusal naming the variable", err)
	}
	if code, report := runImportCmd(t, "--quiet", "--tolerance", "30%", file); code != exitStored || !strings.Contains(report, file+": stored") {
		t.Errorf("import --tolerance over a bad environment value: exit %d\n%s", code, report)
	}

	for _, command := range []string{config.Serve, config.Import, config.Users, config.Backup, config.Healthcheck} {
		var help strings.Builder
		args := []string{command, "-h"}
		if command == config.Users {
			args = []string{command, "list", "-h"}
		}
		if err := run(ctx, args, nil, io.Discard, &help); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s -h: %v", command, err)
		}
		for _, s := range config.Settings() {
			listed := regexp.MustCompile(`(?m)^  -`+regexp.QuoteMeta(s.Flag)+`\b[^-]`).MatchString(help.String()) &&
				strings.Contains(help.String(), "("+s.Env+")")
			if takes := slices.Contains(s.Commands, command); listed != takes {
				t.Errorf("%s -h lists -%s (%s): %v; want %v", command, s.Flag, s.Env, listed, takes)
			}
		}
	}
}
