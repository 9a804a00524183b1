// Package config holds every setting of the dashboard and its commands in
// one place: its default, its environment variable (RESILIENCE_*), its flag
// and how it is read. Each command parses the settings it takes from the
// environment and then from its flags, which override the environment; the
// README's configuration table is checked against the list of settings.
package config

import (
	"path/filepath"
	"slices"
	"time"
)

// Config is every setting, as the commands read it and the rest of the
// program takes it. Default gives the values used when nothing is set.
type Config struct {
	// Addr is the address the server listens on (RESILIENCE_ADDR, -addr).
	Addr string
	// Database is the SQLite database file, or a postgres:// address
	// (RESILIENCE_DATABASE, -database).
	Database string
	// BaseURL is the address people use (RESILIENCE_BASE_URL, -base-url);
	// https makes the session cookie Secure.
	BaseURL string
	// TrustedProxies are the proxies (IPs or CIDRs) whose X-Forwarded-For
	// is believed (RESILIENCE_TRUSTED_PROXIES, -trusted-proxies); none by
	// default.
	TrustedProxies []string
	// NoDemo keeps the demonstration data and its accounts out of an
	// empty database (RESILIENCE_NO_DEMO, -no-demo).
	NoDemo bool

	// Tolerance is the change from the last accepted month, as a fraction,
	// beyond which a figure raises a query on an upload (0.25 is 25%). A
	// change of exactly the tolerance does not (SECURITY V2).
	Tolerance float64
	// MinChange is the smallest change of a count that can raise that
	// query; 0 is no minimum.
	MinChange float64
	// MinChangePoints is the smallest change of a percentage, in
	// percentage points, that can raise that query; 0 is no minimum.
	MinChangePoints float64
	// NoiseSDs spares a count whose change is within NoiseSDs × √count,
	// chance variation, from that query; 0 turns the allowance off.
	NoiseSDs float64
	// ReconcileTolerance is how far, as a fraction of DfE's published
	// figure, a year's monthly returns may differ from it before the year
	// is flagged and an upload completing it is queried (Q06).
	ReconcileTolerance float64
	// ReconcileQuery raises that query (Q06) on an upload completing a
	// year beyond the tolerance; false leaves uploads unqueried while the
	// reconciliation pages still flag the year.
	ReconcileQuery bool

	// BaselineYears are the pre-pandemic years whose same calendar month
	// makes the baseline, in order without repeats.
	BaselineYears []int
	// PressureThreshold is how much worse than the baseline, as a
	// fraction, a worst-band indicator must be to be a pressure point.
	PressureThreshold float64
	// PressureBand is the quartile band, A (best) to D (worst), that
	// counts as worst for pressure points.
	PressureBand string
	// MatrixPressureSplit divides high from low demand pressure (0 to 100)
	// on the resilience matrix; MatrixConditionsSplit divides strong from
	// weak enabling conditions (the self-assessment's 1 to 4). A council
	// on a split counts as high pressure and as strong conditions.
	MatrixPressureSplit, MatrixConditionsSplit float64
	// MatrixPressureRule says where the pressure split comes from:
	// "upper-quartile" (each month's national upper quartile of demand
	// pressure, so a quarter of councils are high), "median", or "fixed"
	// (at MatrixPressureSplit).
	MatrixPressureRule string

	// DueDay is the day of the following month by which a month's return
	// is due, 1 to 28.
	DueDay int
	// SessionIdleTimeout ends a session nobody has used for this long;
	// SessionLifetime ends any session this long after sign-in.
	SessionIdleTimeout, SessionLifetime time.Duration
	// MaxUploadMB caps the size of an uploaded or imported file, in MB
	// (2^20 bytes).
	MaxUploadMB int
	// UploadLostAfter is how long an upload's heartbeat may be silent
	// before it is taken for lost, its server stopped: it is then marked
	// failed, nothing from it having been stored.
	UploadLostAfter time.Duration
}

// Default returns the settings used when nothing is configured. Every
// default of the program is here; the packages that fall back on a default
// for a zero field take it from here.
func Default() Config {
	return Config{
		Addr:                  ":8080",
		Database:              filepath.Join("data", "resilience.db"),
		Tolerance:             0.25,
		MinChange:             10,
		MinChangePoints:       2,
		NoiseSDs:              3,
		ReconcileTolerance:    0.05,
		ReconcileQuery:        true,
		BaselineYears:         []int{2017, 2018, 2019},
		PressureThreshold:     0.10,
		PressureBand:          "D",
		MatrixPressureSplit:   25,
		MatrixConditionsSplit: 2.5,
		MatrixPressureRule:    "upper-quartile",
		DueDay:                20,
		SessionIdleTimeout:    30 * time.Minute,
		SessionLifetime:       12 * time.Hour,
		MaxUploadMB:           25,
		UploadLostAfter:       15 * time.Second,
	}
}

// MaxUploadBytes is MaxUploadMB in bytes.
func (c Config) MaxUploadBytes() int64 { return int64(c.MaxUploadMB) << 20 }

// Clone returns a copy that shares no slices with c.
func (c Config) Clone() Config {
	c.TrustedProxies = slices.Clone(c.TrustedProxies)
	c.BaselineYears = slices.Clone(c.BaselineYears)
	return c
}

// Check reports the first setting that is out of its range, naming its
// flag, as Parse would have refused it. Settings built in code (by tests,
// or from Default) are checked this way before use.
func (c Config) Check() error {
	for _, s := range settings {
		if err := s.set(&Config{}, s.get(&c)); err != nil {
			return s.flagError(s.get(&c), err)
		}
	}
	return nil
}
