package forecast

import (
	"math"
	"math/rand/v2"
	"testing"
)

// made builds a series from January 2017 with f(i) as month i's figure.
func made(n int, kind Kind, f func(i int) float64) Series {
	s := Series{Start: 2017 * 12, Values: make([]float64, n), Kind: kind}
	for i := range s.Values {
		s.Values[i] = f(i)
	}
	return s
}

func TestProject(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	seasonal := func(i int) float64 { return 0.15 * math.Sin(2*math.Pi*float64(i%12)/12) }
	cases := []struct {
		name   string
		series Series
		// want is the expected figure 12 months on (within tol, relative),
		// or 0 when the series should be refused with reason.
		want, tol float64
		reason    string
		lo, hi    float64 // bounds every interval keeps
	}{
		{name: "SeasonalWithTrend", series: made(107, Count, func(i int) float64 {
			return math.Round(400 * math.Exp(0.04*float64(i)/12+seasonal(i)) * (1 + 0.02*r.NormFloat64()))
		}), want: 400 * math.Exp(0.04*float64(118)/12+seasonal(118)), tol: 0.08, lo: 0, hi: math.Inf(1)},
		{name: "BreakIn2020", series: made(107, Count, func(i int) float64 {
			v := 200.0
			if i >= 39 && i < 54 { // Apr 2020 to Jun 2021: a dip
				v = 120
			}
			if i >= 54 {
				v = 260 // and a new level after it
			}
			return math.Round(v * math.Exp(seasonal(i)) * (1 + 0.02*r.NormFloat64()))
		}), want: 260 * math.Exp(seasonal(118)), tol: 0.08, lo: 0, hi: math.Inf(1)},
		{name: "ShortRefused", series: made(30+54, Count, func(i int) float64 {
			if i < 54 {
				return math.NaN()
			}
			return 50
		}), reason: ReasonShort},
		{name: "LittleOutsideTheBreak", series: made(64, Count, func(i int) float64 {
			if i < 24 {
				return math.NaN()
			}
			return float64(10 + i%3)
		}), reason: ReasonShort},
		{name: "PercentKeptWithin0To100", series: made(107, Percent, func(i int) float64 {
			return math.Min(100, 95+3.5*math.Sin(2*math.Pi*float64(i%12)/12)+0.8*r.NormFloat64())
		}), want: 95 + 3.5*math.Sin(2*math.Pi*float64(118%12)/12), tol: 0.03, lo: 0, hi: 100},
		{name: "SmallCountsNeverBelowZero", series: made(107, Count, func(i int) float64 {
			return poisson(r, 1.5*math.Exp(3*seasonal(i)))
		}), lo: 0, hi: math.Inf(1)},
		{name: "LastYearRepeatedExactlyIsNotBeaten", series: made(107, Count, func(i int) float64 {
			return []float64{5, 90, 7, 60, 3, 80, 11, 40, 2, 70, 9, 30}[i%12]
		}), reason: ReasonErratic},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := Project(tc.series, 12)
			if tc.reason != "" {
				if p.OK || p.Reason != tc.reason {
					t.Fatalf("got OK=%v reason %q, want refused with %q (backtest %+v)", p.OK, p.Reason, tc.reason, p.Backtest)
				}
				if len(p.Points) != 0 {
					t.Fatalf("a refused series has %d points", len(p.Points))
				}
				return
			}
			if !p.OK {
				t.Fatalf("refused: %s (backtest %+v)", p.Reason, p.Backtest)
			}
			if len(p.Points) != 12 || p.Points[0].Month != p.Last+1 || p.Points[11].Ahead != 12 {
				t.Fatalf("points %+v", p.Points)
			}
			for _, pt := range p.Points {
				if !(tc.lo <= pt.Lower95 && pt.Lower95 <= pt.Lower80 && pt.Lower80 <= pt.Forecast &&
					pt.Forecast <= pt.Upper80 && pt.Upper80 <= pt.Upper95 && pt.Upper95 <= tc.hi) {
					t.Errorf("month %d: intervals out of order or bounds: %+v", pt.Ahead, pt)
				}
			}
			if tc.want != 0 {
				if got := p.Points[11].Forecast; math.Abs(got-tc.want) > tc.tol*tc.want {
					t.Errorf("12 months on: %.1f, want %.1f ± %.0f%%", got, tc.want, 100*tc.tol)
				}
				if p.Backtest.RelativeMAE >= 1 {
					t.Errorf("relative MAE %.2f: no better than last year's figure", p.Backtest.RelativeMAE)
				}
			}
			b := p.Backtest
			if b.Forecasts == 0 || b.Origins == 0 || b.Coverage80 > b.Coverage95 || b.Covered80 > b.Forecasts {
				t.Errorf("backtest %+v", b)
			}
		})
	}
}

// TestProjectMissingMonths: a gap in the figures is skipped, never read
// as zero.
func TestProjectMissingMonths(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	s := made(107, Count, func(i int) float64 { return poisson(r, 100+float64(i%12)) })
	s.Values[100], s.Values[101] = math.NaN(), math.NaN()
	p := Project(s, 3)
	if !p.OK {
		t.Fatalf("refused: %s", p.Reason)
	}
	for _, pt := range p.Points {
		if pt.Forecast < 90 || pt.Forecast > 125 {
			t.Errorf("month %d: %.1f, want near 100–111", pt.Ahead, pt.Forecast)
		}
	}
}
