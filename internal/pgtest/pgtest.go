// Package pgtest gives tests a fresh PostgreSQL database of their own.
// When RESILIENCE_TEST_POSTGRES holds a postgres:// address of a server
// where tests may create databases, it is used; otherwise the first test
// that asks starts a throwaway server from the machine's PostgreSQL
// binaries (Debian's postgresql package), listening only on a Unix socket
// in a temporary folder, and Main stops it when the test binary ends.
// Where neither is to be had, tests skip, except under CI (CI=true),
// where they fail: .ci/run installs PostgreSQL.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// EnvURL names the variable that points the tests at a server of one's own.
const EnvURL = "RESILIENCE_TEST_POSTGRES"

var (
	once    sync.Once
	admin   string // address of the server's postgres database
	failure error  // why there is no server
	server  *throwaway
)

// Main runs a package's tests and then stops the throwaway server, if one
// was started: call it from TestMain.
func Main(m interface{ Run() int }) int {
	code := m.Run()
	if server != nil {
		server.stop()
	}
	return code
}

// URL returns the address of a new, empty database that is dropped when
// the test ends. It skips the test when PostgreSQL is not to be had, and
// fails it instead under CI.
func URL(tb testing.TB) string {
	tb.Helper()
	once.Do(func() { admin, failure = start() })
	if failure != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("PostgreSQL is not installed; .ci/run installs it (%v)", failure)
		}
		tb.Skipf("no PostgreSQL for this test: %v (set %s, or install the postgresql package)", failure, EnvURL)
	}
	name := "t_" + random()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		db, err := sql.Open("pgx", admin)
		if err != nil {
			tb.Error(err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database: %v", err)
		}
	})
	return withDatabase(admin, name)
}

func random() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// withDatabase is a server address naming another database on it.
func withDatabase(addr, name string) string {
	u, err := url.Parse(addr)
	if err != nil {
		return addr
	}
	u.Path = "/" + name
	return u.String()
}

func start() (string, error) {
	if u := os.Getenv(EnvURL); u != "" {
		return u, nil
	}
	bin, err := binaries()
	if err != nil {
		return "", err
	}
	s, err := startThrowaway(bin)
	if err != nil {
		return "", err
	}
	server = s
	return s.url, nil
}

// binaries finds the newest PostgreSQL's programs: Debian keeps them in
// /usr/lib/postgresql/VERSION/bin, elsewhere they may be on the PATH.
func binaries() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL's initdb is not installed")
}

func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// throwaway is a PostgreSQL server of the test binary's own.
type throwaway struct {
	bin, dir, url string
	asPostgres    bool
}

// startThrowaway makes a cluster in a temporary folder and starts it on a
// Unix socket there. initdb refuses to run as root, so as root the cluster
// belongs to the postgres user and the programs run as that user.
func startThrowaway(bin string) (*throwaway, error) {
	dir, err := os.MkdirTemp("", "resilience-pgtest-")
	if err != nil {
		return nil, err
	}
	s := &throwaway{bin: bin, dir: dir, asPostgres: os.Geteuid() == 0}
	if s.asPostgres {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root, and there is no postgres user to run PostgreSQL as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run("initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "--encoding=UTF8", "--locale=C"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	opts := fmt.Sprintf("-c listen_addresses='' -c unix_socket_directories='%s' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", dir)
	if out, err := s.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v: %s %s", err, out, log)
	}
	s.url = "postgres://postgres@/postgres?host=" + url.QueryEscape(dir) + "&sslmode=disable"
	return s, nil
}

func (s *throwaway) run(prog string, args ...string) ([]byte, error) {
	path := filepath.Join(s.bin, prog)
	var cmd *exec.Cmd
	if s.asPostgres {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir
	return cmd.CombinedOutput()
}

func (s *throwaway) stop() {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = s.run("pg_ctl", "-D", filepath.Join(s.dir, "data"), "-m", "immediate", "-w", "stop")
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
	}
	if !strings.HasPrefix(filepath.Base(s.dir), "resilience-pgtest-") {
		return
	}
	os.RemoveAll(s.dir)
}
