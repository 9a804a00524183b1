package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/accounts"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/store"
	"github.com/resilience-dashboard/resilience/internal/web"
)

// App is a running dashboard: the database, the handler and the listener.
// Tests start one on 127.0.0.1:0 with a temporary database.
type App struct {
	Addr     string
	Database string
	NoDemo   bool
	// DemoCouncils restricts the demo to these councils (nil: every one);
	// tests use it to start quickly.
	DemoCouncils []int
	// Reference replaces the embedded reference data when set (tests).
	Reference *reference.Data
	// BaseURL is the address people use (RESILIENCE_BASE_URL); https makes
	// the session cookie Secure.
	BaseURL string
	// TrustedProxies are the proxies whose X-Forwarded-For is believed
	// (RESILIENCE_TRUSTED_PROXIES, comma-separated); none by default.
	TrustedProxies []string
	// Tolerance is the change from the last accepted month that raises a
	// query on an upload (RESILIENCE_TOLERANCE, -tolerance: 0.25 or 25%);
	// 0 keeps the default, 25%.
	Tolerance float64
	// ReconcileTolerance is how far a year's monthly figures may differ
	// from DfE's published figure before the reconciliation flags it
	// (RESILIENCE_RECONCILE_TOLERANCE, -reconcile-tolerance: 0.05 or 5%);
	// 0 keeps the default, 5%.
	ReconcileTolerance float64
	// MinChange is the smallest change of a count that can raise that
	// query (RESILIENCE_MIN_CHANGE, -min-change; default 10, 0 for none),
	// and MinChangePoints that of a percentage, in percentage points
	// (RESILIENCE_MIN_CHANGE_POINTS, -min-change-points; default 2). As
	// the intake takes them: 0 keeps the default, negative is none.
	MinChange, MinChangePoints float64
	// BaselineYears are the pre-pandemic years whose same calendar month
	// makes the baseline (RESILIENCE_BASELINE_YEARS, -baseline-years:
	// "2017-2019" or "2017,2018,2019"); none keeps 2017–19.
	BaselineYears []int
	// PressureThreshold is how much worse than the baseline a worst-band
	// indicator must be to be a pressure point (RESILIENCE_PRESSURE_THRESHOLD,
	// -pressure-threshold: 0.1 or 10%); 0 keeps 10%. PressureBand is the
	// band that counts as worst (RESILIENCE_PRESSURE_BAND, -pressure-band,
	// A to D); "" keeps D.
	PressureThreshold float64
	PressureBand      string
	// DueDay is the day of the following month by which a month's return
	// is due (RESILIENCE_DUE_DAY, -due-day: 1 to 28); 0 keeps the 20th.
	DueDay int
	// Stdout receives the first-run accounts' passwords, printed once.
	Stdout io.Writer
	Logger *slog.Logger
	// Now is the clock used to decide the demo's last complete month.
	Now func() time.Time

	db       *store.DB
	srv      *http.Server
	listener net.Listener
	done     chan error
}

// parseYears reads baseline years: a span "2017-2019" or a list
// "2017,2018,2019". Empty gives none (the default).
func parseYears(s string) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	bad := fmt.Errorf("baseline years %q: write a span such as 2017-2019 or a list such as 2017,2018,2019", s)
	var years []int
	if a, b, ok := strings.Cut(s, "-"); ok {
		from, err1 := strconv.Atoi(strings.TrimSpace(a))
		to, err2 := strconv.Atoi(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || from > to || from < 2000 || to > 2100 {
			return nil, bad
		}
		for y := from; y <= to; y++ {
			years = append(years, y)
		}
		return years, nil
	}
	for _, f := range strings.Split(s, ",") {
		y, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || y < 2000 || y > 2100 {
			return nil, bad
		}
		years = append(years, y)
	}
	return years, nil
}

