package analytics

import (
	"maps"
	"math"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

func TestRank(t *testing.T) {
	// LA numbers 201..204 with values 10, 20, 20, 30.
	vals := map[int]float64{201: 10, 202: 20, 203: 20, 204: 30}
	tests := []struct {
		name     string
		values   map[int]float64
		polarity string
		want     map[int]int
	}{
		// Lowest is best; the two 20s share rank 2 and rank 3 is skipped.
		{"HigherWorse", vals, domain.HigherWorse, map[int]int{201: 1, 202: 2, 203: 2, 204: 4}},
		// Highest is best: 30 first, the 20s share 2, 10 is 4th.
		{"HigherBetter", vals, domain.HigherBetter, map[int]int{204: 1, 202: 2, 203: 2, 201: 4}},
		// Neutral ranks like higher-better: the largest value is rank 1.
		{"Neutral", vals, domain.Neutral, map[int]int{204: 1, 202: 2, 203: 2, 201: 4}},
		// Everyone equal: everyone first.
		{"AllTied", map[int]float64{1: 5, 2: 5, 3: 5}, domain.HigherWorse, map[int]int{1: 1, 2: 1, 3: 1}},
		// Ties at the bottom: 1, 2, then the two 9s share 3.
		{"TieAtBottom", map[int]float64{1: 1, 2: 2, 3: 9, 4: 9}, domain.HigherWorse, map[int]int{1: 1, 2: 2, 3: 3, 4: 3}},
		// NaN gets no rank and takes no place: 3 then 7.
		{"NaNLeftOut", map[int]float64{1: 7, 2: math.NaN(), 3: 3}, domain.HigherWorse, map[int]int{3: 1, 1: 2}},
		{"Empty", map[int]float64{}, domain.HigherWorse, map[int]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Rank(tt.values, tt.polarity); !maps.Equal(got, tt.want) {
				t.Fatalf("Rank = %v; want %v", got, tt.want)
			}
		})
	}
}

func TestQuartileBand(t *testing.T) {
	b := Bands{Q1: 10, Median: 20, Q3: 30}
	tests := []struct {
		value    float64
		polarity string
		want     string
	}{
		// Higher is worse: A ≤ 10 < B ≤ 20 < C ≤ 30 < D.
		{5, domain.HigherWorse, "A"},
		{10, domain.HigherWorse, "A"}, // on Q1: the better band
		{10.5, domain.HigherWorse, "B"},
		{20, domain.HigherWorse, "B"}, // on the median: the better band
		{25, domain.HigherWorse, "C"},
		{30, domain.HigherWorse, "C"}, // on Q3: the better band
		{31, domain.HigherWorse, "D"},
		// Higher is better: A ≥ 30 > B ≥ 20 > C ≥ 10 > D.
		{35, domain.HigherBetter, "A"},
		{30, domain.HigherBetter, "A"}, // on Q3: the better band
		{29, domain.HigherBetter, "B"},
		{20, domain.HigherBetter, "B"}, // on the median
		{15, domain.HigherBetter, "C"},
		{10, domain.HigherBetter, "C"}, // on Q1
		{9, domain.HigherBetter, "D"},
		// Neutral: A is the highest quarter, D the lowest.
		{30, domain.Neutral, "A"},
		{20, domain.Neutral, "B"},
		{10, domain.Neutral, "C"},
		{0, domain.Neutral, "D"},
		{math.NaN(), domain.HigherWorse, ""},
	}
	for _, tt := range tests {
		if got := QuartileBand(tt.value, b, tt.polarity); got != tt.want {
			t.Errorf("QuartileBand(%v, %s) = %q; want %q", tt.value, tt.polarity, got, tt.want)
		}
	}
}

func TestBandsOfSplitsEightCouncilsTwoByTwo(t *testing.T) {
	// Values 1..8, n = 8, h = 7p:
	// Q1: h = 1.75 → 2 + 0.75 = 2.75; median: h = 3.5 → 4.5;
	// Q3: h = 5.25 → 6 + 0.25 = 6.25.
	// Higher is worse, so 1, 2 → A; 3, 4 → B; 5, 6 → C; 7, 8 → D.
	vals := map[int]float64{}
	for i := 1; i <= 8; i++ {
		vals[i] = float64(i)
	}
	b, ok := BandsOfMap(vals)
	if !ok || !near(b.Q1, 2.75) || !near(b.Median, 4.5) || !near(b.Q3, 6.25) {
		t.Fatalf("BandsOfMap = %+v, %v; want {2.75 4.5 6.25}, true", b, ok)
	}
	want := []string{"", "A", "A", "B", "B", "C", "C", "D", "D"}
	for i := 1; i <= 8; i++ {
		if got := QuartileBand(vals[i], b, domain.HigherWorse); got != want[i] {
			t.Errorf("value %d: band %q; want %q", i, got, want[i])
		}
	}
	if _, ok := BandsOf(nil); ok {
		t.Fatal("BandsOf(nil) must not be ok")
	}
}

// BenchmarkRankAndBand ranks and bands 153 councils on 24 indicators, a
// whole month's league tables.
func BenchmarkRankAndBand(b *testing.B) {
	const councils, indicators = 153, 24
	polarities := []string{domain.HigherWorse, domain.HigherBetter, domain.Neutral}
	data := make([]map[int]float64, indicators)
	seed := uint32(1)
	for i := range data {
		data[i] = make(map[int]float64, councils)
		for c := 0; c < councils; c++ {
			// A small LCG: deterministic values with some ties.
			seed = seed*1664525 + 1013904223
			data[i][201+c] = float64(seed>>20) / 16
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for i, vals := range data {
			pol := polarities[i%len(polarities)]
			ranks := Rank(vals, pol)
			bands, _ := BandsOfMap(vals)
			for la, v := range vals {
				_ = QuartileBand(v, bands, pol)
				_ = ranks[la]
			}
		}
	}
}
