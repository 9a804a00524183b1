package analytics

import (
	"math"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// AggregateRate is the rate per 10,000 children for an area made of several
// councils (a region, England): the sum of their counts times 10,000 over
// the sum of their populations. It is never a mean of the councils' rates,
// which would give a council of 20,000 children the same say as one of
// 300,000. See AggregateRateCoverage for the rules on which pairs count.
func AggregateRate(counts []float64, pops []int64) (rate float64, ok bool) {
	rate, _, ok = AggregateRateCoverage(counts, pops)
	return rate, ok
}

// AggregateRateCoverage is AggregateRate that also says how many councils
// contributed, so a page can show "based on 131 of 153 councils".
//
// counts[i] and pops[i] belong to the same council; the caller passes only
// councils that reported, because a missing return is not a zero. A pair
// whose count is not a finite number or whose population is zero or less is
// left out entirely (count and population together), so the numerator and
// denominator always cover the same children. ok is false when the slices
// differ in length or no pair is usable.
func AggregateRateCoverage(counts []float64, pops []int64) (rate float64, n int, ok bool) {
	if len(counts) != len(pops) {
		return 0, 0, false
	}
	var sumCount float64
	var sumPop int64
	for i, c := range counts {
		if !finite(c) || pops[i] <= 0 {
			continue
		}
		sumCount += c
		sumPop += pops[i]
		n++
	}
	if n == 0 {
		return 0, 0, false
	}
	return sumCount * 10000 / float64(sumPop), n, true
}

// AggregatePercent is the figure of an indicator shown as a percentage of
// another (re-referrals of referrals) for an area made of several councils:
// the sum of the councils' counts over the sum of the other counts, times
// 100, never a mean of their percentages. counts[i] and of[i] belong to
// the same council and month; a pair with a missing or non-positive
// denominator, or a count that is not a number, is left out whole. n is
// how many councils contributed.
func AggregatePercent(counts, of []float64) (pct float64, n int, ok bool) {
	if len(counts) != len(of) {
		return 0, 0, false
	}
	var num, den float64
	for i, c := range counts {
		if !finite(c) || !finite(of[i]) || of[i] <= 0 {
			continue
		}
		num += c
		den += of[i]
		n++
	}
	if n == 0 {
		return 0, 0, false
	}
	return num * 100 / den, n, true
}

// WeightedMean is the aggregate used for percentages and ratios (indicators
// with no denominator): the mean of the councils' values weighted by their
// children's population. DfE publishes national percentages from the
// underlying numerators and denominators (sessions, FTE posts, plans), which
// monthly returns do not carry; weighting by population is the honest
// approximation and pages should say so. Rules on pairs are those of
// WeightedMeanCoverage.
func WeightedMean(values []float64, weights []int64) (mean float64, ok bool) {
	mean, _, ok = WeightedMeanCoverage(values, weights)
	return mean, ok
}

// WeightedMeanCoverage is WeightedMean that also says how many councils
// contributed. As with AggregateRateCoverage, a pair whose value is not
// finite or whose weight is zero or less is left out, and ok is false when
// the slices differ in length or nothing is left.
func WeightedMeanCoverage(values []float64, weights []int64) (mean float64, n int, ok bool) {
	if len(values) != len(weights) {
		return 0, 0, false
	}
	var sum float64
	var sumW int64
	for i, v := range values {
		if !finite(v) || weights[i] <= 0 {
			continue
		}
		sum += v * float64(weights[i])
		sumW += weights[i]
		n++
	}
	if n == 0 {
		return 0, 0, false
	}
	return sum / float64(sumW), n, true
}

// Aggregate applies the right aggregate for an indicator, so that the rule
// lives in one place: a rate per 10,000 children from summed counts and
// populations (values are the councils' counts); for percentages and ratios
// the population-weighted mean (values are the councils' values); for a
// plain count with no denominator, the sum. An indicator shown as a
// percentage of another needs that other's counts: use AggregatePercent;
// here it has no figure. n is how many councils contributed.
func Aggregate(ind domain.Indicator, values []float64, pops []int64) (value float64, n int, ok bool) {
	switch {
	case ind.PercentOf() != "":
		return 0, 0, false
	case ind.PerChildren():
		return AggregateRateCoverage(values, pops)
	case ind.Unit == domain.UnitCount:
		// A count with no denominator adds up; population plays no part,
		// but the slices must still pair up.
		if len(values) != len(pops) {
			return 0, 0, false
		}
		var sum float64
		for _, v := range values {
			if finite(v) {
				sum += v
				n++
			}
		}
		return sum, n, n > 0
	default:
		return WeightedMeanCoverage(values, pops)
	}
}

// finite reports whether v is neither NaN nor infinite; such values can only
// come from a bug upstream and must not poison a sum.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
