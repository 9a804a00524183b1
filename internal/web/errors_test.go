package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// successStatuses are the statuses a handler may name itself: none of
// them is a failure.
var successStatuses = map[string]bool{
	"StatusOK": true, "StatusCreated": true, "StatusAccepted": true, "StatusNoContent": true, "StatusPartialContent": true,
	"StatusMovedPermanently": true, "StatusFound": true, "StatusSeeOther": true, "StatusNotModified": true,
	"StatusTemporaryRedirect": true, "StatusPermanentRedirect": true,
}

// One error map: outside errors.go no code in this package names an
// error status (an http.Status constant of 4xx or 5xx, or such a number
// given to anything that writes a response), and only errors.go calls
// the error renderer fail. Every failure goes through a domain.Error and
// the one code-to-status map.
func TestNoHandlerPicksItsOwnErrorStatus(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "errors.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == "http" && strings.HasPrefix(n.Sel.Name, "Status") &&
					n.Sel.Name != "StatusText" && !successStatuses[n.Sel.Name] {
					t.Errorf("%s: http.%s: give a domain.Error to handleError (or statusFor a code) instead", fset.Position(n.Pos()), n.Sel.Name)
				}
				if n.Sel.Name == "fail" {
					t.Errorf("%s: fail is errors.go's; give handleError a domain.Error", fset.Position(n.Pos()))
				}
			case *ast.CallExpr:
				if !takesStatus(n.Fun) {
					return true
				}
				for _, arg := range n.Args {
					if lit, ok := arg.(*ast.BasicLit); ok && lit.Kind == token.INT {
						if v, err := strconv.Atoi(lit.Value); err == nil && v >= 400 && v <= 599 {
							t.Errorf("%s: the number %d looks like an HTTP error status", fset.Position(lit.Pos()), v)
						}
					}
				}
			}
			return true
		})
	}
	if checked < 20 {
		t.Fatalf("checked only %d files; is the test running in internal/web?", checked)
	}
}

// takesStatus reports whether a call writes a response with a status: a
// Gin or net/http writer, or one of this package's render functions.
func takesStatus(fun ast.Expr) bool {
	var name string
	switch f := fun.(type) {
	case *ast.SelectorExpr:
		name = f.Sel.Name
	case *ast.Ident:
		name = f.Name
	}
	switch name {
	case "JSON", "IndentedJSON", "PureJSON", "String", "Data", "DataFromReader", "Status", "AbortWithStatus", "AbortWithStatusJSON",
		"AbortWithError", "WriteHeader", "Error", "Redirect", "HTML", "XML":
		return true
	}
	return strings.HasPrefix(name, "render")
}

// Every error code has a status, every status a heading.
func TestEveryErrorCodeHasAStatusAndHeading(t *testing.T) {
	for _, code := range []string{domain.EINVALID, domain.ENOTFOUND, domain.ECONFLICT, domain.EUNAUTHORIZED, domain.EFORBIDDEN,
		domain.ETOOLARGE, domain.EUNPROCESSABLE, domain.EMETHOD, domain.EUNAVAILABLE, domain.EINTERNAL, domain.EPASSWORDCHANGE} {
		status, ok := statusOf[code]
		if !ok {
			t.Errorf("code %q has no status", code)
		}
		if headingOf[status] == "" {
			t.Errorf("status %d (code %q) has no heading", status, code)
		}
	}
	if statusFor("no such code") != http.StatusInternalServerError {
		t.Error("an unknown code is not an internal error")
	}
}

// An upload identical to the return held, when the upload that holds it
// cannot be shown, gets a page of its own saying nothing changed: a
// success, not the error page with a 200.
func TestNothingChangedIsNotAnErrorPage(t *testing.T) {
	env := newTestEnv(t, Config{})
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	c.Request = httptest.NewRequest(http.MethodGet, "/returns/jobs/x", nil)
	c.Set(userKey, &domain.User{ID: 1, Email: "lga@unchanged.test", Role: domain.RoleLGA})
	env.srv.unchangedReport(c, 987654321) // no such upload
	body := w.Body.String()
	if w.Code != http.StatusOK || !contains(body, "Nothing changed") || !contains(body, unchangedMessage) {
		t.Fatalf("status %d; want 200 saying nothing changed:\n%s", w.Code, body)
	}
	errorPage, ok := env.srv.pages.sets["error"]
	if !ok {
		t.Fatal("no error template")
	}
	if contains(body, "Reference:") || contains(body, "Go to the list of councils") || errorPage == env.srv.pages.sets["returns-unchanged"] {
		t.Errorf("the page looks like the error page:\n%s", body)
	}
}
