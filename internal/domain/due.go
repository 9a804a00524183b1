package domain

import "time"

// DueDate is the day a month's return is due: the given day of the month
// after m (the return for November 2026 is due on 20 December 2026 with
// day 20), as midnight UTC at the start of that day. A day beyond the
// end of that month means its last day; a day below 1 means the 1st.
func DueDate(m Month, day int) time.Time {
	next := m.Add(1)
	last := next.Add(1).Start().AddDate(0, 0, -1).Day()
	day = min(max(day, 1), last)
	return time.Date(next.Year, next.Month, day, 0, 0, 0, 0, time.UTC)
}

// PastDue reports whether a return due on due (as DueDate gives it) is
// late at time now: a return due by 20 December is late from the start of
// 21 December.
func PastDue(due, now time.Time) bool {
	return !now.UTC().Before(due.AddDate(0, 0, 1))
}

// Return states of one council's return for one month, as the returns
// tracker shows them.
const (
	// ReturnMissing: no current return.
	ReturnMissing = "missing"
	// ReturnPartial: a current return that lacks a figure for one or more
	// required indicators (a bulk load may leave them out).
	ReturnPartial = "partial"
	// ReturnComplete: every required indicator has a figure and the upload
	// behind it raised no queries.
	ReturnComplete = "complete"
	// ReturnExplained: complete, and the upload behind it raised queries
	// that were explained.
	ReturnExplained = "complete_with_explained_queries"
	// ReturnWaiting: an upload covering the council and month waits for
	// explanations of its queries; it takes precedence over the others.
	ReturnWaiting = "waiting_for_explanations"
)

// ReturnStates lists the return states in the order the tracker counts
// them.
var ReturnStates = []string{ReturnMissing, ReturnPartial, ReturnWaiting, ReturnExplained, ReturnComplete}

// ReturnStateLabel names a return state for people.
func ReturnStateLabel(state string) string {
	switch state {
	case ReturnMissing:
		return "Missing"
	case ReturnPartial:
		return "Partial"
	case ReturnComplete:
		return "Complete"
	case ReturnExplained:
		return "Complete, queries explained"
	case ReturnWaiting:
		return "Waiting for explanations"
	}
	return state
}

// Chased reports whether a return in this state still needs something
// from the council, so that it is overdue once its due date has passed.
func Chased(state string) bool {
	return state == ReturnMissing || state == ReturnPartial || state == ReturnWaiting
}
