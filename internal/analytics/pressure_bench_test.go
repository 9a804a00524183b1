package analytics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// nationalScale builds the national workload of PERFORMANCE.md
// deterministically: 153 councils × 24 indicators × 120 months from
// January 2017 to December 2026, with the catalogue's mix of polarities
// and units (18 higher-is-worse, 5 higher-is-better, 1 neutral; 16 rates
// per 10,000 children, 7 percentages, 1 ratio). Each council has its own
// level and trend per indicator, a seasonal swing and noise, and about 2%
// of months are missing, some of them in the month assessed.
func nationalScale() (domain.Month, []domain.Indicator, map[string]map[int]Series) {
	const councils, months = 153, 120
	type spec struct {
		polarity, unit string
		perChild       bool
	}
	specs := make([]spec, 0, 24)
	for range 16 { // rates: 14 worse when higher, 1 better, 1 neutral
		specs = append(specs, spec{domain.HigherWorse, domain.UnitCount, true})
	}
	specs[2].polarity = domain.HigherBetter
	specs[14].polarity = domain.Neutral
	for i := range 7 { // percentages: 3 better when higher, 4 worse
		p := domain.HigherWorse
		if i < 3 {
			p = domain.HigherBetter
		}
		specs = append(specs, spec{p, domain.UnitPercent, false})
	}
	specs = append(specs, spec{domain.HigherWorse, domain.UnitRatio, false})

	rng := rand.New(rand.NewPCG(2017, 153))
	first := domain.Month{Year: 2017, Month: time.January}
	last := first.Add(months - 1)
	inds := make([]domain.Indicator, len(specs))
	values := make(map[string]map[int]Series, len(specs))
	for i, sp := range specs {
		ind := domain.Indicator{Code: fmt.Sprintf("IND%02d", i+1), Label: fmt.Sprintf("Indicator %d", i+1),
			Unit: sp.unit, Polarity: sp.polarity, Denominator: domain.DenomNone, Position: i + 1}
		if sp.perChild {
			ind.Denominator = domain.DenomChildren
		}
		inds[i] = ind
		byCouncil := make(map[int]Series, councils)
		for c := range councils {
			level := 20 + 300*rng.Float64()
			if sp.unit == domain.UnitPercent {
				level = 5 + 85*rng.Float64()
			}
			trend := -0.3 + 0.9*rng.Float64() // over the ten years
			s := make(Series, months)
			for k := range months {
				if rng.Float64() < 0.02 {
					continue
				}
				season := 1 + 0.08*math.Sin(2*math.Pi*float64(k%12)/12)
				noise := 1 + 0.06*(rng.Float64()-0.5)
				v := level * (1 + trend*float64(k)/months) * season * noise
				if sp.unit == domain.UnitPercent {
					v = min(v, 100)
				}
				s[first.Index()+k] = v
			}
			byCouncil[201+c] = s
		}
		values[ind.Code] = byCouncil
	}
	return last, inds, values
}

// BenchmarkAssessPressureNational times AssessPressure over every council
// and indicator at national scale for the last month (P4: ≤ 50 ms).
func BenchmarkAssessPressureNational(b *testing.B) {
	m, inds, values := nationalScale()
	var res PressureResult
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res = AssessPressure(m, inds, values, PressureConfig{})
	}
	b.StopTimer()
	b.ReportMetric(float64(len(res.Points)), "points")
	b.ReportMetric(float64(len(res.Cells)), "cells")
}

// TestNationalScaleAssessment checks the benchmark's data set is one worth
// timing: every council assessed on most indicators, a few missing, and
// points found on all but the neutral indicator's polarity.
func TestNationalScaleAssessment(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 440,640 values")
	}
	m, inds, values := nationalScale()
	res := AssessPressure(m, inds, values, PressureConfig{})
	if n := len(res.Cells) + len(res.Missing); n != 153*24 {
		t.Fatalf("%d cells and missing; want %d", n, 153*24)
	}
	if len(res.Missing) == 0 || len(res.Missing) > 200 {
		t.Fatalf("%d missing", len(res.Missing))
	}
	if len(res.Points) < 50 {
		t.Fatalf("only %d points", len(res.Points))
	}
	polarity := map[string]string{}
	for _, ind := range inds {
		polarity[ind.Code] = ind.Polarity
	}
	byPolarity := CountBy(res.Points, func(p PressureCell) string { return polarity[p.Indicator] })
	if byPolarity[domain.HigherWorse] == 0 || byPolarity[domain.HigherBetter] == 0 || byPolarity[domain.Neutral] != 0 {
		t.Fatalf("points by polarity %v", byPolarity)
	}
	for i, p := range res.Points {
		if p.Band != "D" || !(p.Worse > 0.1) || !(p.Severity > 0 && p.Severity <= 1) || p.Reason == "" {
			t.Fatalf("point %+v", p)
		}
		if i > 0 && p.Severity > res.Points[i-1].Severity {
			t.Fatalf("points out of order at %d", i)
		}
	}
}
