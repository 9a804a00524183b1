package analytics

import (
	"math"
	"strconv"
)

// The small-number rules of SECURITY D1. These functions only say what a
// suppressed or rounded figure looks like; which users see raw figures (the
// council itself, LGA officers) is decided by the web layer, so nothing
// here knows about roles.

// SuppressedMarker is DfE's symbol for a figure withheld to protect
// individuals.
const SuppressedMarker = "c"

// SuppressCount returns how a count is shown to someone who may not see
// small numbers: counts from 1 to 5 inclusive show as "c" (DfE's children
// in need rule) and suppressed is true; 0 is shown as "0", because knowing
// that no child is affected identifies nobody. Counts are whole numbers, but
// any value above 0 and up to 5 is suppressed, so a fraction cannot slip
// through. Other values are shown in plain digits (no thousands separator;
// formatting is for the page). A NaN or infinite value shows as DfE's "x"
// (not available).
func SuppressCount(v float64) (shown string, suppressed bool) {
	if !finite(v) {
		return "x", false
	}
	if smallCount(v) {
		return SuppressedMarker, true
	}
	return strconv.FormatFloat(v, 'f', -1, 64), false
}

// SuppressRate reports whether a rate or percentage built on count must be
// suppressed too: it must whenever the count itself is, or the rate and the
// published population would give the count back.
func SuppressRate(count float64) bool { return smallCount(count) }

// smallCount is the one definition of a small number, shared by counts and
// the rates built on them.
func smallCount(v float64) bool { return v > 0 && v <= 5 }

// RoundTo10 rounds a regional or England total to the nearest 10 for users
// outside the council and the LGA, so a suppressed council figure cannot be
// recovered by subtracting the others from the total. Halves round away
// from zero (15 → 20, 25 → 30, -15 → -20; 14 → 10), the common convention
// and that of Excel's ROUND, rather than to even, so that the rule is easy
// to state to users. It never returns negative zero.
func RoundTo10(v float64) float64 {
	r := math.Round(v/10) * 10
	if r == 0 {
		return 0
	}
	return r
}
