package analytics

import (
	"math"
	"testing"
)

func TestSummarise(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   Stats
		ok     bool
	}{
		// Sorted 1 2 3 4, n = 4. h = 3p:
		// Q1: h = 0.75 → 1 + 0.75 × (2 − 1) = 1.75
		// median: h = 1.5 → 2 + 0.5 × (3 − 2) = 2.5
		// Q3: h = 2.25 → 3 + 0.25 × (4 − 3) = 3.25
		// (Excel: QUARTILE.INC({1,2,3,4},1) = 1.75, ,3 = 3.25.)
		{"FourValues", []float64{4, 1, 3, 2},
			Stats{N: 4, Min: 1, Max: 4, Mean: 2.5, Median: 2.5, Q1: 1.75, Q3: 3.25}, true},
		// Sorted 7 15 36 39 40 41, n = 6, h = 5p; sum 178, mean 29.666…
		// Q1: h = 1.25 → 15 + 0.25 × (36 − 15) = 20.25
		// median: h = 2.5 → 36 + 0.5 × (39 − 36) = 37.5
		// Q3: h = 3.75 → 39 + 0.75 × (40 − 39) = 39.75
		{"SixValues", []float64{40, 7, 41, 15, 39, 36},
			Stats{N: 6, Min: 7, Max: 41, Mean: 178.0 / 6, Median: 37.5, Q1: 20.25, Q3: 39.75}, true},
		// Ten neighbours 10, 20, …, 100: h = 9p.
		// Q1: h = 2.25 → 30 + 0.25 × 10 = 32.5
		// median: h = 4.5 → 50 + 0.5 × 10 = 55
		// Q3: h = 6.75 → 70 + 0.75 × 10 = 77.5; mean 550 / 10 = 55
		{"TenNeighbours", []float64{100, 90, 80, 70, 60, 50, 40, 30, 20, 10},
			Stats{N: 10, Min: 10, Max: 100, Mean: 55, Median: 55, Q1: 32.5, Q3: 77.5}, true},
		// One value is every statistic.
		{"OneValue", []float64{5}, Stats{N: 1, Min: 5, Max: 5, Mean: 5, Median: 5, Q1: 5, Q3: 5}, true},
		// NaN is ignored, leaving 2 4 (h = p):
		// Q1: 2 + 0.25 × 2 = 2.5; median 3; Q3: 2 + 0.75 × 2 = 3.5.
		{"NaNIgnored", []float64{math.NaN(), 4, 2},
			Stats{N: 2, Min: 2, Max: 4, Mean: 3, Median: 3, Q1: 2.5, Q3: 3.5}, true},
		{"Empty", nil, Stats{}, false},
		{"OnlyNaN", []float64{math.NaN()}, Stats{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Summarise(tt.values)
			w := tt.want
			if ok != tt.ok || got.N != w.N || !near(got.Min, w.Min) || !near(got.Max, w.Max) ||
				!near(got.Mean, w.Mean) || !near(got.Median, w.Median) || !near(got.Q1, w.Q1) || !near(got.Q3, w.Q3) {
				t.Fatalf("Summarise(%v) = %+v, %v; want %+v, %v", tt.values, got, ok, w, tt.ok)
			}
		})
	}
}

func TestSummariseLeavesInputAlone(t *testing.T) {
	in := []float64{3, 1, 2}
	Summarise(in)
	if in[0] != 3 || in[1] != 1 || in[2] != 2 {
		t.Fatalf("Summarise reordered its input: %v", in)
	}
}
