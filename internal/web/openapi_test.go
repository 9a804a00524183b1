package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// loadOpenAPI parses and validates the served document.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDocument)
	if err != nil {
		t.Fatalf("the OpenAPI document does not load: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("the OpenAPI document is not valid OpenAPI 3: %v", err)
	}
	return doc
}

// checkResponse fails the test unless a response's status is one the
// operation documents and its JSON body matches the documented schema.
func checkResponse(t *testing.T, what string, op *openapi3.Operation, status int, body string) {
	t.Helper()
	ref := op.Responses.Status(status)
	if ref == nil {
		ref = op.Responses.Default()
		if status < 400 || ref == nil {
			t.Errorf("%s: status %d is not documented: %.300s", what, status, body)
			return
		}
	}
	media := ref.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		t.Errorf("%s: status %d documents no JSON body", what, status)
		return
	}
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Errorf("%s: status %d: not JSON: %v: %.300s", what, status, err, body)
		return
	}
	if err := media.Schema.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors(), openapi3.EnableFormatValidation()); err != nil {
		t.Errorf("%s: status %d: the body does not match the documented schema: %v\n%.600s", what, status, err, body)
	}
	if extra := undocumented(media.Schema.Value, v, ""); len(extra) > 0 {
		t.Errorf("%s: status %d: fields the document does not describe: %v", what, status, extra)
	}
}

// undocumented lists the fields of a JSON value that its schema does not
// describe, so the document names every field the API sends.
func undocumented(s *openapi3.Schema, v any, at string) []string {
	if len(s.OneOf)+len(s.AnyOf) > 0 {
		var first []string
		for i, alt := range append(slices.Clone(s.OneOf), s.AnyOf...) {
			if alt.Value.VisitJSON(v, openapi3.VisitAsResponse()) != nil {
				continue
			}
			extra := undocumented(alt.Value, v, at)
			if len(extra) == 0 {
				return nil
			}
			if i == 0 || first == nil {
				first = extra
			}
		}
		return first
	}
	switch v := v.(type) {
	case []any:
		var out []string
		if s.Items != nil {
			for i, item := range v {
				out = append(out, undocumented(s.Items.Value, item, fmt.Sprintf("%s/%d", at, i))...)
			}
		}
		return out
	case map[string]any:
		props := map[string]*openapi3.Schema{}
		var rest *openapi3.Schema
		open := false
		var collect func(*openapi3.Schema)
		collect = func(s *openapi3.Schema) {
			for name, p := range s.Properties {
				props[name] = p.Value
			}
			if s.AdditionalProperties.Schema != nil {
				rest = s.AdditionalProperties.Schema.Value
			}
			if has := s.AdditionalProperties.Has; has != nil && *has {
				open = true
			}
			for _, part := range s.AllOf {
				collect(part.Value)
			}
		}
		collect(s)
		var out []string
		for name, field := range v {
			switch p := props[name]; {
			case p != nil:
				out = append(out, undocumented(p, field, at+"/"+name)...)
			case rest != nil:
				out = append(out, undocumented(rest, field, at+"/"+name)...)
			case len(props) > 0 && !open:
				out = append(out, at+"/"+name)
			}
		}
		return out
	}
	return nil
}

var ginParam = regexp.MustCompile(`:([a-z_]+)`)

// openAPIPath writes a Gin route's path as OpenAPI writes it.
func openAPIPath(ginPath string) string { return ginParam.ReplaceAllString(ginPath, "{$1}") }

// The served document is valid OpenAPI 3, and anyone may read it.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPI(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi %q; want 3.x", doc.OpenAPI)
	}
	env := newTestEnv(t, Config{})
	status, body, h := env.get(env.client(), "/api/v1/openapi.json")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || body != string(openAPIDocument) {
		t.Fatalf("GET /api/v1/openapi.json without signing in: %d %s", status, h.Get("Content-Type"))
	}
	// Every operation says who may use it, and every one but the document
	// itself needs the session cookie.
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Extensions["x-access"] == nil || !strings.Contains(op.Description, "Who may use it") {
				t.Errorf("%s %s does not say who may use it", method, path)
			}
			public := op.Security != nil && len(*op.Security) == 0
			if public != (path == "/api/v1/openapi.json") {
				t.Errorf("%s %s: public %v", method, path, public)
			}
		}
	}
}

// Every /api/v1 route the server registers is documented with the same
// method and access, and every documented operation is a registered
// route. HEAD is GET without a body, so a HEAD route is documented by
// its GET.
func TestOpenAPIListsEveryAPIRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	env := newTestEnv(t, Config{})
	registered := map[string]bool{}
	for _, r := range env.srv.Routes() {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		path, method := openAPIPath(r.Path), r.Method
		registered[method+" "+path] = true
		if method == http.MethodHead {
			method = http.MethodGet
		}
		item := doc.Paths.Value(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("route %s %s is not in the OpenAPI document", r.Method, path)
			continue
		}
		if got := item.GetOperation(method).Extensions["x-access"]; got != r.Access.String() {
			t.Errorf("%s %s: documented access %q; the server declares %q", r.Method, path, got, r.Access)
		}
	}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !registered[method+" "+path] {
				t.Errorf("the document has %s %s, which the server does not answer", method, path)
			}
		}
	}
}

