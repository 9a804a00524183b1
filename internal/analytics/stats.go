package analytics

import (
	"math"
	"slices"
)

// Stats summarises a set of values, such as a council's ten statistical
// neighbours or all 153 councils in a month.
type Stats struct {
	N                              int
	Min, Max, Mean, Median, Q1, Q3 float64
}

// Summarise returns the count, range, mean, median and quartiles of values.
// Values that are NaN or infinite are ignored (a missing figure is left out,
// never counted as zero) and N counts those used; ok is false when none is
// left.
//
// Quartiles and the median use linear interpolation between order
// statistics, the method of Excel's QUARTILE.INC and PERCENTILE.INC and R's
// quantile type 7 (R's default): for a proportion p of n sorted values
// x[0..n-1], h = (n-1)p and Q(p) = x[⌊h⌋] + (h-⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋]).
// Analysts checking a figure in a spreadsheet then get the same number.
func Summarise(values []float64) (Stats, bool) {
	xs := make([]float64, 0, len(values))
	var sum float64
	for _, v := range values {
		if finite(v) {
			xs = append(xs, v)
			sum += v
		}
	}
	if len(xs) == 0 {
		return Stats{}, false
	}
	slices.Sort(xs)
	return Stats{
		N:      len(xs),
		Min:    xs[0],
		Max:    xs[len(xs)-1],
		Mean:   sum / float64(len(xs)),
		Median: quantile7(xs, 0.5),
		Q1:     quantile7(xs, 0.25),
		Q3:     quantile7(xs, 0.75),
	}, true
}

// quantile7 is the R type 7 quantile of sorted, non-empty xs.
func quantile7(xs []float64, p float64) float64 {
	h := float64(len(xs)-1) * p
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(xs) {
		return xs[len(xs)-1]
	}
	return xs[i] + (h-lo)*(xs[i+1]-xs[i])
}
