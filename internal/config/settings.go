package config

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The commands, as Parse and Setting.Commands name them. Template and
// Refdata take no setting today; they parse their flags through Parse all
// the same, so that a setting given to them later is read like every other.
const (
	Serve       = "serve"
	Import      = "import"
	Users       = "users"
	Backup      = "backup"
	Healthcheck = "healthcheck"
	Migrate     = "migrate"
	Template    = "template"
	Refdata     = "refdata"
)

// Setting is one entry of the registry: how a setting is named in the
// environment and on the command line, which commands take it, and how
// its value is read and written as text.
type Setting struct {
	// Flag is the flag's name without its dash ("addr"); both -addr and
	// --addr work.
	Flag string
	// Env is the environment variable ("RESILIENCE_ADDR").
	Env string
	// Usage says what the setting does, for -h.
	Usage string
	// Commands are the commands that take it.
	Commands []string
	// Bool marks a switch: -no-demo alone turns it on.
	Bool bool

	set func(c *Config, s string) error
	get func(c *Config) string
}

// Default is the setting's default as text, as the README's configuration
// table shows it; "" is none.
func (s Setting) Default() string {
	c := Default()
	return s.get(&c)
}

// Value is the setting's value in c as text, in the form Parse reads.
func (s Setting) Value(c Config) string { return s.get(&c) }

func (s Setting) takenBy(command string) bool { return slices.Contains(s.Commands, command) }

func (s Setting) flagError(value string, err error) error {
	return fmt.Errorf("-%s %q: %w", s.Flag, value, err)
}

// Settings lists every setting, in the order of the README's table.
func Settings() []Setting { return slices.Clone(settings) }

// Parse reads the settings a command takes: each from its environment
// variable when that is set and not empty, and from its flag in fl when
// the flag is given, the flag winning. Settings the command does not take
// keep their defaults. The command may have defined flags of its own in fl
// before; Parse registers the settings' flags and parses args. An empty
// value means the default. A value out of range is refused with an error
// naming the flag or variable and saying how to write it.
func Parse(command string, fl *flag.FlagSet, args []string) (Config, error) {
	c := Default()
	var values []*settingValue
	for _, s := range settings {
		if !s.takenBy(command) {
			continue
		}
		v := &settingValue{s: s, c: &c, shown: s.get(&c)}
		if env, ok := os.LookupEnv(s.Env); ok && strings.TrimSpace(env) != "" {
			v.env, v.shown = env, env
		}
		usage := s.Usage + " (" + s.Env + ")"
		fl.Var(v, s.Flag, usage)
		values = append(values, v)
	}
	if err := fl.Parse(args); err != nil {
		return Config{}, err
	}
	for _, v := range values {
		if v.given || v.env == "" {
			continue
		}
		if err := v.s.set(&c, strings.TrimSpace(v.env)); err != nil {
			return Config{}, fmt.Errorf("%s=%q: %w", v.s.Env, v.env, err)
		}
	}
	return c, nil
}

// settingValue is a setting's flag.
type settingValue struct {
	s     Setting
	c     *Config
	env   string // the environment's value, applied after the flags
	shown string // the default -h shows: the environment's or the setting's
	given bool
}

func (v *settingValue) String() string {
	if v == nil || v.c == nil || v.s.Bool && v.shown == "false" {
		return "" // -h shows no default for a switch that is off
	}
	return v.shown
}

func (v *settingValue) Set(s string) error {
	v.given = true
	s = strings.TrimSpace(s)
	if s == "" && !v.s.Bool {
		d := Default()
		s = v.s.get(&d)
	}
	return v.s.set(v.c, s)
}

// IsBoolFlag lets a switch be given without a value (-no-demo).
func (v *settingValue) IsBoolFlag() bool { return v != nil && v.s.Bool }

