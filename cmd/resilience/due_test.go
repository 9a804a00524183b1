package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The day a month's return is due is a setting: RESILIENCE_DUE_DAY, and
// -due-day over it; nothing set keeps the 20th.
func TestDueDaySetting(t *testing.T) {
	t.Setenv("RESILIENCE_DUE_DAY", "15")
	app, err := newApp(nil, io.Discard)
	if err != nil || app.DueDay != 15 {
		t.Errorf("from the environment: %v, %v; want 15", app, err)
	}
	app, err = newApp([]string{"-due-day", "5"}, io.Discard)
	if err != nil || app.DueDay != 5 {
		t.Errorf("the flag over the environment: %v, %v; want 5", app, err)
	}
	for _, bad := range []string{"0", "29", "twentieth", "-3"} {
		if _, err := newApp([]string{"-due-day", bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "1 to 28") {
			t.Errorf("-due-day %q: %v; want a refusal saying 1 to 28", bad, err)
		}
	}
	t.Setenv("RESILIENCE_DUE_DAY", "")
	if app, err := newApp(nil, io.Discard); err != nil || app.DueDay != 20 {
		t.Errorf("default: %v, %v; want the 20th", app, err)
	}
}

// The server's tracker gives the configured due date.
func TestServerUsesConfiguredDueDay(t *testing.T) {
	app := startApp(t, t.TempDir(), func(a *App) { a.NoDemo = true; a.DueDay = 5 })
	c := signedIn(t, app, domain.RoleLGA)
	month := domain.LastComplete(time.Now())
	resp, err := c.Get(app.URL() + "/api/v1/returns/status?month=" + month.String())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Due string `json:"due"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, %v", resp.StatusCode, err)
	}
	if want := domain.DueDate(month, 5).Format(time.DateOnly); out.Due != want {
		t.Errorf("due %s; want %s (the 5th of the following month)", out.Due, want)
	}
}
