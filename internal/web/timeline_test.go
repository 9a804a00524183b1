package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

func TestAdminKeepsTheTimeline(t *testing.T) {
	env := newTestEnv(t, Config{})
	ctx := t.Context()
	admin := env.signIn("admin@test", env.addUser("admin@test", domain.RoleAdmin, 0))
	before, _ := env.db.Timeline(ctx)

	t.Run("ErrEndBeforeStart", func(t *testing.T) {
		status, body, _ := postBody(t, env, admin, "/admin/timeline", dateParts("starts", "2", "12", "2020", dateParts("ends", "14", "10", "2020", url.Values{"label": {"Tier system"}, "kind": {"phase"}})))
		if status != http.StatusBadRequest || !contains(body, `href="#ends-day"`) || !contains(body, "The end date must be the same as or after the start date") {
			t.Errorf("status %d", status)
		}
	})
	t.Run("ErrOneDayEventSpanning", func(t *testing.T) {
		status, body, _ := postBody(t, env, admin, "/admin/timeline", url.Values{"label": {"x"}, "kind": {"event"}, "starts": {"2020-10-14"}, "ends": {"2020-10-20"}})
		if status != http.StatusBadRequest || !contains(body, "A one-day event ends on the day it starts") {
			t.Errorf("status %d", status)
		}
	})
	t.Run("ErrBadDateAndKind", func(t *testing.T) {
		status, body, _ := postBody(t, env, admin, "/admin/timeline", dateParts("starts", "14", "13", "2020", url.Values{"label": {"x"}, "kind": {"party"}}))
		if status != http.StatusBadRequest || !contains(body, `href="#starts-month"`) || !contains(body, "Enter a real start date: month must be 1–12") {
			t.Errorf("status %d", status)
		}
		status, body, _ = postBody(t, env, admin, "/admin/timeline", dateParts("starts", "14", "10", "2020", url.Values{"label": {"x"}, "kind": {"party"}}))
		if status != http.StatusBadRequest || !contains(body, `href="#kind"`) || !contains(body, `href="#ends-day"`) || !contains(body, "Enter the end date") {
			t.Errorf("status %d", status)
		}
	})
	// Each date input's field names its fault, and the field in error is marked.
	t.Run("ErrDateParts", func(t *testing.T) {
		for _, c := range []struct{ d, m, y, anchor, msg string }{
			{"31", "4", "2020", "starts-day", "Enter a real start date: day must be 1–30 in April 2020"},
			{"1", "", "2020", "starts-month", "The start date must include a month"},
			{"1", "4", "20", "starts-year", "Enter a real start date: year must have 4 digits"},
		} {
			status, body, _ := postBody(t, env, admin, "/admin/timeline", dateParts("starts", c.d, c.m, c.y, url.Values{"label": {"x"}, "kind": {"event"}}))
			if status != http.StatusBadRequest || !contains(body, `href="#`+c.anchor+`"`) || !contains(body, c.msg) ||
				!contains(body, `govuk-input--error" id="`+c.anchor+`"`) {
				t.Errorf("%v: status %d", c, status)
			}
		}
		// Typed as text, "1 Nov 2025" is a date; nonsense is refused in words.
		status, body, _ := postBody(t, env, admin, "/admin/timeline", url.Values{"label": {"x"}, "kind": {"event"}, "starts": {"1 Nov 20x5"}})
		if status != http.StatusBadRequest || !contains(body, "is not a date") {
			t.Errorf("text date: status %d", status)
		}
	})
	if got, _ := env.db.Timeline(ctx); len(got) != len(before) {
		t.Fatalf("refused events changed the timeline: %d → %d", len(before), len(got))
	}

	resp := env.postForm(admin, "/admin/timeline", dateParts("starts", "14", "10", "2020", dateParts("ends", "2", "Dec", "2020", url.Values{"label": {"Tier system"}, "kind": {"phase"},
		"description": {"Local restrictions in three tiers."}})))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: status %d", resp.StatusCode)
	}
	events, _ := env.db.Timeline(ctx)
	var added domain.TimelineEvent
	for _, e := range events {
		if e.Label == "Tier system" {
			added = e
		}
	}
	if added.ID == 0 || added.End != "2020-12-02" {
		t.Fatalf("added event = %+v", added)
	}
	// The profile's charts draw it.
	if _, body, _ := env.get(admin, "/councils/202"); !contains(body, "Tier system") {
		t.Error("the profile does not draw the new event")
	}
	resp = env.postForm(admin, "/admin/timeline", url.Values{"id": {itoa(added.ID)}, "label": {"Three-tier system"}, "kind": {"phase"}, "starts": {"14 Oct 2020"}, "ends": {"1 December 2020"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: status %d", resp.StatusCode)
	}
	resp = env.postForm(admin, "/admin/timeline/"+itoa(added.ID)+"/delete", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: status %d", resp.StatusCode)
	}
	if got, _ := env.db.Timeline(ctx); len(got) != len(before) {
		t.Errorf("after add and delete: %d events; want %d", len(got), len(before))
	}
	// V4: each change wrote one audit line.
	audit, _ := env.db.AuditLog(ctx, store.AuditFilter{User: "admin@test"})
	counts := map[string]int{}
	for _, e := range audit {
		counts[e.Action]++
	}
	if counts[domain.AuditTimelineAdded] != 1 || counts[domain.AuditTimelineChanged] != 1 || counts[domain.AuditTimelineDeleted] != 1 {
		t.Errorf("audit = %v", counts)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// dateParts adds a GOV.UK date input's three fields to a form.
func dateParts(id, day, month, year string, form url.Values) url.Values {
	form.Set(id+"-day", day)
	form.Set(id+"-month", month)
	form.Set(id+"-year", year)
	return form
}