// settings is the registry.
var settings = []Setting{
	{Flag: "addr", Env: "RESILIENCE_ADDR", Commands: []string{Serve, Healthcheck},
		Usage: "address to listen on (healthcheck asks this port on 127.0.0.1)",
		set:   func(c *Config, s string) error { c.Addr = s; return nil },
		get:   func(c *Config) string { return c.Addr }},
	{Flag: "database", Env: "RESILIENCE_DATABASE", Commands: []string{Serve, Import, Users, Backup, Migrate},
		Usage: "SQLite database file, or a postgres:// address",
		set:   func(c *Config, s string) error { c.Database = s; return nil },
		get:   func(c *Config) string { return c.Database }},
	{Flag: "base-url", Env: "RESILIENCE_BASE_URL", Commands: []string{Serve},
		Usage: "address people use, e.g. https://resilience.example.gov.uk; https makes the session cookie Secure",
		set:   func(c *Config, s string) error { c.BaseURL = s; return nil },
		get:   func(c *Config) string { return c.BaseURL }},
	{Flag: "trusted-proxies", Env: "RESILIENCE_TRUSTED_PROXIES", Commands: []string{Serve},
		Usage: "comma-separated proxy IPs or CIDRs to trust for X-Forwarded-For",
		set: func(c *Config, s string) error {
			c.TrustedProxies = nil
			for _, p := range strings.Split(s, ",") {
				if p = strings.TrimSpace(p); p == "" {
					continue
				}
				if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
					return fmt.Errorf("%q is neither an IP address nor a CIDR range: write them separated by commas, for example 10.0.0.1,192.168.0.0/16", p)
				}
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
			return nil
		},
		get: func(c *Config) string { return strings.Join(c.TrustedProxies, ",") }},
	{Flag: "tolerance", Env: "RESILIENCE_TOLERANCE", Commands: []string{Serve, Import},
		Usage: "change from the last accepted month that raises a query on an upload: 0.25 or 25%",
		set: func(c *Config, s string) (err error) {
			c.Tolerance, err = fraction(s, 10, "write the change that raises a query as a fraction or a percentage more than 0, for example 0.25 or 25%")
			return err
		},
		get: func(c *Config) string { return percent(c.Tolerance) }},
	{Flag: "min-change", Env: "RESILIENCE_MIN_CHANGE", Commands: []string{Serve, Import},
		Usage: "smallest change of a count that can raise a query on an upload; 0 for none",
		set: func(c *Config, s string) (err error) {
			c.MinChange, err = minimum(s, "10")
			return err
		},
		get: func(c *Config) string { return number(c.MinChange) }},
	{Flag: "min-change-points", Env: "RESILIENCE_MIN_CHANGE_POINTS", Commands: []string{Serve, Import},
		Usage: "smallest change of a percentage, in percentage points, that can raise a query on an upload; 0 for none",
		set: func(c *Config, s string) (err error) {
			c.MinChangePoints, err = minimum(s, "2")
			return err
		},
		get: func(c *Config) string { return number(c.MinChangePoints) }},
	{Flag: "noise-sds", Env: "RESILIENCE_NOISE_SDS", Commands: []string{Serve, Import},
		Usage: "a count whose change is within this many times its square root (chance variation) raises no query on an upload; 0 for none",
		set: func(c *Config, s string) (err error) {
			c.NoiseSDs, err = between(s, 0, 100, "write the allowance for chance variation as a number of standard deviations from 0 to 100, for example 3 (0 for none)")
			return err
		},
		get: func(c *Config) string { return number(c.NoiseSDs) }},
	{Flag: "reconcile-tolerance", Env: "RESILIENCE_RECONCILE_TOLERANCE", Commands: []string{Serve, Import},
		Usage: "difference from DfE's published figure beyond which a year's monthly figures are flagged and an upload completing the year is queried: 0.05 or 5%",
		set: func(c *Config, s string) (err error) {
			c.ReconcileTolerance, err = fraction(s, 10, "write the reconcile tolerance, the difference from DfE's figure that is flagged, as a fraction or a percentage more than 0, for example 0.05 or 5%")
			return err
		},
		get: func(c *Config) string { return percent(c.ReconcileTolerance) }},
	{Flag: "reconcile-query", Env: "RESILIENCE_RECONCILE_QUERY", Commands: []string{Serve, Import}, Bool: true,
		Usage: "query an upload that completes a year differing from DfE's figure beyond the reconcile tolerance (Q06); false to store it unqueried",
		set: func(c *Config, s string) (err error) {
			c.ReconcileQuery, err = boolean(s)
			return err
		},
		get: func(c *Config) string { return strconv.FormatBool(c.ReconcileQuery) }},
	{Flag: "baseline-years", Env: "RESILIENCE_BASELINE_YEARS", Commands: []string{Serve},
		Usage: "years whose same calendar month makes the pre-pandemic baseline: 2017-2019 or 2017,2018,2019",
		set: func(c *Config, s string) (err error) {
			c.BaselineYears, err = years(s)
			return err
		},
		get: func(c *Config) string { return yearsText(c.BaselineYears) }},
	{Flag: "pressure-threshold", Env: "RESILIENCE_PRESSURE_THRESHOLD", Commands: []string{Serve},
		Usage: "how much worse than the baseline a worst-band indicator must be to be a pressure point: 0.1 or 10%",
		set: func(c *Config, s string) (err error) {
			c.PressureThreshold, err = fraction(s, 10, "write the pressure threshold as a fraction or a percentage more than 0, for example 0.1 or 10%")
			return err
		},
		get: func(c *Config) string { return percent(c.PressureThreshold) }},
	{Flag: "pressure-band", Env: "RESILIENCE_PRESSURE_BAND", Commands: []string{Serve},
		Usage: "the quartile band (A best to D worst) that counts as worst for pressure points",
		set: func(c *Config, s string) error {
			b := strings.ToUpper(s)
			if !slices.Contains([]string{"A", "B", "C", "D"}, b) {
				return errors.New("write the pressure band as A, B, C or D")
			}
			c.PressureBand = b
			return nil
		},
		get: func(c *Config) string { return c.PressureBand }},
	{Flag: "matrix-pressure-split", Env: "RESILIENCE_MATRIX_PRESSURE_SPLIT", Commands: []string{Serve},
		Usage: "demand pressure (0 to 100) at or above which a council is high pressure on the resilience matrix when -matrix-pressure-rule is fixed",
		set: func(c *Config, s string) (err error) {
			c.MatrixPressureSplit, err = above(s, 0, 100, "write the matrix's pressure split as a number more than 0 and at most 100, for example 25")
			return err
		},
		get: func(c *Config) string { return number(c.MatrixPressureSplit) }},
	{Flag: "matrix-pressure-rule", Env: "RESILIENCE_MATRIX_PRESSURE_RULE", Commands: []string{Serve},
		Usage: "where the resilience matrix splits high from low demand pressure: upper-quartile or median of each month's councils, or fixed at -matrix-pressure-split",
		set: func(c *Config, s string) error {
			r := strings.ToLower(strings.TrimSpace(s))
			if !slices.Contains([]string{"upper-quartile", "median", "fixed"}, r) {
				return errors.New("write the matrix's pressure rule as upper-quartile, median or fixed")
			}
			c.MatrixPressureRule = r
			return nil
		},
		get: func(c *Config) string { return c.MatrixPressureRule }},
	{Flag: "matrix-conditions-split", Env: "RESILIENCE_MATRIX_CONDITIONS_SPLIT", Commands: []string{Serve},
		Usage: "enabling-conditions score (1 to 4) at or above which a council's conditions are strong on the resilience matrix",
		set: func(c *Config, s string) (err error) {
			c.MatrixConditionsSplit, err = above(s, 1, 4, "write the matrix's conditions split as a number more than 1 and at most 4, for example 2.5")
			return err
		},
		get: func(c *Config) string { return number(c.MatrixConditionsSplit) }},
	{Flag: "due-day", Env: "RESILIENCE_DUE_DAY", Commands: []string{Serve},
		Usage: "day of the following month by which a month's return is due, 1 to 28",
		set: func(c *Config, s string) error {
			d, err := strconv.Atoi(s)
			if err != nil || d < 1 || d > 28 {
				return errors.New("write the day of the following month a return is due by as a number from 1 to 28, for example 20")
			}
			c.DueDay = d
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.DueDay) }},
	{Flag: "session-idle-timeout", Env: "RESILIENCE_SESSION_IDLE_TIMEOUT", Commands: []string{Serve},
		Usage: "a session nobody uses for this long ends: 30m, 1h",
		set: func(c *Config, s string) (err error) {
			c.SessionIdleTimeout, err = duration(s, 5*time.Minute, 24*time.Hour, "write the idle timeout as a duration from 5m to 24h, for example 30m or 1h")
			return err
		},
		get: func(c *Config) string { return durationText(c.SessionIdleTimeout) }},
	{Flag: "session-lifetime", Env: "RESILIENCE_SESSION_LIFETIME", Commands: []string{Serve},
		Usage: "any session ends this long after sign-in: 12h, 8h30m",
		set: func(c *Config, s string) (err error) {
			c.SessionLifetime, err = duration(s, 5*time.Minute, 30*24*time.Hour, "write the session lifetime as a duration from 5m to 720h, for example 12h or 8h30m")
			return err
		},
		get: func(c *Config) string { return durationText(c.SessionLifetime) }},
	{Flag: "max-upload-mb", Env: "RESILIENCE_MAX_UPLOAD_MB", Commands: []string{Serve, Import},
		Usage: "largest file an upload or import may be, in MB",
		set: func(c *Config, s string) error {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 || n > 100 {
				return errors.New("write the largest upload as a whole number of MB from 1 to 100, for example 25")
			}
			c.MaxUploadMB = n
			return nil
		},
		get: func(c *Config) string { return strconv.Itoa(c.MaxUploadMB) }},
	{Flag: "upload-lost-after", Env: "RESILIENCE_UPLOAD_LOST_AFTER", Commands: []string{Serve},
		Usage: "an upload whose server has not written for this long is taken as lost and marked failed: 15s",
		set: func(c *Config, s string) (err error) {
			c.UploadLostAfter, err = duration(s, 2*time.Second, 10*time.Minute, "write how long an upload may go without news as a duration from 2s to 10m, for example 15s")
			return err
		},
		get: func(c *Config) string { return durationText(c.UploadLostAfter) }},
	{Flag: "no-demo", Env: "RESILIENCE_NO_DEMO", Commands: []string{Serve}, Bool: true,
		Usage: "do not load demonstration data (nor its demo accounts) into an empty database",
		set: func(c *Config, s string) (err error) {
			c.NoDemo, err = boolean(s)
			return err
		},
		get: func(c *Config) string { return strconv.FormatBool(c.NoDemo) }},
}

