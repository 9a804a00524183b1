// Package web serves the dashboard's pages and JSON API with Gin. Pages are
// rendered from templates parsed once at start-up; charts arrive as JSON
// options escaped by html/template and drawn by one static script.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/dashboard"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/intake"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Config holds what the web layer needs to know about its surroundings.
type Config struct {
	// Settings are the operator's settings, as package config reads them;
	// nil takes config.Default().
	Settings *config.Config
	// Logger receives one line per request.
	Logger *slog.Logger
	// Now is the clock, replaceable in tests.
	Now func() time.Time
}

// Server is the dashboard's HTTP handler.
type Server struct {
	cfg       options
	db        *store.DB
	engine    *gin.Engine
	pages     *pages
	static    *staticFiles
	sessions  *scs.SessionManager
	handler   http.Handler
	routeList []RouteInfo
	limits    returns.Limits
	intake    *intake.Service
	jobs      jobs
	// instance names this process among those sharing the database;
	// lostAfter is how long a job's heartbeat may be silent before it is
	// taken for lost.
	instance  string
	lostAfter time.Duration
	model     *dashboard.Model
	cache     *responseCache
	// panicHook, set only by tests, is called at each step of an upload
	// job, so a test can make one panic.
	panicHook func(stage string, done, total int)
}

// NewServer builds the handler with every route.
func NewServer(cfg Config, db *store.DB) (*Server, error) {
	opts, err := newOptions(cfg)
	if err != nil {
		return nil, err
	}
	gin.SetMode(gin.ReleaseMode)
	// Upload files a crashed server left behind go at start-up (U9).
	sweepUploads(os.TempDir(), cfg.Logger)
	static, err := newStaticFiles()
	if err != nil {
		return nil, err
	}
	pg, err := newPages(static)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: opts, db: db, engine: gin.New(), pages: pg, static: static, cache: newResponseCache(400)}
	s.instance, s.lostAfter = newInstanceID(), opts.settings.UploadLostAfter
	// Uploads a stopped server left unfinished are marked failed.
	s.sweepLostJobs()
	s.model = dashboard.New(db, dashboard.Config{BaselineYears: opts.BaselineYears, Pressure: opts.Pressure, Matrix: opts.Matrix})
	s.model.Logger = opts.Logger
	s.intake = intake.New(db, opts.settings)
	s.intake.Now = opts.Now
	s.limits = s.intake.Limits
	// An accepted return reaches the read model before the upload's answer
	// is sent; a failure there is logged, and the next request catches up.
	s.intake.Stored = func(ctx context.Context) {
		if _, err := s.model.Refresh(context.WithoutCancel(ctx)); err != nil {
			opts.Logger.Error("read model update after a stored return", "err", err)
		}
	}
	s.sessions = s.sessionManager()
	// Only the proxies named in the configuration are trusted, so a forged
	// X-Forwarded-For cannot change the client address (SECURITY W3).
	if err := s.engine.SetTrustedProxies(opts.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	s.engine.HandleMethodNotAllowed = true
	s.engine.Use(requestID(), s.logRequests(), s.recoverPanics(), securityHeaders(), s.loadUser())
	s.engine.NoRoute(func(c *gin.Context) { s.notFound(c) })
	s.engine.NoMethod(func(c *gin.Context) {
		s.handleError(c, domain.Errorf(domain.EMETHOD, "This address does not accept that kind of request."))
	})
	s.routes()

	// Sessions wrap everything but static files and the health check, which
	// need none; cross-origin protection refuses state-changing requests
	// from other sites on every route (SECURITY W5).
	withSessions := s.sessions.LoadAndSave(s.engine)
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sessionless(r.URL.Path) {
			s.engine.ServeHTTP(w, r)
			return
		}
		withSessions.ServeHTTP(w, r)
	})
	// A refused cross-origin request never reaches the application or the
	// session store: a separate engine with no routes answers it, with the
	// same request ID, log line, headers and error page as any other
	// response (SECURITY W4, W5).
	refused := gin.New()
	if err := refused.SetTrustedProxies(opts.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	refused.Use(requestID(), s.logRequests(), s.recoverPanics(), securityHeaders())
	refused.NoRoute(func(c *gin.Context) {
		s.handleError(c, withHeading(domain.Errorf(domain.EFORBIDDEN,
			"It was sent from another website. Go back to this service's own page and try again."), "This request was refused"))
	})
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(refused)
	// The security headers are set outermost, so every response carries
	// them, including those written by the session layer.
	s.handler = withSecurityHeaders(cop.Handler(inner))
	return s, nil
}

