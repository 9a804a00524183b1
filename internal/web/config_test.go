package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// withSettings is a Config whose settings are the defaults changed by
// change, as an operator would set them.
func withSettings(change func(*config.Config)) Config {
	s := config.Default()
	change(&s)
	return Config{Settings: &s}
}

// The server takes every setting from package config: with none given,
// config.Default()'s; settings out of range are refused at start, naming
// the flag.
func TestServerTakesItsSettingsFromConfig(t *testing.T) {
	def := config.Default()
	env := newTestEnv(t, Config{})
	o := env.srv.cfg
	if o.DueDay != def.DueDay || o.IdleTimeout != def.SessionIdleTimeout || o.SessionLifetime != def.SessionLifetime ||
		o.ReconcileTolerance != def.ReconcileTolerance || o.Pressure.Threshold != def.PressureThreshold ||
		o.Pressure.WorstBand != def.PressureBand || o.Matrix.PressureSplit != def.MatrixPressureSplit ||
		o.Matrix.ConditionsSplit != def.MatrixConditionsSplit || env.srv.limits.MaxFileBytes != def.MaxUploadBytes() {
		t.Errorf("defaults: %+v, upload limit %d; want config.Default()'s", o, env.srv.limits.MaxFileBytes)
	}
	svc := env.srv.intake
	if svc.Tolerance != def.Tolerance || svc.MinAbsChange != def.MinChange || svc.MinChangePoints != def.MinChangePoints ||
		svc.NoiseSDs != def.NoiseSDs || svc.ReconcileTolerance != def.ReconcileTolerance {
		t.Errorf("intake: %+v; want config.Default()'s tolerances", svc)
	}

	set := withSettings(func(c *config.Config) {
		c.MinChange, c.NoiseSDs, c.MatrixPressureSplit, c.PressureBand, c.ReconcileQuery = 0, 0, 40, "C", false
	})
	env = newTestEnv(t, set)
	if svc := env.srv.intake; svc.MinAbsChange >= 0 || svc.NoiseSDs >= 0 || svc.ReconcileTolerance >= 0 {
		t.Errorf("a minimum change and allowance of 0 and no reconciliation query reach the intake as %v, %v and %v; want none (negative)",
			svc.MinAbsChange, svc.NoiseSDs, svc.ReconcileTolerance)
	}
	if o := env.srv.cfg; o.Matrix.PressureSplit != 40 || o.Pressure.WorstBand != "C" {
		t.Errorf("configured: %+v", o)
	}

	bad := config.Default()
	bad.DueDay = 31
	if _, err := NewServer(Config{Settings: &bad}, env.db); err == nil || !strings.Contains(err.Error(), "-due-day") {
		t.Errorf("a due day of 31: %v; want a refusal naming -due-day", err)
	}
}

// SECURITY W2 with configured session times: a session idle for longer
// than RESILIENCE_SESSION_IDLE_TIMEOUT ends, one used within it goes on;
// the lifetime is the cookie session's.
func TestConfiguredSessionTimes(t *testing.T) {
	env := newTestEnv(t, withSettings(func(c *config.Config) {
		c.SessionIdleTimeout, c.SessionLifetime = 10*time.Minute, 8*time.Hour
	}))
	if env.srv.sessions.Lifetime != 8*time.Hour {
		t.Errorf("session lifetime %v; want 8h", env.srv.sessions.Lifetime)
	}
	c := env.signIn("lga@idle.test", env.addUser("lga@idle.test", domain.RoleLGA, 0))
	env.clock.Add(9 * time.Minute)
	if status, _, _ := env.get(c, "/"); status != http.StatusOK {
		t.Fatalf("after 9 idle minutes of 10: status %d; want still signed in", status)
	}
	env.clock.Add(11 * time.Minute)
	if status, _, _ := env.get(c, "/"); status != http.StatusSeeOther {
		t.Errorf("after 11 idle minutes of 10: status %d; want a redirect to sign in", status)
	}
}
