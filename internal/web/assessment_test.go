package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// submitAssessment stores a submitted assessment for a council with every
// item rated the same and the given evidence text.
func submitAssessment(t *testing.T, env *testEnv, council, rating int, evidence string) {
	t.Helper()
	f, err := env.db.Framework(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	a := domain.Assessment{Council: council, Status: domain.AssessmentSubmitted, By: "test", Narrative: "narrative " + evidence}
	for _, it := range f.Items {
		a.Ratings = append(a.Ratings, domain.Rating{Item: it.Code, Rating: rating, Evidence: evidence})
	}
	if _, err := env.db.SaveAssessment(t.Context(), a, domain.AuditEntry{Actor: "test"}); err != nil {
		t.Fatal(err)
	}
}

// fullForm rates every item of the framework, with evidence.
func fullForm(t *testing.T, env *testEnv, rating, action, evidence string) url.Values {
	t.Helper()
	f, err := env.db.Framework(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"action": {action}, "narrative": {"Overall " + evidence}}
	if action == "submit" {
		form.Set("confirm", "yes") // ticked on the review page
	}
	for _, it := range f.Items {
		form.Set("rating-"+it.Code, rating)
		form.Set("evidence-"+it.Code, evidence+" for "+it.Code)
	}
	return form
}

func postBody(t *testing.T, env *testEnv, c *http.Client, path string, form url.Values) (int, string, http.Header) {
	t.Helper()
	resp, err := c.PostForm(env.ts.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b), resp.Header
}

func TestAssessmentFormValidationAndVersions(t *testing.T) {
	env := newTestEnv(t, Config{})
	ctx := t.Context()
	dcs := env.signIn("dcs@202.test", env.addUser("dcs@202.test", domain.RoleDCS, 202))

	status, body, _ := env.get(dcs, "/councils/202/assessment")
	if status != http.StatusOK || !contains(body, "Shared values") || !contains(body, "Save and check your answers") {
		t.Fatalf("form: status %d", status)
	}

	t.Run("ErrMissingRatings", func(t *testing.T) {
		form := fullForm(t, env, "3", "submit", "partial")
		form.Del("rating-shared_values")
		form.Del("rating-system_fatigue")
		status, body, _ := postBody(t, env, dcs, "/councils/202/assessment", form)
		if status != http.StatusBadRequest {
			t.Fatalf("status %d; want 400", status)
		}
		for _, want := range []string{"govuk-error-summary", `href="#rating-shared_values"`, "Select a rating for Shared values",
			`href="#rating-system_fatigue"`, "Select a rating for System fatigue", "partial for capacity_deliver"} {
			if !contains(body, want) {
				t.Errorf("error page lacks %q", want)
			}
		}
		if as, _ := env.db.Assessments(ctx, 202); len(as) != 0 {
			t.Errorf("a refused submission stored %d versions", len(as))
		}
	})

	t.Run("ErrRatingOffScale", func(t *testing.T) {
		form := fullForm(t, env, "3", "submit", "x")
		form.Set("rating-it_flexible", "7")
		status, body, _ := postBody(t, env, dcs, "/councils/202/assessment", form)
		if status != http.StatusBadRequest || !contains(body, "Select a rating from 1 to 4 for IT for flexible working") {
			t.Errorf("status %d", status)
		}
	})

	t.Run("DraftKeepsPartialWork", func(t *testing.T) {
		form := url.Values{"action": {"draft"}, "rating-shared_values": {"2"}, "evidence-shared_values": {"DRAFT-ONLY"}}
		resp := env.postForm(dcs, "/councils/202/assessment", form)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("draft: status %d", resp.StatusCode)
		}
		d, err := env.db.AssessmentDraft(ctx, 202)
		if err != nil || d == nil || d.RatingOf("shared_values").Rating != 2 {
			t.Fatalf("draft = %+v, %v", d, err)
		}
		_, body, _ := env.get(dcs, "/councils/202/assessment")
		if !contains(body, "DRAFT-ONLY") || !contains(body, `value="2" checked`) {
			t.Error("the form is not filled from the draft")
		}
	})

	t.Run("SubmitVersions", func(t *testing.T) {
		for i, rating := range []string{"2", "4"} {
			resp := env.postForm(dcs, "/councils/202/assessment", fullForm(t, env, rating, "submit", "v"+rating))
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/councils/202/assessment?saved=submitted" {
				t.Fatalf("submit %d: status %d, location %q", i+1, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		as, err := env.db.Assessments(ctx, 202)
		if err != nil || len(as) != 2 || as[0].Version != 1 || as[1].Version != 2 || as[0].By != "dcs@202.test" {
			t.Fatalf("versions = %+v, %v", as, err)
		}
		if d, _ := env.db.AssessmentDraft(ctx, 202); d != nil {
			t.Error("submitting left the draft behind")
		}
		audit, err := env.db.AuditLog(ctx, store.AuditFilter{Council: 202})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range audit {
			if e.Action == domain.AuditAssessmentSubmitted && e.Actor == "dcs@202.test" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("%d audit lines for two submissions", n)
		}
		status, body, _ := env.get(dcs, "/councils/202/assessment/history?from=1&to=2")
		if status != http.StatusOK || !contains(body, "What changed from version 1 to version 2") || !contains(body, "2 – Developing") ||
			!contains(body, "4 – Strong") || !contains(body, "Rating better") || !contains(body, "v2 for shared_values") {
			t.Errorf("history: status %d", status)
		}
		// Challenges rated higher are more pressure: worse.
		if !contains(body, "Rating worse") {
			t.Error("history does not mark the challenges' rise as worse")
		}
	})
}

// A DCS of council A cannot read B's evidence or drafts; others see only
// the submitted ratings.
func TestAssessmentScopeOfEvidence(t *testing.T) {
	env := newTestEnv(t, Config{})
	own := env.signIn("dcs@202.test", env.addUser("dcs@202.test", domain.RoleDCS, 202))
	other := env.signIn("dcs@301.test", env.addUser("dcs@301.test", domain.RoleDCS, 301))
	lga := env.signIn("lga@test", env.addUser("lga@test", domain.RoleLGA, 0))
	up := env.signIn("up@202.test", env.addUser("up@202.test", domain.RoleUploader, 202))

	if resp := env.postForm(own, "/councils/202/assessment", fullForm(t, env, "3", "submit", "SECRET-EVIDENCE")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	draft := url.Values{"action": {"draft"}, "rating-shared_values": {"1"}, "evidence-shared_values": {"DRAFT-TEXT"}}
	if resp := env.postForm(own, "/councils/202/assessment", draft); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", resp.StatusCode)
	}

	// The other council's DCS: ratings yes, evidence and draft no.
	status, body, _ := env.get(other, "/councils/202")
	if status != http.StatusOK || !contains(body, "chart-assessment-radar") || !contains(body, "3 – Established") {
		t.Fatalf("profile as other council: status %d, radar %v", status, contains(body, "chart-assessment-radar"))
	}
	for _, secret := range []string{"SECRET-EVIDENCE", "DRAFT-TEXT"} {
		if contains(body, secret) {
			t.Errorf("another council's DCS sees %s on the profile", secret)
		}
	}
	status, body, _ = env.get(other, "/api/v1/councils/202/assessment")
	if status != http.StatusOK || contains(body, "SECRET-EVIDENCE") || contains(body, "DRAFT-TEXT") || contains(body, "narrative") {
		t.Errorf("API as other council: status %d, leaks evidence or narrative: %s", status, body)
	}
	var api struct {
		Evidence bool `json:"evidence_included"`
		Latest   struct {
			Version int      `json:"version"`
			Score   *float64 `json:"conditions_score"`
			Ratings []struct {
				Item   string `json:"item"`
				Rating int    `json:"rating"`
			} `json:"ratings"`
		} `json:"latest"`
	}
	if err := json.Unmarshal([]byte(body), &api); err != nil {
		t.Fatal(err)
	}
	if api.Evidence || api.Latest.Version != 1 || api.Latest.Score == nil || *api.Latest.Score != 3 || len(api.Latest.Ratings) != 10 || api.Latest.Ratings[0].Rating != 3 {
		t.Errorf("API as other council = %+v", api)
	}
	for _, path := range []string{"/councils/202/assessment", "/councils/202/assessment/history"} {
		if status, body, _ := env.get(other, path); status != http.StatusForbidden || contains(body, "SECRET-EVIDENCE") {
			t.Errorf("%s as other council: status %d", path, status)
		}
	}
	if resp := env.postForm(other, "/councils/202/assessment", fullForm(t, env, "1", "submit", "x")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("other council's DCS submitting for 202: %d", resp.StatusCode)
	}
	if status, body, _ := env.get(other, "/councils/202/ratings/data.csv"); status != http.StatusOK || contains(body, "SECRET") || !contains(body, "Shared values") {
		t.Errorf("ratings CSV as other council: status %d", status)
	}

	// The council's own staff and LGA officers read the evidence, never
	// the draft on the profile.
	for name, c := range map[string]*http.Client{"own DCS": own, "own uploader": up, "LGA": lga} {
		_, body, _ := env.get(c, "/councils/202")
		if !contains(body, "SECRET-EVIDENCE") {
			t.Errorf("%s does not see the evidence on the profile", name)
		}
		if contains(body, "DRAFT-TEXT") {
			t.Errorf("%s sees the draft on the profile", name)
		}
	}
	// Only those who may complete it see the draft, in the form.
	if _, body, _ := env.get(up, "/councils/202/assessment"); contains(body, "DRAFT-TEXT") || !contains(body, "SECRET-EVIDENCE") {
		t.Error("the uploader's read-only view shows the draft, or not the submitted evidence")
	}
	if _, body, _ := env.get(lga, "/councils/202/assessment"); !contains(body, "DRAFT-TEXT") {
		t.Error("an LGA officer completing the assessment does not see the draft")
	}
	if resp := env.postForm(up, "/councils/202/assessment", fullForm(t, env, "1", "submit", "x")); resp.StatusCode != http.StatusForbidden {
		t.Errorf("uploader submitting: %d", resp.StatusCode)
	}
	// An LGA officer submits on the council's behalf.
	if resp := env.postForm(lga, "/councils/202/assessment", fullForm(t, env, "4", "submit", "LGA")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("LGA submitting: %d", resp.StatusCode)
	}
	as, _ := env.db.Assessments(t.Context(), 202)
	if len(as) != 2 || as[1].By != "lga@test" {
		t.Errorf("versions after the LGA's submission: %+v", as)
	}
}

// Evidence is user text: it is escaped on every page that shows it
// (SECURITY W4).
func TestAssessmentEvidenceEscaped(t *testing.T) {
	env := newTestEnv(t, Config{})
	dcs := env.signIn("dcs@202.test", env.addUser("dcs@202.test", domain.RoleDCS, 202))
	evil := `</script><script>alert(1)</script>`
	if resp := env.postForm(dcs, "/councils/202/assessment", fullForm(t, env, "2", "submit", evil)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	for _, path := range []string{"/councils/202", "/councils/202/assessment", "/councils/202/assessment/history"} {
		_, body, _ := env.get(dcs, path)
		if contains(body, "<script>alert(1)") {
			t.Errorf("%s carries the evidence unescaped", path)
		}
	}
}

func TestAdminRewordsFramework(t *testing.T) {
	env := newTestEnv(t, Config{})
	admin := env.signIn("admin@test", env.addUser("admin@test", domain.RoleAdmin, 0))
	f, err := env.db.Framework(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"note": {"Clearer wording"}}
	for _, it := range f.Items {
		form.Set("label-"+it.Code, it.Label)
		form.Set("statement-"+it.Code, it.Statement)
		form.Set("descriptors-"+it.Code, strings.Join(it.Descriptors, "\n"))
		for r := domain.MinRating; r <= domain.MaxRating; r++ {
			form.Set(fmt.Sprintf("level-%s-%d", it.Code, r), it.Level(r))
		}
	}
	form.Set("level-shared_values-2", "Reworded: shared purpose is talked about more than acted on.")
	form.Set("label-shared_values", "Shared values and ethos")

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("descriptors-it_flexible", "only one")
	status, body, _ := postBody(t, env, admin, "/admin/framework", bad)
	if status != http.StatusBadRequest || !contains(body, "Give two to four descriptors for IT for flexible working") {
		t.Errorf("one descriptor: status %d", status)
	}
	bad.Set("descriptors-it_flexible", form.Get("descriptors-it_flexible"))
	bad.Set("level-it_flexible-3", " ")
	status, body, _ = postBody(t, env, admin, "/admin/framework", bad)
	if status != http.StatusBadRequest || !contains(body, `href="#level-it_flexible-3"`) || !contains(body, "Say what rating 3 (Established) looks like for IT for flexible working") {
		t.Errorf("a missing level: status %d", status)
	}
	if cur, _ := env.db.Framework(t.Context()); cur.Version != f.Version {
		t.Errorf("a refused edit made version %d", cur.Version)
	}

	resp := env.postForm(admin, "/admin/framework", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: status %d", resp.StatusCode)
	}
	cur, err := env.db.Framework(t.Context())
	if err != nil || cur.Version != f.Version+1 || cur.Items[0].Label != "Shared values and ethos" || cur.By != "admin@test" ||
		cur.Items[0].Level(2) != "Reworded: shared purpose is talked about more than acted on." || cur.Items[5].Level(4) != f.Items[5].Level(4) {
		t.Fatalf("framework after save = %+v, %v", cur, err)
	}
	dcs := env.signIn("dcs@202.test", env.addUser("dcs@202.test", domain.RoleDCS, 202))
	if _, body, _ := env.get(dcs, "/councils/202/assessment"); !contains(body, "Shared values and ethos") || !contains(body, "Reworded: shared purpose") {
		t.Error("the form does not use the new wording")
	}
	audit, _ := env.db.AuditLog(t.Context(), store.AuditFilter{User: "admin@test"})
	if len(audit) == 0 || audit[0].Action != domain.AuditFrameworkChanged {
		t.Errorf("audit = %+v", audit)
	}
}