func (s *Server) routes() {
	s.handle(http.MethodGet, "/healthz", public, s.healthz)
	s.handle(http.MethodGet, "/static/*path", public, s.static.serve)
	s.handle(http.MethodGet, "/sign-in", public, s.signInPage)
	s.handle(http.MethodPost, "/sign-in", public, s.signIn)
	s.handle(http.MethodPost, "/sign-out", signedIn, s.signOut)
	s.handle(http.MethodGet, passwordPath, signedIn, s.passwordPage)
	s.handle(http.MethodPost, passwordPath, signedIn, s.changePassword)

	s.handle(http.MethodGet, "/", signedIn, s.home)
	s.handle(http.MethodGet, "/councils/:number", signedIn, s.cached(s.councilPage))
	s.handle(http.MethodGet, "/councils/:number/areas/:file", signedIn, s.councilAreaData)
	s.handle(http.MethodGet, "/councils/:number/comparison/:file", signedIn, s.councilComparisonData)

	s.handle(http.MethodGet, "/compare", signedIn, s.cached(s.comparePage))
	s.handle(http.MethodGet, "/compare.csv", signedIn, s.compareCSV)
	s.handle(http.MethodGet, "/compare.xlsx", signedIn, s.compareXLSX)
	s.handle(http.MethodGet, "/compare/neighbours/:file", signedIn, s.compareNeighboursData)

	s.handle(http.MethodGet, "/api/v1/openapi.json", public, s.apiOpenAPI)
	s.handle(http.MethodGet, "/api/v1/indicators", signedIn, s.apiIndicators)
	s.handle(http.MethodGet, "/api/v1/compare", signedIn, s.cached(s.apiCompare))
	s.handle(http.MethodGet, "/api/v1/councils", signedIn, s.cached(s.apiCouncils))
	s.handle(http.MethodGet, "/api/v1/councils/:number/series", signedIn, s.cached(s.apiSeries))

	s.handle(http.MethodGet, "/returns", signedIn, s.returnsHome)
	s.handle(http.MethodPost, "/returns", submitters, s.uploadReturn)
	s.handle(http.MethodGet, "/returns/template", templateReaders, s.returnTemplate)
	s.handle(http.MethodGet, "/returns/jobs/:id", submitters, s.returnJob)
	s.handle(http.MethodGet, "/returns/jobs/:id/progress", submitters, s.returnJobProgress)
	s.handle(http.MethodGet, "/returns/submissions/:id", signedIn, s.submissionReport)
	s.handle(http.MethodPost, "/returns/submissions/:id/explanations", submitters, s.explainSubmission)
	s.handle(http.MethodGet, "/councils/:number/returns", returnsViewers, s.councilReturns)
	s.handle(http.MethodPost, "/api/v1/returns", submitters, s.apiSubmitReturn)
	s.handle(http.MethodGet, "/returns/tracker", lgaOnly, s.trackerPage)
	s.handle(http.MethodGet, "/returns/tracker.csv", lgaOnly, s.trackerCSV)
	s.handle(http.MethodGet, "/api/v1/returns/status", lgaOnly, s.apiReturnStatus)
	s.handle(http.MethodPost, "/api/v1/returns/:id/explanations", submitters, s.apiExplainReturn)

	s.handle(http.MethodGet, "/admin/users", adminOnly, s.adminUsers)
	s.handle(http.MethodPost, "/admin/users", adminOnly, s.adminAddUser)
	s.handle(http.MethodPost, "/admin/users/:id/disable", adminOnly, s.adminDisableUser)
	s.handle(http.MethodPost, "/admin/users/:id/enable", adminOnly, s.adminEnableUser)
	s.handle(http.MethodGet, "/admin/users/:id", adminOnly, s.adminUser)
	s.handle(http.MethodPost, "/admin/users/:id", adminOnly, s.adminChangeUser)
	s.handle(http.MethodPost, "/admin/users/:id/password", adminOnly, s.adminResetPassword)
	s.handle(http.MethodGet, "/admin/audit", adminOnly, s.adminAudit)
	s.handle(http.MethodGet, "/admin/framework", adminOnly, s.adminFramework)
	s.handle(http.MethodPost, "/admin/framework", adminOnly, s.adminSaveFramework)
	s.handle(http.MethodGet, "/admin/timeline", adminOnly, s.adminTimeline)
	s.handle(http.MethodPost, "/admin/timeline", adminOnly, s.adminSaveTimeline)
	s.handle(http.MethodPost, "/admin/timeline/:id/delete", adminOnly, s.adminDeleteTimeline)

	s.handle(http.MethodGet, "/pressure", lgaOnly, s.cached(s.pressurePage))
	s.handle(http.MethodGet, "/pressure.csv", lgaOnly, s.pressureExport("csv"))
	s.handle(http.MethodGet, "/pressure.xlsx", lgaOnly, s.pressureExport("xlsx"))
	s.handle(http.MethodGet, "/pressure/matrix.csv", lgaOnly, s.matrixExport("csv"))
	s.handle(http.MethodGet, "/pressure/matrix.xlsx", lgaOnly, s.matrixExport("xlsx"))
	s.handle(http.MethodGet, "/api/v1/pressure", lgaOnly, s.cached(s.apiPressure))

	s.handle(http.MethodGet, "/api/v1/councils/:number/reconciliation", signedIn, s.cached(s.apiReconciliation))
	s.handle(http.MethodGet, "/councils/:number/reconciliation.csv", signedIn, s.councilReconciliationExport("csv"))
	s.handle(http.MethodGet, "/councils/:number/reconciliation.xlsx", signedIn, s.councilReconciliationExport("xlsx"))
	s.handle(http.MethodGet, "/reconciliation", lgaOnly, s.cached(s.reconciliationPage))
	s.handle(http.MethodGet, "/reconciliation.csv", lgaOnly, s.reconciliationExport("csv"))
	s.handle(http.MethodGet, "/reconciliation.xlsx", lgaOnly, s.reconciliationExport("xlsx"))

	s.handle(http.MethodGet, "/councils/:number/assessment", assessmentViewers, s.assessmentPage)
	s.handle(http.MethodPost, "/councils/:number/assessment", assessmentEditors, s.saveAssessment)
	s.handle(http.MethodGet, "/councils/:number/assessment/history", assessmentViewers, s.assessmentHistory)
	s.handle(http.MethodGet, "/councils/:number/assessment/review", assessmentEditors, s.assessmentReview)
	s.handle(http.MethodGet, "/councils/:number/ratings/:file", signedIn, s.councilRatingsData)
	s.handle(http.MethodGet, "/api/v1/councils/:number/assessment", signedIn, s.cached(s.apiAssessment))

	s.handle(http.MethodGet, "/api/v1/councils/:number/projection", signedIn, s.cached(s.apiProjection))
	s.handle(http.MethodGet, "/api/v1/councils/:number/narrative", signedIn, s.cached(s.apiNarrative))
	s.handle(http.MethodGet, "/api/v1/exceptions", lgaOnly, s.cached(s.apiExceptions))
	s.handle(http.MethodGet, "/exceptions.atom", lgaOnly, s.exceptionsAtom)
	s.handle(http.MethodGet, "/projections", lgaOnly, s.cached(s.projectionsPageHandler))
	s.handle(http.MethodGet, "/projections.csv", lgaOnly, s.projectionsExport("csv"))
	s.handle(http.MethodGet, "/projections.xlsx", lgaOnly, s.projectionsExport("xlsx"))
}