// boolean reads a switch: true or false (also 1 or 0).
func boolean(s string) (bool, error) {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, errors.New("write true or false")
	}
	return b, nil
}

// fraction reads a fraction (0.25) or a percentage (25%) more than 0 and
// at most max (as a fraction).
func fraction(s string, max float64, how string) (float64, error) {
	scale := 1.0
	if t, ok := strings.CutSuffix(s, "%"); ok {
		s, scale = strings.TrimSpace(t), 100
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v/scale <= 0 || v/scale > max {
		return 0, errors.New(how)
	}
	return v / scale, nil
}

// minimum reads a smallest change: 0 or more, 0 for none.
func minimum(s, example string) (float64, error) {
	return between(s, 0, 1e6, "write the smallest change that raises a query as a number of 0 or more, for example "+example+" (0 for no minimum)")
}

// between reads a number from lo to hi.
func between(s string, lo, hi float64, how string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < lo || v > hi {
		return 0, errors.New(how)
	}
	return v, nil
}

// above reads a number more than lo and at most hi.
func above(s string, lo, hi float64, how string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v <= lo || v > hi {
		return 0, errors.New(how)
	}
	return v, nil
}

// years reads baseline years: a span "2017-2019" or a list
// "2017,2018,2019", returned in order without repeats.
func years(s string) ([]int, error) {
	bad := errors.New("write the baseline years as a span such as 2017-2019 or a list such as 2017,2018,2019")
	var ys []int
	if a, b, ok := strings.Cut(s, "-"); ok {
		from, err1 := strconv.Atoi(strings.TrimSpace(a))
		to, err2 := strconv.Atoi(strings.TrimSpace(b))
		if err1 != nil || err2 != nil || from > to || from < 2000 || to > 2100 {
			return nil, bad
		}
		for y := from; y <= to; y++ {
			ys = append(ys, y)
		}
		return ys, nil
	}
	for _, f := range strings.Split(s, ",") {
		y, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || y < 2000 || y > 2100 {
			return nil, bad
		}
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return slices.Compact(ys), nil
}

// yearsText writes years as years reads them: a span when they run on
// without a gap, a list otherwise.
func yearsText(ys []int) string {
	if len(ys) > 1 && ys[len(ys)-1]-ys[0] == len(ys)-1 && slices.IsSorted(ys) {
		return fmt.Sprintf("%d-%d", ys[0], ys[len(ys)-1])
	}
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ",")
}

// duration reads a Go duration (30m, 12h) from lo to hi.
func duration(s string, lo, hi time.Duration, how string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < lo || d > hi {
		return 0, errors.New(how)
	}
	return d, nil
}

// durationText writes a duration without its zero tails: 30m, 12h, 1h30m.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// percent writes a fraction as a percentage: 0.25 as "25%".
func percent(f float64) string {
	return number(math.Round(f*100*1e9)/1e9) + "%"
}

// number writes a number as briefly as it reads back.
func number(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
