package config

import (
	"bufio"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// tableRow is one row of the README's configuration table.
type tableRow struct {
	env, flag, def string
}

// readmeTable reads the configuration table from the README: the rows
// under "## Configuration", each `RESILIENCE_…` | `-flag` | default, the
// default being the first `quoted` text of its cell or "none" ("").
func readmeTable(t *testing.T) []tableRow {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cell := regexp.MustCompile("^`([^`]*)`")
	var rows []tableRow
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "## Configuration":
			in = true
			continue
		case !in:
			continue
		case strings.HasPrefix(line, "## "):
			return rows
		case !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") || strings.HasPrefix(line, "| variable"):
			if len(rows) > 0 && line == "" {
				return rows
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 {
			t.Fatalf("README configuration row %q: want 3 cells", line)
		}
		var r tableRow
		for i, dst := range []*string{&r.env, &r.flag, &r.def} {
			c := strings.TrimSpace(cells[i])
			if m := cell.FindStringSubmatch(c); m != nil {
				*dst = m[1]
			} else if i < 2 || !strings.HasPrefix(c, "none") {
				t.Errorf("README configuration row %q: cell %q is neither `quoted` nor none", line, c)
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// The README's configuration table is the list of settings: the same
// variables and flags, in the same order, with the same defaults.
func TestREADMEConfigurationTableMatchesSettings(t *testing.T) {
	rows := readmeTable(t)
	if len(rows) == 0 {
		t.Fatal("no configuration table found in README.md")
	}
	var want []tableRow
	for _, s := range Settings() {
		want = append(want, tableRow{env: s.Env, flag: "-" + s.Flag, def: s.Default()})
	}
	for _, r := range rows {
		if !slices.Contains(want, r) {
			t.Errorf("README row %s | %s | %q: no such setting with that default", r.env, r.flag, r.def)
		}
	}
	for _, w := range want {
		if !slices.Contains(rows, w) {
			t.Errorf("setting %s | %s | %q is missing from the README's table", w.env, w.flag, w.def)
		}
	}
	if !slices.Equal(rows, want) && !t.Failed() {
		t.Errorf("the README's table is not in the order of Settings():\n%v\n%v", rows, want)
	}
}

// Every field of Config is a setting: it has a variable and a flag, and
// its default is read back from its text unchanged.
func TestEverySettingReadsBackItsDefault(t *testing.T) {
	def := Default()
	if err := def.Check(); err != nil {
		t.Fatalf("the defaults fail their own checks: %v", err)
	}
	seen := map[string]bool{}
	for _, s := range Settings() {
		if !strings.HasPrefix(s.Env, "RESILIENCE_") || s.Env != "RESILIENCE_"+strings.ToUpper(strings.ReplaceAll(s.Flag, "-", "_")) {
			t.Errorf("-%s: variable %s; want RESILIENCE_ and the flag's name", s.Flag, s.Env)
		}
		if seen[s.Flag] || len(s.Commands) == 0 || s.Usage == "" {
			t.Errorf("-%s: repeated, taken by no command or undocumented", s.Flag)
		}
		seen[s.Flag] = true
		var c Config
		if err := s.set(&c, s.Default()); err != nil {
			t.Errorf("-%s: its default %q is refused: %v", s.Flag, s.Default(), err)
		}
	}
	// Setting every setting of an empty Config to its default text gives
	// Default() back: no field is left without a setting.
	var c Config
	for _, s := range Settings() {
		_ = s.set(&c, s.Default())
	}
	if !reflect.DeepEqual(c, def) {
		t.Errorf("the settings' defaults make %+v; want Default() %+v", c, def)
	}
	if n := reflect.TypeOf(Config{}).NumField(); n != len(seen) {
		t.Errorf("Config has %d fields and %d settings; every field is a setting", n, len(seen))
	}
}

// parse runs Parse for a command on a fresh flag set.
func parse(command string, args ...string) (Config, error) {
	fl := flag.NewFlagSet(command, flag.ContinueOnError)
	fl.SetOutput(io.Discard)
	return Parse(command, fl, args)
}

// clearEnv unsets every setting's variable for the test.
func clearEnv(t *testing.T) {
	for _, s := range Settings() {
		t.Setenv(s.Env, "")
	}
}

// Each setting: a value from the environment, a flag over it, the forms
// it reads, and a refusal that names the flag or variable and says how to
// write the value.
func TestParseEverySetting(t *testing.T) {
	for _, tc := range []struct {
		flag, env, fromFlag string
		check               func(c Config) bool
		bad, how            string
	}{
		{"addr", "127.0.0.1:9999", ":7000", func(c Config) bool { return c.Addr == ":7000" }, "", ""},
		{"database", "/tmp/env.db", "x.db", func(c Config) bool { return c.Database == "x.db" }, "", ""},
		{"base-url", "http://a.example", "https://b.example", func(c Config) bool { return c.BaseURL == "https://b.example" }, "", ""},
		{"trusted-proxies", "10.0.0.1", " 10.0.0.2, ,192.168.0.0/16 ", func(c Config) bool {
			return slices.Equal(c.TrustedProxies, []string{"10.0.0.2", "192.168.0.0/16"})
		}, "10.0.0.1,proxy.example", "neither an IP address nor a CIDR"},
		{"tolerance", "0.1", "30%", func(c Config) bool { return c.Tolerance == 0.3 }, "0", "0.25 or 25%"},
		{"min-change", "20", "0", func(c Config) bool { return c.MinChange == 0 }, "-5", "0 for no minimum"},
		{"min-change-points", "1.5", "0.5", func(c Config) bool { return c.MinChangePoints == 0.5 }, "NaN", "0 for no minimum"},
		{"noise-sds", "2", "0", func(c Config) bool { return c.NoiseSDs == 0 }, "lots", "standard deviations"},
		{"reconcile-tolerance", "7.5%", "0.1", func(c Config) bool { return c.ReconcileTolerance == 0.1 }, "2000%", "reconcile tolerance"},
		{"reconcile-query", "false", "true", func(c Config) bool { return c.ReconcileQuery }, "maybe", "true or false"},
		{"baseline-years", "2016-2018", "2019,2018,2018", func(c Config) bool { return slices.Equal(c.BaselineYears, []int{2018, 2019}) }, "2019-2017", "2017-2019"},
		{"pressure-threshold", "15%", "0.2", func(c Config) bool { return c.PressureThreshold == 0.2 }, "0", "0.1 or 10%"},
		{"pressure-band", "c", "b", func(c Config) bool { return c.PressureBand == "B" }, "E", "A, B, C or D"},
		{"matrix-pressure-split", "30", "50", func(c Config) bool { return c.MatrixPressureSplit == 50 }, "101", "at most 100"},
		{"matrix-pressure-rule", "median", "Fixed", func(c Config) bool { return c.MatrixPressureRule == "fixed" }, "most", "upper-quartile, median or fixed"},
		{"matrix-conditions-split", "3", "2", func(c Config) bool { return c.MatrixConditionsSplit == 2 }, "1", "more than 1"},
		{"due-day", "15", "5", func(c Config) bool { return c.DueDay == 5 }, "29", "1 to 28"},
		{"session-idle-timeout", "1h", "45m", func(c Config) bool { return c.SessionIdleTimeout == 45*time.Minute }, "1m", "5m to 24h"},
		{"session-lifetime", "8h", "8h30m", func(c Config) bool { return c.SessionLifetime == 8*time.Hour+30*time.Minute }, "1000h", "720h"},
		{"max-upload-mb", "50", "10", func(c Config) bool { return c.MaxUploadMB == 10 }, "0", "1 to 100"},
		{"no-demo", "true", "false", func(c Config) bool { return !c.NoDemo }, "perhaps", "true or false"},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			clearEnv(t)
			i := slices.IndexFunc(Settings(), func(s Setting) bool { return s.Flag == tc.flag })
			if i < 0 {
				t.Fatalf("no setting -%s", tc.flag)
			}
			s := Settings()[i]
			t.Setenv(s.Env, tc.env)
			fromEnv, err := parse(Serve)
			if err != nil {
				t.Fatalf("%s=%s: %v", s.Env, tc.env, err)
			}
			if got := s.Value(fromEnv); got == s.Default() {
				t.Errorf("%s=%s: still the default %q", s.Env, tc.env, got)
			}
			for _, dashes := range []string{"-", "--"} {
				c, err := parse(Serve, dashes+tc.flag+"="+tc.fromFlag)
				if err != nil || !tc.check(c) {
					t.Errorf("%s%s=%s over %s=%s: %+v, %v", dashes, tc.flag, tc.fromFlag, s.Env, tc.env, c, err)
				}
			}
			if tc.bad == "" {
				return
			}
			if _, err := parse(Serve, "-"+tc.flag+"="+tc.bad); err == nil || !strings.Contains(err.Error(), "-"+tc.flag) || !strings.Contains(err.Error(), tc.how) {
				t.Errorf("-%s=%s: %v; want a refusal naming -%s and saying %q", tc.flag, tc.bad, err, tc.flag, tc.how)
			}
			t.Setenv(s.Env, tc.bad)
			if _, err := parse(Serve); err == nil || !strings.Contains(err.Error(), s.Env) || !strings.Contains(err.Error(), tc.how) {
				t.Errorf("%s=%s: %v; want a refusal naming %s and saying %q", s.Env, tc.bad, err, s.Env, tc.how)
			}
			if c, err := parse(Serve, "-"+tc.flag+"="+tc.fromFlag); err != nil || !tc.check(c) {
				t.Errorf("-%s over a bad %s: %v; the flag should win", tc.flag, s.Env, err)
			}
		})
	}
}

// Nothing set, an empty variable or an empty flag keeps the defaults; a
// command takes only its own settings, leaving the others' variables
// unread; a switch works alone; -h is flag.ErrHelp.
func TestParseDefaultsAndCommands(t *testing.T) {
	clearEnv(t)
	for _, args := range [][]string{nil, {"-tolerance", "", "-baseline-years", " "}} {
		if c, err := parse(Serve, args...); err != nil || !reflect.DeepEqual(c, Default()) {
			t.Errorf("%q: %+v, %v; want Default()", args, c, err)
		}
	}
	t.Setenv("RESILIENCE_DUE_DAY", "not a day")
	t.Setenv("RESILIENCE_DATABASE", "/tmp/users.db")
	c, err := parse(Users)
	if err != nil || c.Database != "/tmp/users.db" || c.DueDay != 20 {
		t.Errorf("users: %+v, %v; want the database from the environment and nothing else read", c, err)
	}
	if _, err := parse(Users, "-due-day", "5"); err == nil {
		t.Error("users took -due-day")
	}
	if _, err := parse(Serve); err == nil || !strings.Contains(err.Error(), "RESILIENCE_DUE_DAY") {
		t.Errorf("serve with RESILIENCE_DUE_DAY=%q: %v; want it refused", "not a day", err)
	}
	t.Setenv("RESILIENCE_DUE_DAY", "")
	if c, err := parse(Serve, "-no-demo", "-database", "d.db"); err != nil || !c.NoDemo || c.Database != "d.db" {
		t.Errorf("-no-demo alone: %+v, %v", c, err)
	}
	if c, err := parse(Template); err != nil || !reflect.DeepEqual(c, Default()) {
		t.Errorf("template: %+v, %v; want the defaults", c, err)
	}
	if _, err := parse(Import, "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v; want flag.ErrHelp", err)
	}
}

// Settings built in code are checked as parsed ones are; Clone shares no
// slices.
func TestCheckAndClone(t *testing.T) {
	if err := (Config{}).Check(); err == nil {
		t.Error("an empty Config passed its checks")
	}
	c := Default()
	c.PressureBand = "E"
	if err := c.Check(); err == nil || !strings.Contains(err.Error(), "-pressure-band") {
		t.Errorf("band E: %v; want a refusal naming -pressure-band", err)
	}
	d := Default()
	e := d.Clone()
	e.BaselineYears[0] = 1999
	if d.BaselineYears[0] != 2017 {
		t.Error("Clone shares the baseline years")
	}
	if got := Default().MaxUploadBytes(); got != 25<<20 {
		t.Errorf("MaxUploadBytes %d; want 25 MB", got)
	}
}
