package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

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
