package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/auth"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// startApp starts a dashboard on 127.0.0.1:0 with a database in a temporary
// folder and stops it when the test ends.
func startApp(t testing.TB, dir string, configure func(*App)) *App {
	t.Helper()
	app := &App{
		Config: testConfig(filepath.Join(dir, "resilience.db")),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    time.Now,
	}
	if configure != nil {
		configure(app)
	}
	if err := app.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	register(app)
	t.Cleanup(func() {
		if err := app.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return app
}

var (
	sharedStdout syncBuffer
	sharedOnce   sync.Once
	sharedApp    *App
	sharedDir    string
)

// demoApp is one server with the full national demo, shared by the tests
// that only read from it.
func demoApp(t *testing.T) *App {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "resilience-e2e-")
		if err != nil {
			t.Fatal(err)
		}
		sharedDir = dir
		app := &App{Config: testConfig(filepath.Join(dir, "resilience.db")),
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now, Stdout: &sharedStdout}
		if err := app.Start(context.Background()); err != nil {
			t.Fatalf("start: %v", err)
		}
		register(app)
		sharedApp = app
	})
	if sharedApp == nil {
		t.Fatal("the shared server did not start")
	}
	return sharedApp
}

func TestMain(m *testing.M) {
	if os.Getenv("RESILIENCE_CRASH_CHILD") == "1" {
		crashChild()
		os.Exit(0)
	}
	code := pgtest.Main(m)
	if sharedApp != nil {
		sharedApp.Close()
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

var userSeq atomic.Int64

// newAccount creates an account with the role (council 202 when scoped)
// and returns its email and password.
func newAccount(t testing.TB, app *App, role domain.Role) (string, string) {
	t.Helper()
	email := fmt.Sprintf("%s-%d@test.invalid", role, userSeq.Add(1))
	password := auth.RandomPassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u := &domain.User{Email: email, Role: role, PasswordHash: hash}
	if role.Scoped() {
		u.Council = 202
	}
	if err := app.db.CreateUser(context.Background(), u, domain.AuditEntry{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	return email, password
}

// signedIn creates an account with the role on the app's database and
// returns an HTTP client signed in as it.
func signedIn(t *testing.T, app *App, role domain.Role) *http.Client {
	t.Helper()
	email, password := newAccount(t, app, role)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm(app.URL()+"/sign-in", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path == "/sign-in" {
		t.Fatalf("sign in as %s: %d at %s", email, resp.StatusCode, resp.Request.URL)
	}
	return c
}

// get fetches a URL as an LGA officer.
func get(t *testing.T, u string) (int, string, http.Header) {
	t.Helper()
	return getAs(t, nil, u)
}

func getAs(t *testing.T, c *http.Client, u string) (int, string, http.Header) {
	t.Helper()
	if c == nil {
		c = lgaClient(t, u)
	}
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

func TestFirstStartLoadsReferenceAndLabelledDemo(t *testing.T) {
	app := demoApp(t)
	status, body, hdr := get(t, app.URL()+"/")
	if status != http.StatusOK {
		t.Fatalf("home: status %d", status)
	}
	if !strings.Contains(body, demo.Banner) {
		t.Error("home page does not carry the demonstration data banner")
	}
	if !strings.Contains(body, `href="/councils/202"`) || !strings.Contains(body, "Camden") {
		t.Error("home page does not list Camden")
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
	for _, path := range []string{"/councils/202", "/councils/201"} {
		status, body, _ := get(t, app.URL()+path)
		if status != http.StatusOK || !strings.Contains(body, demo.Banner) {
			t.Errorf("%s: status %d, banner present %v", path, status, strings.Contains(body, demo.Banner))
		}
		if n := strings.Count(body, `data-chart-option=`); n != 8 {
			t.Errorf("%s: %d charts; want one per area, the comparison and the self-assessment's two (8)", path, n)
		}
		if strings.Contains(body, "http://") && strings.Contains(body, "<script src=\"http") {
			t.Errorf("%s loads a script from another server", path)
		}
	}
	if status, _, _ := get(t, app.URL()+"/healthz"); status != http.StatusOK {
		t.Errorf("/healthz: %d", status)
	}
	if status, _, _ := get(t, app.URL()+"/councils/999"); status != http.StatusNotFound {
		t.Errorf("/councils/999: %d; want 404", status)
	}
	if status, _, _ := get(t, app.URL()+"/councils/abc"); status != http.StatusNotFound {
		t.Errorf("/councils/abc: %d; want 404", status)
	}
}

func TestAPICouncilsListsCurrentCouncilsWithPopulation(t *testing.T) {
	app := demoApp(t)
	status, body, _ := get(t, app.URL()+"/api/v1/councils")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	var got struct {
		Count    int `json:"count"`
		Councils []struct {
			Number     int    `json:"la_number"`
			ONS        string `json:"ons_code"`
			Name       string `json:"name"`
			Region     string `json:"region_name"`
			Population *struct {
				Year     int   `json:"year"`
				Children int64 `json:"children_0_17"`
			} `json:"population"`
		} `json:"councils"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Count != 153 || len(got.Councils) != 153 {
		t.Fatalf("count %d, %d councils; want 153", got.Count, len(got.Councils))
	}
	for _, c := range got.Councils {
		if c.Population == nil || c.Population.Year != 2024 || c.Population.Children <= 0 {
			t.Errorf("%d %s: population %+v; want a 2024 figure", c.Number, c.Name, c.Population)
		}
		if c.Number == 370 && c.ONS != "E08000038" {
			t.Errorf("Barnsley's current ONS code is %s; want E08000038", c.ONS)
		}
	}
}

func TestAPISeriesGivesRatesFromCounts(t *testing.T) {
	app := demoApp(t)
	status, body, _ := get(t, app.URL()+"/api/v1/councils/202/series?indicator=CSC_REFERRALS")
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	var got struct {
		Points []struct {
			Month   string   `json:"month"`
			Value   float64  `json:"value"`
			Rate    *float64 `json:"rate_per_10000_children"`
			PopYear int      `json:"population_year"`
		} `json:"points"`
		Missing []string `json:"missing_months"`
		Demo    bool     `json:"demonstration"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if !got.Demo || len(got.Points) < 100 || len(got.Missing) != 0 {
		t.Fatalf("demo %v, %d points, missing %v", got.Demo, len(got.Points), got.Missing)
	}
	if got.Points[0].Month != "2017-01" {
		t.Errorf("first month %s; want 2017-01", got.Points[0].Month)
	}
	// January 2017 falls in the financial year that began in 2016, so the
	// rate divides by the mid-2016 estimate.
	p := got.Points[0]
	if p.Rate == nil || p.PopYear != 2016 {
		t.Fatalf("first point %+v; want a rate on the mid-2016 population", p)
	}
	for code, want := range map[string]int{"": 400, "NOPE": 404} {
		if status, _, _ := get(t, app.URL()+"/api/v1/councils/202/series?indicator="+code); status != want {
			t.Errorf("indicator %q: status %d; want %d", code, status, want)
		}
	}
}

func TestRestartDoesNotReloadData(t *testing.T) {
	dir := t.TempDir()
	first := &App{Config: testConfig(filepath.Join(dir, "r.db")), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: time.Now, DemoCouncils: []int{202}}
	if err := first.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	n1 := countObservations(t, first)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	second := startApp(t, dir, func(a *App) { a.Database = first.Database; a.DemoCouncils = []int{202} })
	if n2 := countObservations(t, second); n1 == 0 || n1 != n2 {
		t.Fatalf("observations before restart %d, after %d; want equal and non-zero", n1, n2)
	}
}

var (
	lgaMu      sync.Mutex
	lgaClients = map[string]*http.Client{}
)

// lgaClient returns a client signed in as an LGA officer on the server at
// u, made once per server.
func lgaClient(t *testing.T, u string) *http.Client {
	t.Helper()
	base, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	lgaMu.Lock()
	defer lgaMu.Unlock()
	if c, ok := lgaClients[base.Host]; ok {
		return c
	}
	v, ok := appsByHost.Load(base.Host)
	if !ok {
		t.Fatalf("no running app at %s", u)
	}
	c := signedIn(t, v.(*App), domain.RoleLGA)
	lgaClients[base.Host] = c
	return c
}

// appsByHost finds the app answering on a host:port, for lgaClient.
var appsByHost sync.Map

func register(app *App) {
	u, _ := url.Parse(app.URL())
	appsByHost.Store(u.Host, app)
}

func countObservations(t *testing.T, a *App) int {
	t.Helper()
	obs, err := a.db.CouncilObservations(context.Background(), 202)
	if err != nil {
		t.Fatal(err)
	}
	return len(obs)
}

// First run with the demo creates one account per role, printed once.
func TestFirstRunCreatesOneAccountPerRole(t *testing.T) {
	app := demoApp(t)
	out := sharedStdout.String()
	lines := regexp.MustCompile(`(?m)^\s+(uploader|dcs|lga|admin)\s+(\S+@demo\.resilience\.invalid)\s+(\S+)`).FindAllStringSubmatch(out, -1)
	if len(lines) != 4 {
		t.Fatalf("want 4 demo accounts printed, got %d:\n%s", len(lines), out)
	}
	for _, l := range lines {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar}
		resp, err := c.PostForm(app.URL()+"/sign-in", url.Values{"email": {l[2]}, "password": {l[3]}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Request.URL.Path == "/sign-in" {
			t.Errorf("the printed password for %s does not sign in", l[2])
		}
		u, err := app.db.UserByEmail(context.Background(), l[2])
		if err != nil || strings.Contains(u.PasswordHash, l[3]) {
			t.Errorf("%s: stored as %q, %v", l[2], u.PasswordHash, err)
		}
	}
}

func TestNoDemoLeavesDatabaseEmpty(t *testing.T) {
	app := startApp(t, t.TempDir(), func(a *App) { a.NoDemo = true })
	if n, err := app.db.CountUsers(context.Background()); err != nil || n != 0 {
		t.Fatalf("%d accounts exist with --no-demo; want none (%v)", n, err)
	}
	status, body, _ := get(t, app.URL()+"/councils/202")
	if status != http.StatusOK || strings.Contains(body, demo.Banner) {
		t.Fatalf("status %d, banner shown %v; want no banner without demo data", status, strings.Contains(body, demo.Banner))
	}
	if !strings.Contains(body, "No monthly figures") {
		t.Error("an empty council should say it has no monthly figures")
	}
}

func TestConfigFromEnvironmentAndFlags(t *testing.T) {
	t.Setenv("RESILIENCE_ADDR", "127.0.0.1:9999")
	t.Setenv("RESILIENCE_DATABASE", "/tmp/from-env.db")
	app, err := newApp(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if app.Addr != "127.0.0.1:9999" || app.Database != "/tmp/from-env.db" {
		t.Errorf("from environment: %q %q", app.Addr, app.Database)
	}
	app, err = newApp([]string{"-addr", ":7000", "-database", "x.db", "-no-demo"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if app.Addr != ":7000" || app.Database != "x.db" || !app.NoDemo {
		t.Errorf("flags should override: %q %q %v", app.Addr, app.Database, app.NoDemo)
	}
	t.Setenv("RESILIENCE_ADDR", "")
	t.Setenv("RESILIENCE_DATABASE", "")
	app, _ = newApp(nil, io.Discard)
	if app.Addr != ":8080" || app.Database != filepath.Join("data", "resilience.db") {
		t.Errorf("defaults: %q %q", app.Addr, app.Database)
	}
}

func TestRefdataCommandRegeneratesFiles(t *testing.T) {
	from := filepath.Join("..", "..", "..", "shared", "reference")
	if _, err := os.Stat(from); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("../shared/reference is missing in CI: %v", err)
		}
		t.Skipf("../shared/reference not found (%v); skipping outside CI", err)
	}
	to := t.TempDir()
	var out strings.Builder
	if err := run(context.Background(), []string{"refdata", "--from", from, "--to", to}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"councils.csv", "populations.csv", "neighbours.csv", "indicators.csv", "timeline.csv", "official.csv", "NOTICE"} {
		want, err := os.ReadFile(filepath.Join("..", "..", "data", "reference", name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(to, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from the committed data/reference/%s: run make refdata", name, name)
		}
	}
}

// hostileReference is the real reference data with Camden renamed to a
// script tag and one indicator labelled with go-echarts' function marker.
func hostileReference(t *testing.T) *reference.Data {
	t.Helper()
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ref.Councils {
		if ref.Councils[i].Number == 202 {
			ref.Councils[i].Name = "</script><script>alert(1)</script>"
		}
	}
	for i := range ref.Indicators {
		if ref.Indicators[i].Code == "CSC_REFERRALS" {
			ref.Indicators[i].Label = "__f__alert(1)__f__"
		}
	}
	return ref
}

func TestBaselineAndPressureSettings(t *testing.T) {
	t.Setenv("RESILIENCE_BASELINE_YEARS", "2016-2018")
	t.Setenv("RESILIENCE_PRESSURE_THRESHOLD", "15%")
	t.Setenv("RESILIENCE_PRESSURE_BAND", "c")
	app, err := newApp(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(app.BaselineYears, []int{2016, 2017, 2018}) || app.PressureThreshold != 0.15 || app.PressureBand != "C" {
		t.Errorf("from environment: %v %v %q", app.BaselineYears, app.PressureThreshold, app.PressureBand)
	}
	app, err = newApp([]string{"-baseline-years", "2018,2019", "-pressure-threshold", "0.2", "-pressure-band", "D"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(app.BaselineYears, []int{2018, 2019}) || app.PressureThreshold != 0.2 || app.PressureBand != "D" {
		t.Errorf("flags should override: %v %v %q", app.BaselineYears, app.PressureThreshold, app.PressureBand)
	}
	for _, bad := range [][]string{{"-baseline-years", "2019-2017"}, {"-baseline-years", "last year"}, {"-pressure-threshold", "lots"},
		{"-pressure-threshold", "0"}, {"-pressure-band", "E"}} {
		if _, err := newApp(bad, io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}
