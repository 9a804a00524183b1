package forecast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// synthetic makes one council's monthly series, January 2017 to
// November 2026: a seasonal shape, a drifting trend, a 2020 dip with its
// recovery and a lasting shift, and Poisson (or binomial, for
// percentages) noise around it. The generator is deliberately unlike the
// methods: its seasons are two random harmonics, its trend wanders.
func synthetic(r *rand.Rand, percent bool) Series {
	start := 2017 * 12
	n := 10*12 - 1
	amp := r.Float64() * 0.3
	p1, p2, w2 := r.Float64()*2*math.Pi, r.Float64()*2*math.Pi, r.Float64()
	growth := 0.03 + 0.05*r.NormFloat64()
	dip := 0.1 + 0.3*r.Float64()
	shift := 0.08 * r.NormFloat64()
	wobble := 0.0
	size := math.Exp(math.Log(5) + r.Float64()*(math.Log(2000)-math.Log(5)))
	base := 60 + 35*r.Float64()
	trials := 20 + r.Float64()*480
	var level float64
	vals := make([]float64, n)
	for i := range n {
		idx := start + i
		year := float64(i) / 12
		if i%12 == 0 {
			growth += 0.02 * r.NormFloat64()
		}
		level += growth / 12
		k := float64(seasonOf(idx))
		season := amp * (math.Cos(2*math.Pi*k/12+p1) + w2*math.Cos(4*math.Pi*k/12+p2)) / (1 + w2)
		brk := 0.0
		if idx >= 2020*12+3 {
			rec := math.Min(1, float64(idx-(2020*12+3))/15)
			brk = -dip*(1-rec) + shift
		}
		wobble = 0.7*wobble + 0.02*r.NormFloat64()
		_ = year
		if percent {
			p := base + 8*season + 2*level + 10*brk + 50*wobble
			p = math.Min(99.5, math.Max(0.5, p))
			vals[i] = 100 * binomial(r, int(trials), p/100) / math.Floor(trials)
			continue
		}
		mu := size * math.Exp(season+level+brk+wobble)
		vals[i] = poisson(r, mu)
	}
	k := Count
	if percent {
		k = Percent
	}
	return Series{Start: start, Values: vals, Kind: k}
}