// exampleURL builds an operation's address from its parameters' examples;
// with all false it leaves the optional query parameters out.
func exampleURL(t *testing.T, path string, op *openapi3.Operation, all bool) string {
	t.Helper()
	q := url.Values{}
	for _, p := range op.Parameters {
		v := p.Value
		if v.Example == nil {
			t.Errorf("%s: parameter %s has no example", path, v.Name)
			continue
		}
		switch {
		case v.In == openapi3.ParameterInPath:
			path = strings.ReplaceAll(path, "{"+v.Name+"}", fmt.Sprint(v.Example))
		case v.In == openapi3.ParameterInQuery && (all || v.Required):
			q.Set(v.Name, fmt.Sprint(v.Example))
		}
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return path
}

// Every documented GET answers an LGA officer with its documented example
// parameters (and with its required ones alone) with 200 and the JSON its
// schema describes; a council's DCS gets the same shapes, or the
// documented 403 where the route is not theirs.
func TestOpenAPIDocumentedRoutesAnswer(t *testing.T) {
	doc := loadOpenAPI(t)
	env := newPressureFiltersEnv(t)
	// Counts of 1 to 5 that a DCS of another council sees as "c".
	storeFigures(t, env, domain.Observation{Council: 203, Indicator: "EHE_NEW", Month: "2024-04", Value: 3},
		domain.Observation{Council: 202, Indicator: "EHE_NEW", Month: "2024-04", Value: 30})
	submitAssessment(t, env, 202, 3, "Evidence of a stable workforce.")
	lga := env.signIn("lga@openapi.test", env.addUser("lga@openapi.test", domain.RoleLGA, 0))
	dcs := env.signIn("dcs@openapi.test", env.addUser("dcs@openapi.test", domain.RoleDCS, 301))
	gets := 0
	for path, item := range doc.Paths.Map() {
		op := item.Get
		if op == nil {
			continue
		}
		gets++
		for _, all := range []bool{true, false} {
			u := exampleURL(t, path, op, all)
			status, body, _ := env.get(lga, u)
			if status != http.StatusOK {
				t.Errorf("GET %s as an LGA officer: %d: %.300s", u, status, body)
				continue
			}
			checkResponse(t, "GET "+u+" (lga)", op, status, body)
			status, body, _ = env.get(dcs, u)
			lgaOnly := strings.Contains(fmt.Sprint(op.Extensions["x-access"]), "lga, admin")
			if lgaOnly && status != http.StatusForbidden || !lgaOnly && status != http.StatusOK {
				t.Errorf("GET %s as a DCS: %d", u, status)
			}
			checkResponse(t, "GET "+u+" (dcs)", op, status, body)
		}
		// Signed out, the API answers 401 with the documented error.
		if op.Security == nil || len(*op.Security) > 0 {
			u := exampleURL(t, path, op, true)
			status, body, _ := env.get(env.client(), u)
			if status != http.StatusUnauthorized {
				t.Errorf("GET %s signed out: %d", u, status)
			}
			checkResponse(t, "GET "+u+" (signed out)", op, status, body)
		}
	}
	// The examples reach the arrays whose items the schemas describe.
	if _, body, _ := env.get(lga, exampleURL(t, "/api/v1/pressure", doc.Paths.Value("/api/v1/pressure").Get, true)); !strings.Contains(body, `"points":[{`) {
		t.Errorf("the pressure example has no points: %.300s", body)
	}
	// Withheld figures match the schemas too.
	for _, u := range []string{"/api/v1/compare?indicator=EHE_NEW&month=2024-04", "/api/v1/councils/203/series?indicator=EHE_NEW"} {
		status, body, _ := env.get(dcs, u)
		if !strings.Contains(body, `"c"`) {
			t.Errorf("GET %s as another council's DCS: %d, nothing withheld: %.300s", u, status, body)
		}
		p, _, _ := strings.Cut(u, "?")
		p = strings.Replace(p, "/203/", "/{number}/", 1)
		checkResponse(t, "GET "+u+" (dcs)", doc.Paths.Value(p).Get, status, body)
	}
	if gets < 9 {
		t.Errorf("%d GET operations documented; want every GET route", gets)
	}
	// Bad parameters answer with the documented error.
	for _, u := range []string{"/api/v1/compare?month=2024-13", "/api/v1/councils/202/series", "/api/v1/councils/999/assessment",
		"/api/v1/pressure?area=nowhere", "/api/v1/returns/status?status=late", "/api/v1/councils/202/reconciliation?indicator=EHE_KNOWN"} {
		status, body, _ := env.get(lga, u)
		p, _, _ := strings.Cut(u, "?")
		p = regexp.MustCompile(`/councils/\d+/`).ReplaceAllString(p, "/councils/{number}/")
		item := doc.Paths.Value(p)
		if item == nil || item.Get == nil {
			t.Fatalf("%s is not documented", p)
		}
		if status < 400 {
			t.Errorf("GET %s: %d; want an error", u, status)
		}
		checkResponse(t, "GET "+u, item.Get, status, body)
	}
}

// The upload and explanation routes answer with the documented report or
// error at every documented step: queries waiting (409), a bad body (400),
// stored (201), explaining a stored upload (409), the same file again
// (200), a rejected file (422), a file over the limit (413), a role that
// may not upload (403) and no session (401).
func TestOpenAPIDocumentsUploads(t *testing.T) {
	doc := loadOpenAPI(t)
	env := newTestEnv(t, withSettings(func(s *config.Config) { s.ReconcileQuery = false }))
	lga := env.signIn("lga@openapi-upload.test", env.addUser("lga@openapi-upload.test", domain.RoleLGA, 0))
	dcs := env.signIn("dcs@openapi-upload.test", env.addUser("dcs@openapi-upload.test", domain.RoleDCS, 202))
	submit := doc.Paths.Value("/api/v1/returns").Post
	explain := doc.Paths.Value("/api/v1/returns/{id}/explanations").Post
	if submit == nil || explain == nil {
		t.Fatal("the upload routes are not documented")
	}
	upload := func(c *http.Client, name string, body []byte, fields map[string]string) (int, string) {
		t.Helper()
		resp := env.upload(c, "/api/v1/returns", name, body, fields)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}
	book := queryWorkbook(t, []int{202, 301}, domain.Month{Year: 2020, Month: 1}, 3)
	status, body := upload(lga, "bulk.xlsx", book, nil)
	checkResponse(t, "POST /api/v1/returns (queries)", submit, status, body)
	if status != http.StatusConflict {
		t.Fatalf("upload: %d; want 409", status)
	}
	var rep struct {
		Submission struct {
			ID int64 `json:"id"`
		} `json:"submission"`
		Messages []struct {
			Key, Severity string
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/api/v1/returns/%d/explanations", rep.Submission.ID)
	post := func(b any) (int, string) {
		t.Helper()
		status, out := env.postJSON(lga, path, b)
		raw, _ := json.Marshal(out)
		return status, string(raw)
	}
	status, body = post(map[string]any{"explanations": "text"})
	checkResponse(t, "explanations (bad body)", explain, status, body)
	if status != http.StatusBadRequest {
		t.Errorf("a bad body: %d; want 400", status)
	}
	keys := map[string]string{}
	for _, m := range rep.Messages {
		if m.Severity == domain.SeverityQuery {
			keys[m.Key] = "Explained for the test."
		}
	}
	status, body = post(map[string]any{"explanations": keys})
	checkResponse(t, "explanations (stored)", explain, status, body)
	if status != http.StatusCreated {
		t.Errorf("every query explained: %d; want 201: %.300s", status, body)
	}
	status, body = post(map[string]any{"rule": "Q02", "explanation": "again"})
	checkResponse(t, "explanations (already stored)", explain, status, body)
	if status != http.StatusConflict {
		t.Errorf("explaining a stored upload: %d; want 409", status)
	}
	status, body = upload(lga, "bulk.xlsx", book, nil)
	checkResponse(t, "POST /api/v1/returns (unchanged)", submit, status, body)
	if status != http.StatusOK {
		t.Errorf("the same file again: %d; want 200", status)
	}
	status, body = upload(lga, "notes.xlsx", []byte("<html>not a workbook</html>"), nil)
	checkResponse(t, "POST /api/v1/returns (not a workbook)", submit, status, body)
	status, body = upload(lga, "big.xlsx", make([]byte, 26<<20), nil)
	checkResponse(t, "POST /api/v1/returns (too large)", submit, status, body)
	if status != http.StatusRequestEntityTooLarge {
		t.Errorf("a file over the limit: %d; want 413", status)
	}
	status, body = upload(dcs, "bulk.xlsx", book, nil)
	checkResponse(t, "POST /api/v1/returns (dcs)", submit, status, body)
	if status != http.StatusForbidden {
		t.Errorf("a DCS uploading: %d; want 403", status)
	}
	status, body = upload(env.client(), "bulk.xlsx", book, nil)
	checkResponse(t, "POST /api/v1/returns (signed out)", submit, status, body)
	if status != http.StatusUnauthorized {
		t.Errorf("signed out: %d; want 401", status)
	}
	for _, want := range []string{"200", "201", "409", "422", "400", "401", "403", "413"} {
		if submit.Responses.Value(want) == nil {
			t.Errorf("POST /api/v1/returns does not document %s", want)
		}
	}
}
