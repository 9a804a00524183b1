// Package dashboard is the in-memory read model every page, download and
// API answer draws on: every current figure with the reference data the
// comparisons need, the viewer policy (who sees which figure: SECURITY D1
// suppression and rounding), comparisons, tiles, pressure points and the
// resilience matrix. It is built once from the database and then kept up
// incrementally: an accepted return changes only the council-months it
// touched and the aggregates that depend on them, in a new snapshot built
// aside and swapped in, so readers never wait for it. It knows nothing of
// HTTP: the web package turns its results into pages, CSV, Excel and JSON.
package dashboard

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Viewer says what small-number rules apply to a signed-in user (SECURITY
// D1): LGA officers and administrators see every figure; council staff see
// their own council's in full and other councils' counts of 1 to 5 as "c",
// with regional and England totals rounded to the nearest 10.
type Viewer struct {
	// Restricted is true for council staff.
	Restricted bool
	// Own is a restricted viewer's council.
	Own int
}

// ViewerOf returns the rules for a user; nil (signed out) sees in full,
// since signed-out users reach no figure.
func ViewerOf(u *domain.User) Viewer {
	if u != nil && u.Role.Scoped() {
		return Viewer{Restricted: true, Own: u.Council}
	}
	return Viewer{}
}

// Suppressed reports whether a council's figure must be hidden from v.
func (v Viewer) Suppressed(ind domain.Indicator, council int, count float64) bool {
	return v.Restricted && council != v.Own && ind.Unit == domain.UnitCount && analytics.SuppressRate(count)
}

// Figure is a number as shown: a value, or "c" when suppressed, or
// missing. It marshals to a JSON number, "c" or null.
type Figure struct {
	Value      float64
	OK         bool
	Suppressed bool
}

// Known is a figure with a value.
func Known(v float64) Figure { return Figure{Value: v, OK: true} }

// MarshalJSON writes the figure as a number rounded to four decimals,
// "c" or null.
func (f Figure) MarshalJSON() ([]byte, error) {
	switch {
	case f.Suppressed:
		return []byte(`"c"`), nil
	case !f.OK || math.IsNaN(f.Value) || math.IsInf(f.Value, 0):
		return []byte("null"), nil
	}
	return json.Marshal(RoundTo(f.Value, 4))
}

// Text writes the figure for tables and CSV files.
func (f Figure) Text(decimals int) string {
	switch {
	case f.Suppressed:
		return analytics.SuppressedMarker
	case !f.OK:
		return ""
	}
	return strconv.FormatFloat(RoundTo(f.Value, decimals), 'f', decimals, 64)
}

// RoundTo rounds v to the given number of decimals.
func RoundTo(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}