func poisson(r *rand.Rand, mu float64) float64 {
	if mu > 60 {
		return math.Max(0, math.Round(mu+math.Sqrt(mu)*r.NormFloat64()))
	}
	l, k, p := math.Exp(-mu), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func binomial(r *rand.Rand, n int, p float64) float64 {
	mu, sd := float64(n)*p, math.Sqrt(float64(n)*p*(1-p))
	return math.Min(float64(n), math.Max(0, math.Round(mu+sd*r.NormFloat64())))
}

// evaluation is a method's score over many series against their held-back
// year: the outside check's measure.
type evaluation struct {
	absErr, absNaive    float64
	in80, in95, scored  int
	ratios              []float64
	refused             int
	btRel, btC80, btC95 float64
	bt                  int
}

func (e *evaluation) add(s Series, hold int, opt Options) {
	n := len(s.Values)
	hist := Series{Start: s.Start, Values: s.Values[:n-hold], Kind: s.Kind}
	p := ProjectWith(hist, hold, opt)
	if !p.OK {
		e.refused++
		// A refused series is judged by last year's figure, as a reader
		// would fall back to it.
		return
	}
	var a, b float64
	for _, pt := range p.Points {
		actual := s.Values[pt.Month-s.Start]
		naive := s.Values[pt.Month-12-s.Start]
		a += math.Abs(actual - pt.Forecast)
		b += math.Abs(actual - naive)
		if actual >= pt.Lower80 && actual <= pt.Upper80 {
			e.in80++
		}
		if actual >= pt.Lower95 && actual <= pt.Upper95 {
			e.in95++
		}
		e.scored++
	}
	e.absErr += a
	e.absNaive += b
	if b > 0 {
		e.ratios = append(e.ratios, a/b)
	}
	e.btRel += p.Backtest.RelativeMAE
	e.btC80 += p.Backtest.Coverage80
	e.btC95 += p.Backtest.Coverage95
	e.bt++
}

func (e *evaluation) String() string {
	sort.Float64s(e.ratios)
	med := math.NaN()
	if len(e.ratios) > 0 {
		med = e.ratios[len(e.ratios)/2]
	}
	return fmt.Sprintf("MAE ratio %.3f (median council %.3f), 80%% held %.1f%%, 95%% held %.1f%%, refused %d; own backtests: rel MAE %.3f, 80%% %.1f%%, 95%% %.1f%%",
		e.absErr/e.absNaive, med, 100*float64(e.in80)/float64(e.scored), 100*float64(e.in95)/float64(e.scored), e.refused,
		e.btRel/float64(e.bt), 100*e.btC80/float64(e.bt), 100*e.btC95/float64(e.bt))
}

// TestMethodComparison prints each method's score on synthetic councils
// (set FORECAST_EVAL=1): the table in the package notes comes from it.
func TestMethodComparison(t *testing.T) {
	if os.Getenv("FORECAST_EVAL") == "" {
		t.Skip("set FORECAST_EVAL=1 to compare the methods")
	}
	for _, kind := range []string{"counts", "percentages"} {
		for _, method := range []string{"holt-winters", "seasonal-regression", "combined"} {
			for seed := uint64(1); seed <= 3; seed++ {
				r := rand.New(rand.NewPCG(seed, 7))
				var e evaluation
				for range 153 {
					e.add(synthetic(r, kind == "percentages"), 12, Options{Method: method})
				}
				t.Logf("%-12s %-20s seed %d: %s", kind, method, seed, &e)
			}
		}
	}
}

// TestMethodComparisonDemo scores the methods on the demonstration data
// (every council and indicator, history to Nov 2025, the year after held
// back; set FORECAST_EVAL=1).
func TestMethodComparisonDemo(t *testing.T) {
	if os.Getenv("FORECAST_EVAL") == "" {
		t.Skip("set FORECAST_EVAL=1 to compare the methods")
	}
	ref, err := reference.Load(data.Reference)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]Kind{}
	for _, ind := range ref.Indicators {
		switch ind.Unit {
		case domain.UnitPercent:
			kinds[ind.Code] = Percent
		case domain.UnitRatio:
			kinds[ind.Code] = Ratio
		default:
			kinds[ind.Code] = Count
		}
	}
	first := domain.FirstMonth
	last := domain.Month{Year: 2026, Month: time.November}
	all := map[string]map[int][]float64{}
	err = demo.Generate(ref, demo.Options{Seed: demo.DefaultSeed, First: first, Last: last}, func(o domain.Observation) error {
		m, _ := domain.ParseMonth(o.Month)
		if all[o.Indicator] == nil {
			all[o.Indicator] = map[int][]float64{}
		}
		s := all[o.Indicator][o.Council]
		if s == nil {
			s = make([]float64, last.Index()-first.Index()+1)
			for i := range s {
				s[i] = math.NaN()
			}
			all[o.Indicator][o.Council] = s
		}
		s[m.Index()-first.Index()] = o.Value
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"holt-winters", "seasonal-regression", "combined"} {
		var total evaluation
		for _, ind := range ref.Indicators {
			var e evaluation
			for _, s := range all[ind.Code] {
				if math.IsNaN(s[len(s)-1]) || math.IsNaN(s[len(s)-13]) {
					continue
				}
				ser := Series{Start: first.Index(), Values: s, Kind: kinds[ind.Code]}
				e.add(ser, 12, Options{Method: method})
				total.add(ser, 12, Options{Method: method})
			}
			if os.Getenv("FORECAST_EVAL") == "2" {
				t.Logf("%-20s %-18s %s", method, ind.Code, &e)
			}
		}
		t.Logf("%-20s all indicators (MAE ratio summed over them): %s", method, &total)
	}
}
