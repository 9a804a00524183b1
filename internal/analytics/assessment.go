package analytics

import "github.com/resilience-dashboard/resilience/internal/domain"

// ConditionsScore is a council's enabling-conditions score: the mean of its
// ratings (1 not in place to 4 strong) for the framework's three enabling
// conditions. The practical enablers and the challenges do not count
// towards it; EnablersScore gives the enablers' mean to show beside it. ok
// is false unless every condition is rated, so a partial assessment never
// passes for a weak one.
func ConditionsScore(a domain.Assessment, f *domain.Framework) (float64, bool) {
	return meanRating(a, f, domain.ItemCondition)
}

// EnablersScore is the mean rating of the three practical enablers, shown
// beside the conditions score but not part of it.
func EnablersScore(a domain.Assessment, f *domain.Framework) (float64, bool) {
	return meanRating(a, f, domain.ItemEnabler)
}

func meanRating(a domain.Assessment, f *domain.Framework, kind string) (float64, bool) {
	var sum float64
	n := 0
	for _, it := range f.ItemsOf(kind) {
		r := a.RatingOf(it.Code).Rating
		if r < domain.MinRating || r > domain.MaxRating {
			return 0, false
		}
		sum += float64(r)
		n++
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

// RatingStats summarises one item's ratings across a set of assessments
// (a council's statistical neighbours, or every council): items a
// council has not rated are left out. ok is false when nobody rated it.
func RatingStats(as []domain.Assessment, item string) (Stats, bool) {
	var vs []float64
	for _, a := range as {
		if r := a.RatingOf(item).Rating; r >= domain.MinRating && r <= domain.MaxRating {
			vs = append(vs, float64(r))
		}
	}
	return Summarise(vs)
}