// newApp reads the serve command's configuration: environment variables
// first, flags over them.
func newApp(args []string, stderr io.Writer) (*App, error) {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	app := &App{Logger: newLogger(stderr), Now: time.Now}
	var proxies, tolerance, reconcile, baseline, threshold, dueDay, minChange, minPoints string
	fl.StringVar(&app.Addr, "addr", getenv("RESILIENCE_ADDR", ":8080"), "address to listen on (RESILIENCE_ADDR)")
	fl.StringVar(&app.Database, "database", getenv("RESILIENCE_DATABASE", filepath.Join("data", "resilience.db")), "SQLite database file (RESILIENCE_DATABASE)")
	fl.BoolVar(&app.NoDemo, "no-demo", false, "do not load demonstration data (nor its demo accounts) into an empty database")
	fl.StringVar(&app.BaseURL, "base-url", getenv("RESILIENCE_BASE_URL", ""), "address people use, e.g. https://resilience.example.gov.uk (RESILIENCE_BASE_URL)")
	fl.StringVar(&proxies, "trusted-proxies", getenv("RESILIENCE_TRUSTED_PROXIES", ""), "comma-separated proxy IPs or CIDRs to trust for X-Forwarded-For (RESILIENCE_TRUSTED_PROXIES)")
	fl.StringVar(&tolerance, "tolerance", getenv("RESILIENCE_TOLERANCE", ""), "change from the last accepted month that raises a query on an upload: 0.25 or 25% (RESILIENCE_TOLERANCE; default 25%)")
	fl.StringVar(&reconcile, "reconcile-tolerance", getenv("RESILIENCE_RECONCILE_TOLERANCE", ""), "difference from DfE's published figure beyond which a year's monthly figures are flagged and an upload completing the year is queried: 0.05 or 5% (RESILIENCE_RECONCILE_TOLERANCE; default 5%)")
	fl.StringVar(&minChange, "min-change", getenv("RESILIENCE_MIN_CHANGE", ""), "smallest change of a count that can raise a query on an upload; 0 for none (RESILIENCE_MIN_CHANGE; default 10)")
	fl.StringVar(&minPoints, "min-change-points", getenv("RESILIENCE_MIN_CHANGE_POINTS", ""), "smallest change of a percentage, in percentage points, that can raise a query on an upload; 0 for none (RESILIENCE_MIN_CHANGE_POINTS; default 2)")
	fl.StringVar(&baseline, "baseline-years", getenv("RESILIENCE_BASELINE_YEARS", ""), "years whose same calendar month makes the pre-pandemic baseline: 2017-2019 or 2017,2018,2019 (RESILIENCE_BASELINE_YEARS; default 2017-2019)")
	fl.StringVar(&threshold, "pressure-threshold", getenv("RESILIENCE_PRESSURE_THRESHOLD", ""), "how much worse than the baseline a worst-band indicator must be to be a pressure point: 0.1 or 10% (RESILIENCE_PRESSURE_THRESHOLD; default 10%)")
	fl.StringVar(&app.PressureBand, "pressure-band", getenv("RESILIENCE_PRESSURE_BAND", ""), "the quartile band (A best to D worst) that counts as worst for pressure points (RESILIENCE_PRESSURE_BAND; default D)")
	fl.StringVar(&dueDay, "due-day", getenv("RESILIENCE_DUE_DAY", ""), "day of the following month by which a month's return is due, 1 to 28 (RESILIENCE_DUE_DAY; default 20)")
	if err := fl.Parse(args); err != nil {
		return nil, err
	}
	var err error
	if app.DueDay, err = parseDueDay(dueDay); err != nil {
		return nil, err
	}
	if app.Tolerance, err = parseTolerance(tolerance); err != nil {
		return nil, err
	}
	if app.ReconcileTolerance, err = parseTolerance(reconcile); err != nil {
		return nil, fmt.Errorf("reconcile tolerance %q: write the difference from DfE's figure that is flagged as a fraction or a percentage, for example 0.05 or 5%%", reconcile)
	}
	if app.MinChange, app.MinChangePoints, err = minChanges(minChange, minPoints); err != nil {
		return nil, err
	}
	if app.BaselineYears, err = parseYears(baseline); err != nil {
		return nil, err
	}
	if threshold != "" {
		if app.PressureThreshold, err = parseTolerance(threshold); err != nil || app.PressureThreshold == 0 {
			return nil, fmt.Errorf("pressure threshold %q: write it as a fraction or a percentage, for example 0.1 or 10%%", threshold)
		}
	}
	app.PressureBand = strings.ToUpper(strings.TrimSpace(app.PressureBand))
	if app.PressureBand != "" && !slices.Contains([]string{"A", "B", "C", "D"}, app.PressureBand) {
		return nil, fmt.Errorf("pressure band %q: use A, B, C or D", app.PressureBand)
	}
	for _, p := range strings.Split(proxies, ",") {
		if p = strings.TrimSpace(p); p != "" {
			app.TrustedProxies = append(app.TrustedProxies, p)
		}
	}
	return app, nil
}

