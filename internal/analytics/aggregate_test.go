package analytics

import (
	"math"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// near compares floats that come out of a division.
func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestAggregateRate(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name   string
		counts []float64
		pops   []int64
		rate   float64
		n      int
		ok     bool
	}{
		// (100 + 50 + 30) × 10,000 / (20,000 + 10,000 + 30,000)
		// = 1,800,000 / 60,000 = 30. The mean of the three rates
		// (50, 50, 10) would be 36.67: the small councils would outvote
		// the large one.
		{"SumOverSum", []float64{100, 50, 30}, []int64{20000, 10000, 30000}, 30, 3, true},
		// The second council has no population: its count is dropped
		// with it, leaving 100 × 10,000 / 20,000 = 50 from one council.
		{"ZeroPopulationDropsThePair", []float64{100, 7}, []int64{20000, 0}, 50, 1, true},
		// A NaN count is dropped with its population: 30 × 10,000 /
		// 30,000 = 10.
		{"NaNCountDropsThePair", []float64{nan, 30}, []int64{10000, 30000}, 10, 1, true},
		// A council reporting 0 is a real zero and its children count:
		// 0 + 40 over 10,000 + 10,000 → 40 × 10,000 / 20,000 = 20.
		{"ZeroCountIsCounted", []float64{0, 40}, []int64{10000, 10000}, 20, 2, true},
		{"Empty", nil, nil, 0, 0, false},
		{"LengthsDiffer", []float64{1, 2}, []int64{100}, 0, 0, false},
		{"NothingUsable", []float64{5}, []int64{0}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rate, n, ok := AggregateRateCoverage(tt.counts, tt.pops)
			if !near(rate, tt.rate) || n != tt.n || ok != tt.ok {
				t.Fatalf("AggregateRateCoverage = %v, %d, %v; want %v, %d, %v", rate, n, ok, tt.rate, tt.n, tt.ok)
			}
			if r2, ok2 := AggregateRate(tt.counts, tt.pops); r2 != rate || ok2 != ok {
				t.Fatalf("AggregateRate = %v, %v; want %v, %v", r2, ok2, rate, ok)
			}
		})
	}
}

func TestWeightedMean(t *testing.T) {
	tests := []struct {
		name    string
		values  []float64
		weights []int64
		mean    float64
		n       int
		ok      bool
	}{
		// (10 × 30,000 + 20 × 10,000) / 40,000 = 500,000 / 40,000 = 12.5;
		// the unweighted mean would be 15.
		{"Weighted", []float64{10, 20}, []int64{30000, 10000}, 12.5, 2, true},
		// Equal weights give the plain mean: (17.5 + 22.5) / 2 = 20.
		{"EqualWeights", []float64{17.5, 22.5}, []int64{5000, 5000}, 20, 2, true},
		// The zero-weight pair is left out: 8 from one council.
		{"ZeroWeightDropped", []float64{8, 90}, []int64{1000, 0}, 8, 1, true},
		{"Empty", nil, nil, 0, 0, false},
		{"LengthsDiffer", []float64{1}, nil, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mean, n, ok := WeightedMeanCoverage(tt.values, tt.weights)
			if !near(mean, tt.mean) || n != tt.n || ok != tt.ok {
				t.Fatalf("WeightedMeanCoverage = %v, %d, %v; want %v, %d, %v", mean, n, ok, tt.mean, tt.n, tt.ok)
			}
			if m2, ok2 := WeightedMean(tt.values, tt.weights); m2 != mean || ok2 != ok {
				t.Fatalf("WeightedMean = %v, %v; want %v, %v", m2, ok2, mean, ok)
			}
		})
	}
}

func TestAggregatePicksTheRuleByIndicator(t *testing.T) {
	pops := []int64{30000, 10000}
	tests := []struct {
		name string
		ind  domain.Indicator
		want float64
	}{
		// Counts 10 and 20: (10 + 20) × 10,000 / 40,000 = 7.5 per 10,000.
		{"PerChildren", domain.Indicator{Unit: domain.UnitCount, Denominator: domain.DenomChildren}, 7.5},
		// Percentages 10 and 20 weighted 3:1 → (30 + 20) / 4 = 12.5.
		{"Percent", domain.Indicator{Unit: domain.UnitPercent, Denominator: domain.DenomNone}, 12.5},
		{"Ratio", domain.Indicator{Unit: domain.UnitRatio, Denominator: domain.DenomNone}, 12.5},
		// A count with no denominator adds up: 10 + 20 = 30.
		{"PlainCount", domain.Indicator{Unit: domain.UnitCount, Denominator: domain.DenomNone}, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n, ok := Aggregate(tt.ind, []float64{10, 20}, pops)
			if !ok || n != 2 || !near(got, tt.want) {
				t.Fatalf("Aggregate = %v, %d, %v; want %v, 2, true", got, n, ok, tt.want)
			}
		})
	}
}
