// Package web serves the dashboard's pages and JSON API with Gin. Pages are
// rendered from templates parsed once at start-up; charts arrive as JSON
// options escaped by html/template and drawn by one static script.
package web

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// Config holds what the web layer needs to know about its surroundings.
type Config struct {
	// Logger receives one line per request.
	Logger *slog.Logger
}

// Server is the dashboard's HTTP handler.
type Server struct {
	cfg    Config
	db     *store.DB
	engine *gin.Engine
	pages  *pages
	static *staticFiles
}

// NewServer builds the handler with every route.
func NewServer(cfg Config, db *store.DB) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	gin.SetMode(gin.ReleaseMode)
	static, err := newStaticFiles()
	if err != nil {
		return nil, err
	}
	pg, err := newPages(static)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: db, engine: gin.New(), pages: pg, static: static}
	// No proxy is trusted unless configured, so a forged X-Forwarded-For
	// cannot change the client address the logs and limits see.
	if err := s.engine.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	s.engine.HandleMethodNotAllowed = true
	s.engine.Use(requestID(), s.logRequests(), s.recoverPanics(), securityHeaders())
	s.engine.NoRoute(func(c *gin.Context) { s.notFound(c) })
	s.engine.NoMethod(func(c *gin.Context) {
		s.fail(c, http.StatusMethodNotAllowed, "Method not allowed", "This address does not accept that kind of request.")
	})
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", s.healthz)
	e.HEAD("/healthz", s.healthz)
	e.GET("/static/*path", s.static.serve)
	e.GET("/", s.home)
	e.GET("/councils/:number", s.councilPage)
	e.GET("/councils/:number/areas/:file", s.councilAreaCSV)
	api := e.Group("/api/v1")
	api.GET("/councils", s.apiCouncils)
	api.GET("/councils/:number/series", s.apiSeries)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

func (s *Server) healthz(c *gin.Context) {
	if err := s.db.Ping(c.Request.Context()); err != nil {
		c.String(http.StatusServiceUnavailable, "database unavailable\n")
		return
	}
	c.String(http.StatusOK, "ok\n")
}
