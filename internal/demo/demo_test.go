package demo

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// testLast is a fixed last month, so the tests' figures do not move with
// the calendar (except in the coverage test, which uses today's).
var testLast = domain.Month{Year: 2026, Month: time.October}

// run is one Generate call's output: series by council and indicator code,
// indexed by monthIndex (NaN for a month outside the council's lifetime),
// plus the order the observations came in.
type run struct {
	series map[int]map[string][]float64
	order  []domain.Observation
}

func generate(tb testing.TB, ref *reference.Data, opts Options) run {
	tb.Helper()
	out := run{series: map[int]map[string][]float64{}}
	err := Generate(ref, opts, func(o domain.Observation) error {
		if out.series[o.Council] == nil {
			out.series[o.Council] = map[string][]float64{}
		}
		s := out.series[o.Council][o.Indicator]
		if s == nil {
			s = make([]float64, monthIndex(opts.Last)+1)
			for i := range s {
				s[i] = math.NaN()
			}
			out.series[o.Council][o.Indicator] = s
		}
		m, err := domain.ParseMonth(o.Month)
		if err != nil {
			return err
		}
		s[monthIndex(m)] = o.Value
		out.order = append(out.order, o)
		return nil
	})
	if err != nil {
		tb.Fatalf("Generate: %v", err)
	}
	return out
}

var (
	fullOnce sync.Once
	fullRun  run
)

// full is the default-seed run over every current council to testLast,
// shared by the tests that only read it.
func full(t *testing.T) run {
	t.Helper()
	ref := testRef(t)
	fullOnce.Do(func() { fullRun = generate(t, ref, Options{Seed: DefaultSeed, Last: testLast}) })
	return fullRun
}

// monthIndex is the position of m in a series starting at FirstMonth.
func monthIndex(m domain.Month) int { return m.Index() - domain.FirstMonth.Index() }

func currentCouncils(ref *reference.Data) []int {
	var out []int
	for _, c := range ref.Councils {
		if c.Current {
			out = append(out, c.Number)
		}
	}
	slices.Sort(out)
	return out
}

func official(ref *reference.Data, measure string, council, year int) (float64, bool) {
	area := strconv.Itoa(council)
	for _, o := range ref.Official {
		if o.Measure == measure && o.Level == "council" && o.Area == area && o.Year == year && o.Value != nil {
			return *o.Value, true
		}
	}
	return 0, false
}

func TestGenerateDeterministic(t *testing.T) {
	ref := testRef(t)
	a := full(t)
	b := generate(t, ref, Options{Seed: DefaultSeed, Last: testLast})
	if !slices.Equal(a.order, b.order) {
		t.Fatal("two runs with the same options differ")
	}

	t.Run("CouncilsFilter", func(t *testing.T) {
		// Out of order and repeated on purpose: the filter must not
		// change a council's figures or the output order.
		some := []int{940, 201, 886, 420, 201}
		f := generate(t, ref, Options{Seed: DefaultSeed, Last: testLast, Councils: some})
		if len(f.series) != 4 {
			t.Fatalf("got %d councils, want 4", len(f.series))
		}
		for c, byCode := range f.series {
			for code, s := range byCode {
				same := func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }
				if !slices.EqualFunc(s, a.series[c][code], same) {
					t.Errorf("council %d %s differs between a filtered and a full run", c, code)
				}
			}
		}
		if got := f.order[0].Council; got != 201 {
			t.Errorf("first council %d, want 201", got)
		}
	})

	t.Run("OtherSeed", func(t *testing.T) {
		f := generate(t, ref, Options{Seed: 1, Last: testLast, Councils: []int{886}})
		if slices.Equal(f.series[886]["CSC_S47"], a.series[886]["CSC_S47"]) {
			t.Error("a different seed gave the same series")
		}
	})
}

