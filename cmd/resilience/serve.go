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
	"sync"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/accounts"
	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/resilience-dashboard/resilience/internal/store"
	"github.com/resilience-dashboard/resilience/internal/web"
)

// App is a running dashboard: the database, the handler and the listener.
// Tests start one on 127.0.0.1:0 with a temporary database.
type App struct {
	// Config is every setting (config.Default() and then the
	// environment and flags, for the serve command).
	config.Config
	// DemoCouncils restricts the demo to these councils (nil: every one);
	// tests use it to start quickly.
	DemoCouncils []int
	// Reference replaces the embedded reference data when set (tests).
	Reference *reference.Data
	// Stdout receives the first-run accounts' passwords, printed once.
	Stdout io.Writer
	Logger *slog.Logger
	// Now is the clock used to decide the demo's last complete month.
	Now func() time.Time

	db       *store.DB
	srv      *http.Server
	listener net.Listener
	done     chan error
	// closeOnce makes Close safe to call twice; closeErr is its answer.
	closeOnce sync.Once
	closeErr  error
	// warming is closed once the read model has loaded at start.
	warming chan struct{}
}

// newApp reads the serve command's configuration: environment variables
// first, flags over them.
func newApp(args []string, stderr io.Writer) (*App, error) {
	fl := flag.NewFlagSet("serve", flag.ContinueOnError)
	fl.SetOutput(stderr)
	cfg, err := config.Parse(config.Serve, fl, args)
	if err != nil {
		return nil, err
	}
	return &App{Config: cfg, Logger: newLogger(stderr), Now: time.Now}, nil
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
	fmt.Fprintf(stdout, "Resilience is running at %s (database %s). Press Ctrl+C to stop.\n", app.URL(), app.db.Path)
	return app.Wait(ctx)
}

// Start opens the database, loads the reference data and (into an empty
// database) the demonstration data, and starts listening. It returns once
// the server accepts connections.
func (a *App) Start(ctx context.Context) error {
	if err := a.Config.Check(); err != nil {
		return err
	}
	db, err := store.Open(ctx, a.Database)
	if err != nil {
		return err
	}
	a.db = db
	// Instances starting at once on a new PostgreSQL database take turns
	// here, so it is seeded once: the second finds it seeded.
	if err := db.Exclusively(ctx, func() error { return a.seed(ctx) }); err != nil {
		db.Close()
		return err
	}
	settings := a.Config.Clone()
	handler, err := web.NewServer(web.Config{Settings: &settings, Logger: a.Logger}, db)
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
	// The read model loads beside the listening server: the health check
	// answers at once, and the first page finds the model ready or waits
	// for the rest of it.
	a.warming = make(chan struct{})
	go func() {
		defer close(a.warming)
		handler.Warm(context.WithoutCancel(ctx))
	}()
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
		if a.warming != nil {
			<-a.warming
		}
		a.db.Close()
		return err
	case <-ctx.Done():
	}
	return a.Close()
}

// Close stops the server gracefully and closes the database.
func (a *App) Close() error {
	a.closeOnce.Do(func() { a.closeErr = a.close() })
	return a.closeErr
}

// close is Close, once.
func (a *App) close() error {
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := a.srv.Shutdown(shutdown)
	if a.warming != nil {
		<-a.warming // the model's first load reads the database
	}
	if serveErr := <-a.done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) && err == nil {
		err = serveErr
	}
	if cerr := a.db.Close(); cerr != nil && err == nil {
		err = cerr
	}
	a.Logger.Info("stopped")
	return err
}