// sessionless reports whether a path is served without loading a session:
// static files and the health check need none, and skipping them saves a
// database read per request.
func sessionless(path string) bool {
	return strings.HasPrefix(path, "/static/") || path == "/healthz"
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) now() time.Time { return s.cfg.Now() }

// refreshModel brings the read model up to date after a change the
// request made, before it answers, so the next page shows the change; a
// failure is logged, and a later request catches up.
func (s *Server) refreshModel(c *gin.Context) {
	if _, err := s.model.Refresh(context.WithoutCancel(c.Request.Context())); err != nil {
		s.cfg.Logger.Error("read model update", "err", err, "request_id", c.GetString("request_id"))
	}
}

// Warm loads the read model, so the first page after a start does not
// wait for it; the server calls it in the background as it starts.
func (s *Server) Warm(ctx context.Context) {
	d, err := s.model.Snapshot(ctx)
	if err != nil {
		s.cfg.Logger.Warn("read model not loaded at start; the first page will load it", "err", err)
	} else {
		// Every council's projections, so pages find them made.
		d.ProjectAll()
	}
	// Loading reads the checkpoint (or every figure) through buffers it
	// no longer needs: give that memory back now rather than keep it.
	debug.FreeOSMemory()
}

// dataset returns the read model's current snapshot.
func (s *Server) dataset(ctx context.Context) (*dashboard.Snapshot, error) {
	return s.model.Snapshot(ctx)
}

// healthz answers 200 while the database can be read and written, and
// 503 otherwise: a read-only database file is a failure, since no return
// could be stored.
func (s *Server) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	if err := s.db.CheckWritable(c.Request.Context()); err != nil {
		s.cfg.Logger.Error("health check", "error", err, "request_id", c.GetString(requestIDKey))
		failText(c, domain.Errorf(domain.EUNAVAILABLE, "database unavailable"))
		return
	}
	c.String(http.StatusOK, "ok\n")
}