// parseDueDay reads the day of the following month a return is due by
// (-due-day, RESILIENCE_DUE_DAY): 1 to 28, so that every month has it.
// Empty gives 0, the default.
func parseDueDay(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	d, err := strconv.Atoi(s)
	if err != nil || d < 1 || d > 28 {
		return 0, fmt.Errorf("due day %q: write the day of the following month a return is due by as a number from 1 to 28, for example 20", s)
	}
	return d, nil
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	app, err := newApp(args, stderr)
	if err != nil {
		return err
	}
	app.Stdout = stdout
	if err := app.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Resilience is running at %s (database %s). Press Ctrl+C to stop.\n", app.URL(), app.Database)
	return app.Wait(ctx)
}

// Start opens the database, loads the reference data and (into an empty
// database) the demonstration data, and starts listening. It returns once
// the server accepts connections.
func (a *App) Start(ctx context.Context) error {
	db, err := store.Open(ctx, a.Database)
	if err != nil {
		return err
	}
	a.db = db
	if err := a.seed(ctx); err != nil {
		db.Close()
		return err
	}
	handler, err := web.NewServer(web.Config{Logger: a.Logger, BaseURL: a.BaseURL, TrustedProxies: a.TrustedProxies, Tolerance: a.Tolerance,
		ReconcileTolerance: a.ReconcileTolerance, BaselineYears: a.BaselineYears, DueDay: a.DueDay,
		MinChange: a.MinChange, MinChangePoints: a.MinChangePoints,
		Pressure: analytics.PressureConfig{Threshold: a.PressureThreshold, WorstBand: a.PressureBand}}, db)
	if err != nil {
		db.Close()
		return err
	}
	ln, err := net.Listen("tcp", a.Addr)
	if err != nil {
		db.Close()
		return fmt.Errorf("listen on %s: %w", a.Addr, err)
	}
	a.listener = ln
	a.srv = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    1 << 16,
	}
	a.done = make(chan error, 1)
	go func() { a.done <- a.srv.Serve(ln) }()
	return nil
}

