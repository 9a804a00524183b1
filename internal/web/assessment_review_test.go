package web

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The form says what every rating of every item looks like, in the
// framework's words, beside its radio.
func TestAssessmentFormDescribesEveryLevel(t *testing.T) {
	env := newTestEnv(t, Config{})
	dcs := env.signIn("dcs@202.test", env.addUser("dcs@202.test", domain.RoleDCS, 202))
	f, err := env.db.Framework(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := env.get(dcs, "/councils/202/assessment")
	body = html.UnescapeString(body)
	for _, it := range f.Items {
		for r := domain.MinRating; r <= domain.MaxRating; r++ {
			id := "rating-" + it.Code + "-" + string(rune('0'+r))
			if r == domain.MinRating {
				id = "rating-" + it.Code
			}
			want := `<div id="` + id + `-hint" class="govuk-hint govuk-radios__hint">` + it.Level(r) + `</div>`
			if it.Level(r) == "" || !contains(body, want) || !contains(body, `aria-describedby="`+id+`-hint"`) {
				t.Errorf("%s rating %d: the form does not describe it (%q)", it.Code, r, it.Level(r))
			}
		}
	}
	// The irreversible submit is not on the form: its main button saves
	// and goes to the review.
	if contains(body, `value="submit"`) || !contains(body, `name="action" value="review" class="govuk-button">`) {
		t.Error("the form's main button is not the review")
	}
}

// Submitting goes through the review page: it shows every rating and its
// evidence with the warning and the confirmation; a submission without
// the confirmation is refused and stores nothing; with it, it is stored.
func TestAssessmentSubmitAfterReviewWithConfirmation(t *testing.T) {
	env := newTestEnv(t, Config{})
	ctx := t.Context()
	dcs := env.signIn("dcs@202.test", env.addUser("dcs@202.test", domain.RoleDCS, 202))

	// No draft yet: the review sends the DCS to the form.
	if status, _, h := env.get(dcs, "/councils/202/assessment/review"); status != http.StatusSeeOther || h.Get("Location") != "/councils/202/assessment" {
		t.Errorf("review without a draft: %d to %q", status, h.Get("Location"))
	}
	// An incomplete form cannot go to the review.
	partial := url.Values{"action": {"review"}, "rating-shared_values": {"3"}}
	if status, body, _ := postBody(t, env, dcs, "/councils/202/assessment", partial); status != http.StatusBadRequest || !contains(body, "Select a rating for System fatigue") {
		t.Errorf("review of an incomplete form: %d", status)
	}
	resp := env.postForm(dcs, "/councils/202/assessment", fullForm(t, env, "3", "review", "REVIEWED"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/councils/202/assessment/review" {
		t.Fatalf("save and review: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if as, _ := env.db.Assessments(ctx, 202); len(as) != 0 {
		t.Fatalf("going to the review submitted %d versions", len(as))
	}
	status, body, _ := env.get(dcs, "/councils/202/assessment/review")
	for _, want := range []string{"Check your self-assessment before submitting it", "3 – Established", "REVIEWED for system_fatigue", "Overall REVIEWED",
		"govuk-warning-text", "You cannot change a submitted assessment", `name="confirm" type="checkbox" value="yes"`, "I confirm", "Submit assessment",
		`href="/councils/202/assessment#rating-it_flexible"`} {
		if !contains(body, want) {
			t.Errorf("the review page lacks %q", want)
		}
	}
	if status != http.StatusOK || strings.Index(body, "You cannot change a submitted assessment") > strings.Index(body, "Submit assessment") {
		t.Errorf("review: %d, or the warning comes after the button", status)
	}

	// Without the confirmation: refused, in words, and nothing stored.
	noConfirm := fullForm(t, env, "3", "submit", "REVIEWED")
	noConfirm.Del("confirm")
	status, body, _ = postBody(t, env, dcs, "/councils/202/assessment", noConfirm)
	if status != http.StatusBadRequest || !contains(body, `href="#confirm"`) || !contains(body, "Confirm that the ratings and evidence are ready to submit") {
		t.Errorf("submit without confirmation: %d", status)
	}
	if as, _ := env.db.Assessments(ctx, 202); len(as) != 0 {
		t.Fatalf("a submission without confirmation stored %d versions", len(as))
	}
	// The review page's own form: its hidden answers with the box ticked.
	form := url.Values{}
	for _, m := range hiddenInput.FindAllStringSubmatch(body, -1) {
		form.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	form.Set("confirm", "yes")
	resp = env.postForm(dcs, "/councils/202/assessment", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/councils/202/assessment?saved=submitted" {
		t.Fatalf("confirmed submit: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	as, err := env.db.Assessments(ctx, 202)
	if err != nil || len(as) != 1 || as[0].RatingOf("system_fatigue").Evidence != "REVIEWED for system_fatigue" || as[0].Narrative != "Overall REVIEWED" {
		t.Fatalf("stored %+v, %v", as, err)
	}
}

// Someone who may only read the assessment is told what it is, not asked
// to say where the council stands; the words for each rating show beside it.
func TestAssessmentReadOnlyWording(t *testing.T) {
	env := newTestEnv(t, Config{})
	submitAssessment(t, env, 202, 2, "ev")
	f, _ := env.db.Framework(t.Context())
	up := env.signIn("up@202.test", env.addUser("up@202.test", domain.RoleUploader, 202))
	admin := env.signIn("admin@test", env.addUser("admin@test", domain.RoleAdmin, 0))
	dcs := env.signIn("dcs@202.test", env.addUser("dcs@202.test", domain.RoleDCS, 202))
	for name, c := range map[string]*http.Client{"uploader": up, "administrator": admin} {
		status, body, _ := env.get(c, "/councils/202/assessment")
		body = html.UnescapeString(body)
		if status != http.StatusOK || contains(body, "Say where Camden stands") || !contains(body, "This is how Camden rates itself") ||
			!contains(body, f.Items[0].Level(2)) || contains(body, "<form method=\"post\" action=\"/councils/202/assessment\"") {
			t.Errorf("%s's read-only view: %d", name, status)
		}
	}
	if _, body, _ := env.get(dcs, "/councils/202/assessment"); !contains(body, "Say where Camden stands") {
		t.Error("the DCS's form does not ask where Camden stands")
	}
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// A draft with items still to rate is sent from the review back to the
// form, which says what is missing.
func TestAssessmentReviewOfIncompleteDraft(t *testing.T) {
	env := newTestEnv(t, Config{})
	dcs := env.signIn("dcs@202.test", env.addUser("dcs@202.test", domain.RoleDCS, 202))
	if resp := env.postForm(dcs, "/councils/202/assessment", url.Values{"action": {"draft"}, "rating-shared_values": {"2"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("draft: %d", resp.StatusCode)
	}
	status, _, h := env.get(dcs, "/councils/202/assessment/review")
	if status != http.StatusSeeOther || h.Get("Location") != "/councils/202/assessment?review=incomplete" {
		t.Fatalf("review of an incomplete draft: %d to %q", status, h.Get("Location"))
	}
	if status, body, _ := env.get(dcs, h.Get("Location")); status != http.StatusOK || !contains(body, `href="#rating-system_fatigue"`) || !contains(body, "Select a rating for System fatigue") {
		t.Errorf("the form after the review: %d", status)
	}
}
