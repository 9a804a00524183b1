package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// parseMinChange reads the smallest change that can raise a query, as the
// serve and import commands take it: for counts (-min-change,
// RESILIENCE_MIN_CHANGE) a number of children or cases, for percentages
// (-min-change-points, RESILIENCE_MIN_CHANGE_POINTS) percentage points.
// "" keeps the default (0 to the intake); "0" means no minimum (a
// negative value to the intake), so that any change beyond the tolerance
// is queried.
func parseMinChange(s, what, example string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1e6 {
		return 0, fmt.Errorf("%s %q: write the smallest change that raises a query as a number of 0 or more, for example %s (0 for no minimum)", what, s, example)
	}
	if v == 0 {
		return -1, nil
	}
	return v, nil
}

// minChanges reads both minimums.
func minChanges(count, points string) (minCount, minPoints float64, err error) {
	if minCount, err = parseMinChange(count, "minimum change", "10"); err != nil {
		return 0, 0, err
	}
	if minPoints, err = parseMinChange(points, "minimum change in percentage points", "2"); err != nil {
		return 0, 0, err
	}
	return minCount, minPoints, nil
}

// changesPrinted caps the changed figures the import command prints.
const changesPrinted = 20

// printChanges writes what a resubmission changes: the figures that
// differ from the returns it replaces, old and new.
func printChanges(w io.Writer, c *domain.Changes) {
	if c == nil {
		return
	}
	months, figures := "council-months", "figures differ"
	if c.Replaced == 1 {
		months = "council-month"
	}
	if c.Total() == 1 {
		figures = "figure differs"
	}
	fmt.Fprintf(w, "  Replaces the returns held for %d %s; %d %s:\n", c.Replaced, months, c.Total(), figures)
	for i, ch := range c.List {
		if i == changesPrinted {
			fmt.Fprintf(w, "    and %d more\n", c.Total()-changesPrinted)
			break
		}
		old := "new"
		if ch.Old != nil {
			old = strconv.FormatFloat(*ch.Old, 'f', -1, 64)
		}
		where := ch.Cell
		if ch.Sheet != "" {
			where = ch.Sheet + "!" + ch.Cell
		}
		fmt.Fprintf(w, "    %-12s council %d, %s, %s: %s → %s\n", where, ch.Council, ch.Indicator, ch.Month, old, strconv.FormatFloat(ch.New, 'f', -1, 64))
	}
}
