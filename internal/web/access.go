package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Access says who may use a route. Every route declares one.
type Access struct {
	// Public routes need no sign-in.
	Public bool
	// Roles limits a route to these roles; empty means any signed-in user.
	Roles []domain.Role
	// CouncilParam names the path parameter holding a council's DfE number:
	// scoped users (uploader, dcs) may use the route only for their own
	// council.
	CouncilParam string
}

var (
	public    = Access{Public: true}
	signedIn  = Access{}
	adminOnly = Access{Roles: []domain.Role{domain.RoleAdmin}}
)

// String describes the access rule for people (the route list in docs).
func (a Access) String() string {
	if a.Public {
		return "anyone"
	}
	who := "any signed-in user"
	if len(a.Roles) > 0 {
		names := make([]string, len(a.Roles))
		for i, r := range a.Roles {
			names[i] = string(r)
		}
		who = strings.Join(names, ", ")
	}
	if a.CouncilParam != "" {
		who += " (uploader and dcs: own council only)"
	}
	return who
}

// RouteInfo describes one route and who may use it.
type RouteInfo struct {
	Method string
	Path   string
	Access Access
}

// Routes lists every route the server answers, with its access rule, so
// tests can check each one for each role.
func (s *Server) Routes() []RouteInfo { return slices.Clone(s.routeList) }

// handle registers a route behind its access rule. Every GET route answers
// HEAD too, with the same status and headers and no body (the server
// drops the body of a HEAD response); the route list names the GET.
func (s *Server) handle(method, path string, a Access, h gin.HandlerFunc) {
	s.routeList = append(s.routeList, RouteInfo{Method: method, Path: path, Access: a})
	s.engine.Handle(method, path, s.authorize(a), h)
	if method == http.MethodGet {
		s.engine.Handle(http.MethodHead, path, s.authorize(a), h)
	}
}

// authorize enforces an access rule: anonymous visitors are sent to sign
// in (pages) or told 401 (API); signed-in users outside the rule get 403.
func (s *Server) authorize(a Access) gin.HandlerFunc {
	return func(c *gin.Context) {
		if a.Public {
			c.Next()
			return
		}
		u := currentUser(c)
		if u == nil {
			if wantsJSON(c) || (c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
				s.handleError(c, domain.Errorf(domain.EUNAUTHORIZED, "Sign in to use this service."))
				return
			}
			c.Redirect(http.StatusSeeOther, "/sign-in?next="+url.QueryEscape(c.Request.URL.RequestURI()))
			c.Abort()
			return
		}
		if s.mustChangePassword(c, u) {
			return
		}
		if len(a.Roles) > 0 && !slices.Contains(a.Roles, u.Role) {
			s.handleError(c, domain.Errorf(domain.EFORBIDDEN, "Your account does not give access to this page."))
			return
		}
		if a.CouncilParam != "" && u.Role.Scoped() {
			n, err := strconv.Atoi(c.Param(a.CouncilParam))
			if err != nil {
				n, err = strconv.Atoi(c.Query(a.CouncilParam))
			}
			if err != nil || !u.CanSeeCouncil(n) {
				s.handleError(c, domain.Errorf(domain.EFORBIDDEN, "Your account gives access to your own council only."))
				return
			}
		}
		c.Next()
	}
}