func TestGenerateCoverage(t *testing.T) {
	ref := testRef(t)
	last := domain.LastComplete(time.Now())
	months := domain.MonthsBetween(domain.FirstMonth, last)
	councils := slices.Clone(ref.Councils)
	slices.SortFunc(councils, func(a, b domain.Council) int { return a.Number - b.Number })
	councils = slices.DeleteFunc(councils, func(c domain.Council) bool {
		return !c.LastMonth().IsZero() && c.LastMonth().Before(domain.FirstMonth)
	})
	inds := slices.Clone(ref.Indicators)
	slices.SortFunc(inds, func(a, b domain.Indicator) int { return a.Position - b.Position })
	if len(currentCouncils(ref)) < 150 || len(inds) != 24 {
		t.Fatalf("reference data has %d current councils and %d indicators", len(councils), len(inds))
	}

	type key struct {
		council   int
		indicator string
		month     string
	}
	seen := map[key]int{}
	var got []key
	err := Generate(ref, Options{Seed: DefaultSeed, Last: last}, func(o domain.Observation) error {
		k := key{o.Council, o.Indicator, o.Month}
		seen[k]++
		got = append(got, k)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Expect exactly the stable order: council, indicator position, month,
	// each council in the months it existed: Northamptonshire to March
	// 2021, North Northamptonshire from April 2021.
	var want []key
	for _, c := range councils {
		for _, ind := range inds {
			for _, m := range months {
				if c.ExistedIn(m) {
					want = append(want, key{c.Number, ind.Code, m.String()})
				}
			}
		}
	}
	for _, k := range []key{{928, "CSC_CLA", "2021-03"}, {940, "CSC_CLA", "2021-04"}, {837, "CSC_CLA", "2019-03"}, {839, "CSC_CLA", "2019-04"}} {
		if !slices.Contains(want, k) {
			t.Errorf("%v not expected: lifetimes are wrong", k)
		}
	}
	for _, k := range []key{{928, "CSC_CLA", "2021-04"}, {940, "CSC_CLA", "2021-03"}, {909, "CSC_CLA", "2023-04"}, {942, "CSC_CLA", "2023-03"}} {
		if slices.Contains(want, k) {
			t.Errorf("%v expected, outside the council's lifetime", k)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("got %d observations, want %d (%d councils × %d indicators × %d months)",
			len(got), len(want), len(councils), len(inds), len(months))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("observation %d is %v, want %v", i, got[i], want[i])
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%v emitted %d times", k, n)
		}
	}
	if got[0].month != "2017-01" || got[len(got)-1].month != last.String() {
		t.Errorf("months run %s to %s, want 2017-01 to %s", got[0].month, got[len(got)-1].month, last)
	}
}

func TestGenerateAnchoring(t *testing.T) {
	ref := testRef(t)
	r := full(t)
	// Large and middling councils across regions; small ones are left out
	// because a count of 20 cannot be within 5% after rounding.
	councils := []int{886, 330, 352, 383, 202, 860, 881}
	for _, c := range councils {
		for _, year := range []int{2017, 2019, 2021, 2023, 2025} {
			if want, ok := official(ref, mCIN, c, year); ok {
				got := r.series[c]["CSC_CIN"][monthIndex(domain.Month{Year: year, Month: time.March})]
				if math.Abs(got-want) > 0.05*want {
					t.Errorf("council %d: children in need March %d = %v, official %v", c, year, got, want)
				}
			} else {
				t.Errorf("council %d: no official children in need for %d", c, year)
			}
			// The September workforce census, give or take the noise.
			for code, measure := range map[string]string{
				"WF_VACANCY": mVacancy, "WF_AGENCY": mAgency, "WF_CASELOAD": mCaseload, "WF_ABSENCE": mAbsence,
			} {
				if want, ok := official(ref, measure, c, year); ok {
					got := r.series[c][code][monthIndex(domain.Month{Year: year, Month: time.September})]
					if math.Abs(got-want) > 1.5 {
						t.Errorf("council %d: %s September %d = %v, official %v", c, code, year, got, want)
					}
				}
			}
			// Referrals for the year ending March `year`; 2017 starts
			// before the demo does.
			if year == 2017 {
				continue
			}
			if want, ok := official(ref, mReferrals, c, year); ok {
				april := domain.Month{Year: year - 1, Month: time.April}
				var sum float64
				for k := range 12 {
					sum += r.series[c]["CSC_REFERRALS"][monthIndex(april.Add(k))]
				}
				if math.Abs(sum-want) > 0.02*want {
					t.Errorf("council %d: referrals April %d to March %d sum to %v, official %v", c, year-1, year, sum, want)
				}
			}
		}
	}
}

// national sums an indicator over every council for a month.
func (r run) national(code string, m domain.Month) float64 {
	var sum float64
	for _, byCode := range r.series {
		if v := byCode[code][monthIndex(m)]; !math.IsNaN(v) {
			sum += v
		}
	}
	return sum
}

// mean averages an indicator over councils and the months of a year.
func (r run) mean(code string, year int) float64 {
	var sum float64
	var n int
	for _, byCode := range r.series {
		for mo := time.January; mo <= time.December; mo++ {
			if v := byCode[code][monthIndex(domain.Month{Year: year, Month: mo})]; !math.IsNaN(v) {
				sum += v
				n++
			}
		}
	}
	return sum / float64(n)
}

func TestGeneratePandemicShape(t *testing.T) {
	r := full(t)
	baseline := func(code string, mo time.Month) float64 {
		var sum float64
		for y := 2017; y <= 2019; y++ {
			sum += r.national(code, domain.Month{Year: y, Month: mo})
		}
		return sum / 3
	}
	may := r.national("CSC_REFERRALS", domain.Month{Year: 2020, Month: time.May})
	if drop := 1 - may/baseline("CSC_REFERRALS", time.May); drop < 0.10 || drop > 0.25 {
		t.Errorf("referrals in May 2020 %.1f%% below the 2017–19 May mean, want 10–25%%", 100*drop)
	}
	jan := r.national("CSC_REFERRALS", domain.Month{Year: 2021, Month: time.January})
	if base := baseline("CSC_REFERRALS", time.January); jan >= base {
		t.Errorf("referrals in January 2021 %.0f, not below the 2017–19 January mean %.0f", jan, base)
	}
	oct19 := r.national("EHE_KNOWN", domain.Month{Year: 2019, Month: time.October})
	oct21 := r.national("EHE_KNOWN", domain.Month{Year: 2021, Month: time.October})
	if oct21 <= 1.2*oct19 {
		t.Errorf("children known to be home educated: October 2021 %.0f, October 2019 %.0f; want a rise of over 20%%", oct21, oct19)
	}
	if oct19 < 45000 || oct19 > 65000 {
		t.Errorf("children known to be home educated in October 2019: %.0f, want about 55,000", oct19)
	}
	gap := func(year int) float64 { return r.mean("SEND_ATTEND_ALL", year) - r.mean("SEND_ATTEND_EHCP", year) }
	if gap(2023) <= gap(2018) {
		t.Errorf("attendance gap %.2f points in 2023, %.2f in 2018; want it wider", gap(2023), gap(2018))
	}
	t.Logf("May 2020 referrals %.0f vs baseline %.0f; EHE Oct 2019 %.0f, Oct 2021 %.0f; attendance gap 2018 %.2f, 2023 %.2f",
		may, baseline("CSC_REFERRALS", time.May), oct19, oct21, gap(2018), gap(2023))
}

// TestGeneratePandemicRecovery checks what shape.go promises after the
// first lockdown, on England's totals: referrals rebound in the autumn
// terms of 2020 and 2021 to about the 2019 level; early help requests dip
// in the first lockdown, then run above 2019 as new families ask for help;
// home education jumps from September 2020 and keeps rising; and the gap
// between all pupils' attendance and that of pupils with an EHC plan is
// wider from 2022 than in 2019.
func TestGeneratePandemicRecovery(t *testing.T) {
	r := full(t)
	at := func(code string, y int, mo time.Month) float64 {
		return r.national(code, domain.Month{Year: y, Month: mo})
	}
	// sum totals an indicator over the months from..to inclusive.
	sum := func(code string, from, to domain.Month) float64 {
		var s float64
		for _, m := range domain.MonthsBetween(from, to) {
			s += r.national(code, m)
		}
		return s
	}
	m := func(y int, mo time.Month) domain.Month { return domain.Month{Year: y, Month: mo} }

	t.Run("ReferralsRebound", func(t *testing.T) {
		may20 := at("CSC_REFERRALS", 2020, time.May)
		for _, y := range []int{2020, 2021} {
			oct := at("CSC_REFERRALS", y, time.October)
			if oct < 1.15*may20 {
				t.Errorf("referrals October %d %.0f, May 2020 %.0f; want a rebound of over 15%%", y, oct, may20)
			}
			if oct19 := at("CSC_REFERRALS", 2019, time.October); oct < 0.97*oct19 {
				t.Errorf("referrals October %d %.0f, October 2019 %.0f; want about the 2019 level or above", y, oct, oct19)
			}
		}
		autumn19 := sum("CSC_REFERRALS", m(2019, time.September), m(2019, time.November))
		if autumn21 := sum("CSC_REFERRALS", m(2021, time.September), m(2021, time.November)); autumn21 < 0.98*autumn19 {
			t.Errorf("referrals September to November 2021 %.0f, 2019 %.0f; want about the 2019 level or above", autumn21, autumn19)
		}
	})

	t.Run("EarlyHelpRequestsRise", func(t *testing.T) {
		if apr20, apr19 := at("EH_REQUESTS", 2020, time.April), at("EH_REQUESTS", 2019, time.April); apr20 > 0.85*apr19 {
			t.Errorf("early help requests April 2020 %.0f, April 2019 %.0f; want the first lockdown's dip of over 15%%", apr20, apr19)
		}
		autumn19 := sum("EH_REQUESTS", m(2019, time.September), m(2019, time.November))
		if autumn20 := sum("EH_REQUESTS", m(2020, time.September), m(2020, time.November)); autumn20 < 1.08*autumn19 {
			t.Errorf("early help requests September to November 2020 %.0f, 2019 %.0f; want over 8%% more", autumn20, autumn19)
		}
		year19 := sum("EH_REQUESTS", m(2019, time.January), m(2019, time.December))
		if year21 := sum("EH_REQUESTS", m(2021, time.January), m(2021, time.December)); year21 < 1.10*year19 {
			t.Errorf("early help requests in 2021 %.0f, in 2019 %.0f; want over 10%% more", year21, year19)
		}
	})

	t.Run("HomeEducationRisesFromAutumn2020", func(t *testing.T) {
		sep19, sep20 := at("EHE_KNOWN", 2019, time.September), at("EHE_KNOWN", 2020, time.September)
		dec20, dec21 := at("EHE_KNOWN", 2020, time.December), at("EHE_KNOWN", 2021, time.December)
		if dec20 < 1.2*sep19 || dec20 < 1.1*sep20 {
			t.Errorf("home educated December 2020 %.0f; September 2019 %.0f, September 2020 %.0f; want well above both", dec20, sep19, sep20)
		}
		if dec21 < 1.3*sep19 || dec21 < 1.15*sep20 || dec21 <= dec20 {
			t.Errorf("home educated December 2021 %.0f; September 2019 %.0f, September 2020 %.0f, December 2020 %.0f; want above all three", dec21, sep19, sep20, dec20)
		}
		// Year-on-year growth is modest while schools are shut and jumps
		// once they reopen in September 2020.
		growth := func(y int, mo time.Month) float64 { return at("EHE_KNOWN", y, mo)/at("EHE_KNOWN", y-1, mo) - 1 }
		if jun, dec := growth(2020, time.June), growth(2020, time.December); dec-jun < 0.15 {
			t.Errorf("home education growth on a year before: June 2020 %.1f%%, December 2020 %.1f%%; want a jump of over 15 points in the autumn", 100*jun, 100*dec)
		}
	})

	t.Run("SENDAttendanceGapWidens", func(t *testing.T) {
		gap := func(year int) float64 { return r.mean("SEND_ATTEND_ALL", year) - r.mean("SEND_ATTEND_EHCP", year) }
		before := gap(2019)
		for y := 2022; y <= 2025; y++ {
			if g := gap(y); g < before+0.5 {
				t.Errorf("attendance gap %.2f points in %d, %.2f in 2019; want at least half a point wider", g, y, before)
			}
		}
	})
}

func TestGenerateInvariants(t *testing.T) {
	ref := testRef(t)
	r := full(t)
	units := map[string]string{}
	for _, ind := range ref.Indicators {
		units[ind.Code] = ind.Unit
	}
	subsets := [][2]string{
		{"CSC_CPP", "CSC_CIN"}, {"CSC_CLA", "CSC_CIN"},
		{"CSC_REREFERRALS", "CSC_REFERRALS"}, {"EHE_NEW_HEALTH", "EHE_NEW"},
	}
	for c, byCode := range r.series {
		for code, s := range byCode {
			for i, v := range s {
				m := domain.FirstMonth.Add(i)
				if math.IsNaN(v) && !ref.Councils[slices.IndexFunc(ref.Councils, func(co domain.Council) bool { return co.Number == c })].ExistedIn(m) {
					continue // outside the council's lifetime
				}
				switch {
				case math.IsNaN(v) || math.IsInf(v, 0):
					t.Fatalf("council %d %s %s: %v", c, code, m, v)
				case v < 0 || math.Signbit(v):
					t.Fatalf("council %d %s %s: negative %v", c, code, m, v)
				case units[code] == domain.UnitCount && v != math.Trunc(v):
					t.Fatalf("council %d %s %s: count %v is not whole", c, code, m, v)
				case units[code] == domain.UnitPercent && v > 100:
					t.Fatalf("council %d %s %s: percent %v over 100", c, code, m, v)
				case units[code] != domain.UnitCount && math.Abs(v*10-math.Round(v*10)) > 1e-6:
					t.Fatalf("council %d %s %s: %v has more than one decimal", c, code, m, v)
				}
			}
		}
		for _, sub := range subsets {
			part, whole := byCode[sub[0]], byCode[sub[1]]
			for i := range part {
				if part[i] > whole[i] {
					t.Fatalf("council %d %s: %s %v > %s %v", c, domain.FirstMonth.Add(i), sub[0], part[i], sub[1], whole[i])
				}
			}
		}
		for i := range byCode["SEND_ATTEND_ALL"] {
			m := domain.FirstMonth.Add(i)
			if !closure(m) && byCode["SEND_ATTEND_EHCP"][i] >= byCode["SEND_ATTEND_ALL"][i] {
				t.Fatalf("council %d %s: EHCP attendance %v not below all pupils' %v", c, m,
					byCode["SEND_ATTEND_EHCP"][i], byCode["SEND_ATTEND_ALL"][i])
			}
		}
	}
	// Tiny councils legitimately get tiny counts, but not nothing at all.
	for _, c := range []int{201, 420} {
		var sum float64
		for _, v := range r.series[c]["CSC_REFERRALS"] {
			sum += v
		}
		if sum == 0 {
			t.Errorf("council %d has no referrals in any month", c)
		}
	}
}

func TestGenerateErrors(t *testing.T) {
	ref := testRef(t)
	emit := func(domain.Observation) error { return nil }
	for _, tt := range []struct {
		name string
		ref  *reference.Data
		opts Options
	}{
		{"ErrNoReference", nil, Options{Last: testLast}},
		{"ErrNoLast", ref, Options{}},
		{"ErrLastBeforeFirst", ref, Options{First: testLast, Last: domain.FirstMonth}},
		{"ErrUnknownCouncil", ref, Options{Last: testLast, Councils: []int{999}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := Generate(tt.ref, tt.opts, emit)
			if domain.ErrorCode(err) != domain.EINVALID {
				t.Errorf("got %v, want an EINVALID error", err)
			}
		})
	}
	t.Run("EmitErrorStops", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := Generate(ref, Options{Last: testLast}, func(domain.Observation) error {
			calls++
			if calls == 10 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 10 {
			t.Errorf("got %v after %d calls, want stop after 10", err, calls)
		}
	})
}

// TestGenerateSparseReference covers reference data with no official
// figures, no population and an indicator the demo does not know: every
// catalogue indicator still gets a plausible series.
func TestGenerateSparseReference(t *testing.T) {
	v := 1000.0
	ref := &reference.Data{
		Councils: []domain.Council{
			{Number: 100, Current: true},
			{Number: 200, Current: true},
			{Number: 300, Current: false, Successors: "200"},
		},
		Populations: []domain.Population{{Level: "council", Area: "100", Year: 2020, Children: 40000}},
		Official: []domain.OfficialValue{
			{Measure: mCIN, Level: "council", Area: "300", Year: 2019, Value: &v},
			{Measure: mCIN, Level: "council", Area: "100", Year: 2019, Marker: "c"},
		},
		Indicators: append(reference.Catalogue(),
			domain.Indicator{Code: "NEW_COUNT", Unit: domain.UnitCount, Position: 25},
			domain.Indicator{Code: "NEW_PERCENT", Unit: domain.UnitPercent, Position: 26}),
	}
	first, last := domain.Month{Year: 2019, Month: time.January}, domain.Month{Year: 2021, Month: time.December}
	r := generate(t, ref, Options{Seed: 7, First: first, Last: last})
	months := len(domain.MonthsBetween(first, last))
	for _, c := range []int{100, 200} {
		if len(r.series[c]) != 26 {
			t.Fatalf("council %d: %d indicators, want 26", c, len(r.series[c]))
		}
		for code, s := range r.series[c] {
			held := 0
			for _, v := range s {
				if !math.IsNaN(v) {
					held++
				}
			}
			if held != months {
				t.Errorf("council %d %s: %d months, want %d", c, code, held, months)
			}
		}
		if cin := r.series[c]["CSC_CIN"][monthIndex(first)]; cin <= 0 {
			t.Errorf("council %d: no children in need in January 2019", c)
		}
	}
	for _, p := range r.series[100]["NEW_PERCENT"] {
		if p < 0 || p > 100 {
			t.Fatalf("generic percent %v out of range", p)
		}
	}
}

// BenchmarkGenerate measures a full first-run demo: every current council,
// every indicator, January 2017 to October 2026.
func BenchmarkGenerate(b *testing.B) {
	ref := testRef(b)
	opts := Options{Seed: DefaultSeed, Last: testLast}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = 0
		if err := Generate(ref, opts, func(domain.Observation) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "obs/op")
}
