package analytics

import (
	"math"
	"slices"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Quartile bands, LAIT's letters: A is the best quarter of councils by the
// indicator's polarity and D the worst. For a neutral indicator A holds the
// highest values and D the lowest, and pages show those bands without any
// good or bad colouring.
const (
	BandA = "A"
	BandB = "B"
	BandC = "C"
	BandD = "D"
)

// highFirst reports whether rank 1 and band A go to the highest value.
// Only "higher is worse" puts the lowest value first; higher-is-better and
// neutral indicators (and, defensively, an unknown polarity) put the
// highest first, so a neutral ranking reads as "largest first" like a
// league table of volumes.
func highFirst(polarity string) bool { return polarity != domain.HigherWorse }

// Rank ranks councils (keyed by LA number) on one indicator, rank 1 being
// the best by polarity: the lowest value when higher is worse, the highest
// when higher is better, and the highest for a neutral indicator.
//
// It uses standard competition ranking: equal values share the better rank
// and the next rank skips, so values 10, 20, 20, 30 (higher worse) rank
// 1, 2, 2, 4, and the last rank still says how many councils are ahead.
// Values are compared exactly; a caller that wants values that look equal
// on screen to tie should round them to the displayed precision first.
// NaN and infinite values get no rank (they are absent from the result).
func Rank(values map[int]float64, polarity string) map[int]int {
	type kv struct {
		key int
		v   float64
	}
	xs := make([]kv, 0, len(values))
	for k, v := range values {
		if finite(v) {
			xs = append(xs, kv{k, v})
		}
	}
	high := highFirst(polarity)
	slices.SortFunc(xs, func(a, b kv) int {
		// Best first; ties by LA number only so that the sort is
		// deterministic, which does not affect the ranks given.
		switch {
		case a.v == b.v:
			return a.key - b.key
		case (a.v > b.v) == high:
			return -1
		default:
			return 1
		}
	})
	out := make(map[int]int, len(xs))
	for i, x := range xs {
		if i > 0 && x.v == xs[i-1].v {
			out[x.key] = out[xs[i-1].key]
			continue
		}
		out[x.key] = i + 1
	}
	return out
}

// Bands holds the thresholds between quartile bands: the lower quartile,
// the median and the upper quartile of all councils' values, as Summarise
// computes them.
type Bands struct{ Q1, Median, Q3 float64 }

// BandsOf computes band thresholds from all councils' values for one
// indicator and month. ok is false when there are no values.
func BandsOf(values []float64) (Bands, bool) {
	s, ok := Summarise(values)
	if !ok {
		return Bands{}, false
	}
	return Bands{Q1: s.Q1, Median: s.Median, Q3: s.Q3}, true
}

// BandsOfMap is BandsOf for values keyed by council, the shape Rank takes.
func BandsOfMap(values map[int]float64) (Bands, bool) {
	xs := make([]float64, 0, len(values))
	for _, v := range values {
		xs = append(xs, v)
	}
	return BandsOf(xs)
}

// QuartileBand places value in band "A" (best) to "D" (worst) by polarity.
//
// A value exactly on a threshold goes in the better band, consistent with
// Rank giving ties the better rank: when higher is worse, A is value ≤ Q1,
// B is ≤ Median, C is ≤ Q3 and D is above Q3; when higher is better (and
// for neutral indicators, where A is simply the highest), A is value ≥ Q3,
// B is ≥ Median, C is ≥ Q1 and D is below Q1. Because of that rule and of
// ties, bands need not hold exactly a quarter of councils each. NaN gives "".
func QuartileBand(value float64, b Bands, polarity string) string {
	if math.IsNaN(value) {
		return ""
	}
	if highFirst(polarity) {
		switch {
		case value >= b.Q3:
			return BandA
		case value >= b.Median:
			return BandB
		case value >= b.Q1:
			return BandC
		}
		return BandD
	}
	switch {
	case value <= b.Q1:
		return BandA
	case value <= b.Median:
		return BandB
	case value <= b.Q3:
		return BandC
	}
	return BandD
}
