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
		status, body, _ := postBody(t, env, admin, "/admin/timeline", url.Values{"label": {"Tier system"}, "kind": {"phase"}, "starts": {"2020-12-02"}, "ends": {"2020-10-14"}})
		if status != http.StatusBadRequest || !contains(body, `href="#ends"`) || !contains(body, "The end date must be the same as or after the start date") {
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
		status, body, _ := postBody(t, env, admin, "/admin/timeline", url.Values{"label": {"x"}, "kind": {"party"}, "starts": {"14/10/2020"}})
		if status != http.StatusBadRequest || !contains(body, `href="#starts"`) || !contains(body, `href="#kind"`) {
			t.Errorf("status %d", status)
		}
	})
	if got, _ := env.db.Timeline(ctx); len(got) != len(before) {
		t.Fatalf("refused events changed the timeline: %d → %d", len(before), len(got))
	}

	resp := env.postForm(admin, "/admin/timeline", url.Values{"label": {"Tier system"}, "kind": {"phase"}, "starts": {"2020-10-14"}, "ends": {"2020-12-02"},
		"description": {"Local restrictions in three tiers."}})
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
	resp = env.postForm(admin, "/admin/timeline", url.Values{"id": {itoa(added.ID)}, "label": {"Three-tier system"}, "kind": {"phase"}, "starts": {"2020-10-14"}, "ends": {"2020-12-01"}})
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
