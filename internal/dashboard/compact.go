package dashboard

import (
	"math"
	"slices"

	"github.com/resilience-dashboard/resilience/internal/analytics"
)

// series is one council's stored figures of one indicator, month by month:
// a dense run of values from the first month held, NaN where a month has
// none. It takes a fifth of the memory of a map of months, which is what
// lets 1.5 million figures live in under 100 MB. A nil *series holds
// nothing.
type series struct {
	first int // month index of vals[0]
	vals  []float64
	n     int // months with a value
}

// at is the figure for month index idx.
func (s *series) at(idx int) (float64, bool) {
	if s == nil {
		return 0, false
	}
	i := idx - s.first
	if i < 0 || i >= len(s.vals) || math.IsNaN(s.vals[i]) {
		return 0, false
	}
	return s.vals[i], true
}

// set stores v for month index idx, growing the run as needed.
func (s *series) set(idx int, v float64) {
	switch {
	case len(s.vals) == 0:
		s.first, s.vals = idx, []float64{v}
		s.n = 1
		return
	case idx < s.first:
		grown := make([]float64, s.first-idx+len(s.vals))
		for i := range s.first - idx {
			grown[i] = math.NaN()
		}
		copy(grown[s.first-idx:], s.vals)
		s.first, s.vals = idx, grown
	case idx >= s.first+len(s.vals):
		for range idx - s.first - len(s.vals) + 1 {
			s.vals = append(s.vals, math.NaN())
		}
	}
	i := idx - s.first
	if math.IsNaN(s.vals[i]) {
		s.n++
	}
	s.vals[i] = v
}

// del forgets month index idx.
func (s *series) del(idx int) {
	i := idx - s.first
	if i >= 0 && i < len(s.vals) && !math.IsNaN(s.vals[i]) {
		s.vals[i] = math.NaN()
		s.n--
	}
}

// len is how many months hold a figure.
func (s *series) len() int {
	if s == nil {
		return 0
	}
	return s.n
}

// each calls fn for every month held, oldest first.
func (s *series) each(fn func(idx int, v float64)) {
	if s == nil {
		return
	}
	for i, v := range s.vals {
		if !math.IsNaN(v) {
			fn(s.first+i, v)
		}
	}
}

// latest is the latest month index held.
func (s *series) latest() (int, bool) {
	if s == nil {
		return 0, false
	}
	for i := len(s.vals) - 1; i >= 0; i-- {
		if !math.IsNaN(s.vals[i]) {
			return s.first + i, true
		}
	}
	return 0, false
}

// clone copies s.
func (s *series) clone() *series {
	if s == nil {
		return &series{}
	}
	return &series{first: s.first, vals: slices.Clone(s.vals), n: s.n}
}

// toSeries is s as the analytics package takes a series.
func (s *series) toSeries() analytics.Series {
	out := make(analytics.Series, s.len())
	s.each(func(idx int, v float64) { out[idx] = v })
	return out
}

// Held is how many months of an indicator a council has figures for.
func (d *Snapshot) Held(code string, council int) int { return d.Values[code][council].len() }