// openDB opens the database for a command and makes sure it holds the
// reference data embedded in this binary, so that every command works on a
// new database as well as on one the server has used.
func openDB(ctx context.Context, path string) (*store.DB, error) {
	db, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	ref, err := reference.Load(data.Reference)
	if err == nil {
		_, err = loadReference(ctx, db, ref, "")
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// loadReference loads reference data unless the same is already there;
// hash "" means the embedded files' own hash.
func loadReference(ctx context.Context, db *store.DB, ref *reference.Data, hash string) (bool, error) {
	if hash == "" {
		var err error
		if hash, err = hashFS(data.Reference); err != nil {
			return false, err
		}
	}
	return db.LoadReference(ctx, ref, hash)
}

// seed loads what an empty or out-of-date database needs.
func (a *App) seed(ctx context.Context) error {
	ref, hash := a.Reference, "test"
	if ref == nil {
		var err error
		if ref, err = reference.Load(data.Reference); err != nil {
			return fmt.Errorf("read reference data: %w", err)
		}
		hash = ""
	}
	loaded, err := loadReference(ctx, a.db, ref, hash)
	if err != nil {
		return err
	}
	if loaded {
		a.Logger.Info("reference data loaded", "councils", len(ref.Councils), "indicators", len(ref.Indicators))
	}
	if a.NoDemo {
		return nil
	}
	has, err := a.db.HasObservations(ctx)
	if err != nil {
		return err
	}
	opts := demo.Options{Seed: demo.DefaultSeed, Last: domain.LastComplete(a.Now()), Councils: a.DemoCouncils}
	if !has {
		start := time.Now()
		n, err := a.db.LoadDemo(ctx, func(emit func(domain.Observation) error) error {
			return demo.Generate(ref, opts, emit)
		})
		if err != nil {
			return fmt.Errorf("load demonstration data: %w", err)
		}
		a.Logger.Info("demonstration data loaded", "observations", n, "to", opts.Last.String(), "took", time.Since(start).Round(time.Millisecond))
	}
	if err := a.seedDemoAssessments(ctx, ref, opts); err != nil {
		return err
	}
	if has {
		return nil
	}
	return a.createDemoAccounts(ctx)
}

// seedDemoAssessments gives every demo council its synthetic
// self-assessments while the demo is loaded and no council has any (so a
// database from before self-assessment gets them too).
func (a *App) seedDemoAssessments(ctx context.Context, ref *reference.Data, opts demo.Options) error {
	if len(ref.Framework.Items) == 0 {
		return nil
	}
	isDemo, err := a.db.DemoLoaded(ctx)
	if err != nil || !isDemo {
		return err
	}
	as, err := demo.Assessments(ref, opts)
	if err != nil {
		return err
	}
	loaded, err := a.db.LoadDemoAssessments(ctx, as)
	if err != nil {
		return fmt.Errorf("load demonstration self-assessments: %w", err)
	}
	if loaded {
		a.Logger.Info("demonstration self-assessments loaded", "assessments", len(as))
	}
	return nil
}

// demoCouncil is the council the first-run demo accounts belong to.
const demoCouncil = 202 // Camden

// createDemoAccounts makes one account per role on a new demo database,
// with random passwords printed once to the console and kept nowhere else.
func (a *App) createDemoAccounts(ctx context.Context) error {
	n, err := a.db.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	out := a.Stdout
	if out == nil {
		out = io.Discard
	}
	fmt.Fprintf(out, "\nDemo accounts (passwords shown once; they are stored only as hashes):\n")
	svc := accounts.Service{DB: a.db}
	for _, r := range domain.Roles {
		account := accounts.Account{Email: fmt.Sprintf("%s@demo.resilience.invalid", r), Role: string(r), Generate: true, How: "demo account"}
		if r.Scoped() {
			account.Council = demoCouncil
		}
		u, password, err := svc.Create(ctx, account, domain.AuditEntry{Actor: "first run"})
		if err != nil {
			return fmt.Errorf("create demo account: %w", err)
		}
		fmt.Fprintf(out, "  %-8s %-36s %s%s\n", r, u.Email, password, councilSuffix(u.Council))
	}
	fmt.Fprintln(out)
	return nil
}

// hashFS fingerprints the embedded reference files, so start-up reloads
// them only when a new binary carries new ones.
func hashFS(fsys fs.FS) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)), err
}

// URL is the address the server answers on, for people and tests.
func (a *App) URL() string {
	addr := a.listener.Addr().(*net.TCPAddr)
	host := addr.IP.String()
	if addr.IP.IsUnspecified() {
		host = "localhost"
	}
	return fmt.Sprintf("http://%s", net.JoinHostPort(host, fmt.Sprint(addr.Port)))
}

// Wait serves until ctx ends (SIGINT or SIGTERM), then shuts down
// gracefully: in-flight requests finish, the database closes cleanly.
func (a *App) Wait(ctx context.Context) error {
	select {
	case err := <-a.done:
		a.db.Close()
		return err
	case <-ctx.Done():
	}
	return a.Close()
}

// Close stops the server gracefully and closes the database.
func (a *App) Close() error {
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := a.srv.Shutdown(shutdown)
	if serveErr := <-a.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	if cerr := a.db.Close(); cerr != nil && err == nil {
		err = cerr
	}
	a.Logger.Info("stopped")
	return err
}
