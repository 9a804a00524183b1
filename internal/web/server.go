// Package web serves the dashboard's pages and JSON API with Gin. Pages are
// rendered from templates parsed once at start-up; charts arrive as JSON
// options escaped by html/template and drawn by one static script.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/intake"
	"github.com/resilience-dashboard/resilience/internal/returns"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Config holds what the web layer needs to know about its surroundings.
// Zero values take the defaults in NewServer.
type Config struct {
	// Logger receives one line per request.
	Logger *slog.Logger
	// BaseURL is the address people use; https makes cookies Secure.
	BaseURL string
	// TrustedProxies lists the proxies (IPs or CIDRs) whose
	// X-Forwarded-For is believed; none by default.
	TrustedProxies []string
	// IdleTimeout ends a session nobody has used for this long.
	IdleTimeout time.Duration
	// SessionLifetime ends any session this long after sign-in.
	SessionLifetime time.Duration
	// Now is the clock, replaceable in tests.
	Now func() time.Time
	// Limits bound uploads; zero values take returns.DefaultLimits.
	Limits returns.Limits
	// Tolerance is the month-on-month change that raises a query.
	Tolerance float64
	// ReconcileTolerance is how far a year's monthly figures may differ
	// from DfE's published figure before the reconciliation flags it and
	// an upload completing the year is queried (0.05 is 5%); 0 takes
	// analytics.DefaultReconcileTolerance.
	ReconcileTolerance float64
	// MinChange and MinChangePoints are the smallest changes of a count
	// and of a percentage (in points) that can raise it; 0 keeps the
	// intake's defaults (10 and 2), negative is none.
	MinChange, MinChangePoints float64
	// Pressure is the pressure-point rule (worst band, threshold against
	// the baseline); zero fields take analytics' defaults.
	Pressure analytics.PressureConfig
	// Matrix splits the resilience matrix into quadrants; zero fields
	// take analytics' defaults.
	Matrix analytics.MatrixConfig
	// BaselineYears are the years whose same calendar month makes the
	// pre-pandemic baseline; none take analytics.DefaultBaselineYears.
	BaselineYears []int
	// DueDay is the day of the following month by which a month's return
	// is due (1 to 28); 0 takes domain.DefaultDueDay, the 20th.
	DueDay int
}

// Server is the dashboard's HTTP handler.
type Server struct {
	cfg       Config
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
	data      datasets
	cache     *responseCache
	// panicHook, set only by tests, is called at each step of an upload
	// job, so a test can make one panic.
	panicHook func(stage string, done, total int)
}

// NewServer builds the handler with every route.
func NewServer(cfg Config, db *store.DB) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.SessionLifetime == 0 {
		cfg.SessionLifetime = 12 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DueDay == 0 {
		cfg.DueDay = domain.DefaultDueDay
	}
	if cfg.Matrix.PressureSplit == 0 {
		cfg.Matrix.PressureSplit = analytics.DefaultPressureSplit
	}
	if cfg.Matrix.ConditionsSplit == 0 {
		cfg.Matrix.ConditionsSplit = analytics.DefaultConditionsSplit
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
	if cfg.Limits == (returns.Limits{}) {
		cfg.Limits = returns.DefaultLimits()
	}
	if len(cfg.BaselineYears) == 0 {
		cfg.BaselineYears = slices.Clone(analytics.DefaultBaselineYears)
	}
	// Pressure points measure against the same baseline as the profile.
	if len(cfg.Pressure.BaselineYears) == 0 {
		cfg.Pressure.BaselineYears = cfg.BaselineYears
	}
	cfg.Pressure = cfg.Pressure.WithDefaults()
	s := &Server{cfg: cfg, db: db, engine: gin.New(), pages: pg, static: static, limits: cfg.Limits, cache: newResponseCache(400)}
	if cfg.ReconcileTolerance == 0 {
		cfg.ReconcileTolerance = analytics.DefaultReconcileTolerance
	}
	s.intake = &intake.Service{DB: db, Limits: cfg.Limits, Tolerance: cfg.Tolerance, ReconcileTolerance: cfg.ReconcileTolerance,
		MinAbsChange: cfg.MinChange, MinChangePoints: cfg.MinChangePoints, Now: cfg.Now}
	s.sessions = s.sessionManager()
	// Only the proxies named in the configuration are trusted, so a forged
	// X-Forwarded-For cannot change the client address (SECURITY W3).
	if err := s.engine.SetTrustedProxies(cfg.TrustedProxies); err != nil {
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
	if err := refused.SetTrustedProxies(cfg.TrustedProxies); err != nil {
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

	s.handle(http.MethodGet, "/", signedIn, s.home)
	s.handle(http.MethodGet, "/councils/:number", signedIn, s.cached(s.councilPage))
	s.handle(http.MethodGet, "/councils/:number/areas/:file", signedIn, s.councilAreaData)
	s.handle(http.MethodGet, "/councils/:number/comparison/:file", signedIn, s.councilComparisonData)

	s.handle(http.MethodGet, "/compare", signedIn, s.cached(s.comparePage))
	s.handle(http.MethodGet, "/compare.csv", signedIn, s.compareCSV)
	s.handle(http.MethodGet, "/compare.xlsx", signedIn, s.compareXLSX)
	s.handle(http.MethodGet, "/compare/neighbours/:file", signedIn, s.compareNeighboursData)

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
	s.handle(http.MethodGet, "/councils/:number/ratings/:file", signedIn, s.councilRatingsData)
	s.handle(http.MethodGet, "/api/v1/councils/:number/assessment", signedIn, s.cached(s.apiAssessment))
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
