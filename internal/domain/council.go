package domain

import (
	"strconv"
	"strings"
)

// Council is a local authority with children's services responsibilities,
// identified by its DfE LA number (e.g. 202 for Camden).
type Council struct {
	Number     int    `db:"la_number" json:"la_number"`
	ONSCode    string `db:"ons_code" json:"ons_code"`
	Name       string `db:"name" json:"name"`
	RegionCode string `db:"region_code" json:"region_code"`
	RegionName string `db:"region_name" json:"region_name"`
	// Current is false for predecessors (e.g. Northamptonshire, 928) that
	// are kept so that older official figures still have a home.
	Current bool `db:"current" json:"current"`
	// StartDate and EndDate are ISO dates; EndDate is empty while current.
	StartDate string `db:"start_date" json:"start_date"`
	EndDate   string `db:"end_date" json:"end_date,omitempty"`
	// Successors lists, space-separated, the LA numbers that replaced a
	// predecessor.
	Successors string `db:"successors" json:"successors,omitempty"`
}

// CouncilCode maps an ONS code, current or retired, to a DfE LA number, so
// that Barnsley resolves by both E08000016 and E08000038.
type CouncilCode struct {
	ONSCode   string `db:"ons_code" json:"ons_code"`
	Number    int    `db:"la_number" json:"la_number"`
	ValidFrom string `db:"valid_from" json:"valid_from"`
	ValidTo   string `db:"valid_to" json:"valid_to,omitempty"`
}

// Population is the ONS mid-year estimate of children aged 0 to 17 in an
// area. Level is "national", "regional" or "council"; Area is the ONS code
// for national and regional rows and the LA number (as text) for councils.
type Population struct {
	Level    string `db:"level" json:"level"`
	Area     string `db:"area" json:"area"`
	Year     int    `db:"year" json:"year"`
	Children int64  `db:"children" json:"children"`
}

// Neighbour is one of a council's ten statistical neighbours (DfE model),
// Rank 1 being the closest.
type Neighbour struct {
	Council   int    `db:"la_number" json:"la_number"`
	Rank      int    `db:"rank" json:"rank"`
	Neighbour int    `db:"neighbour" json:"neighbour"`
	Closeness string `db:"closeness" json:"closeness"`
}

// TimelineEvent is a dated event or phase drawn on every trend chart. End
// equals Start for a single-day event.
type TimelineEvent struct {
	ID          int64  `db:"id" json:"id"`
	Start       string `db:"starts" json:"start"`
	End         string `db:"ends" json:"end"`
	Kind        string `db:"kind" json:"kind"` // "event", "lockdown" or "phase"
	Label       string `db:"label" json:"label"`
	Description string `db:"description" json:"description,omitempty"`
}

// FirstMonth is the first month the council existed, or the zero Month
// when its start date is unknown (it then counts as always having
// existed).
func (c Council) FirstMonth() Month { return monthOfDate(c.StartDate) }

// LastMonth is the last month the council existed, or the zero Month
// while it is current.
func (c Council) LastMonth() Month { return monthOfDate(c.EndDate) }

// ExistedIn reports whether the council existed for the whole of month m:
// a council that began on 1 April 2019 exists from April 2019, one that
// ended on 31 March 2019 exists up to March 2019.
func (c Council) ExistedIn(m Month) bool {
	if first := c.FirstMonth(); !first.IsZero() && m.Before(first) {
		return false
	}
	if last := c.LastMonth(); !last.IsZero() && last.Before(m) {
		return false
	}
	return true
}

// Lifetime describes the months the council existed, for messages:
// "from Apr 2019", "Jan 2009 to Mar 2021".
func (c Council) Lifetime() string {
	first, last := c.FirstMonth(), c.LastMonth()
	switch {
	case first.IsZero() && last.IsZero():
		return "throughout"
	case last.IsZero():
		return "from " + first.Label()
	case first.IsZero():
		return "until " + last.Label()
	}
	return first.Label() + " to " + last.Label()
}

// SuccessorNumbers returns the LA numbers of the councils that replaced a
// predecessor, in order.
func (c Council) SuccessorNumbers() []int {
	var out []int
	for _, f := range strings.Fields(c.Successors) {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// monthOfDate is the month of an ISO date ("2019-03-31"), or the zero
// Month for "" or a date that cannot be read.
func monthOfDate(s string) Month {
	if len(s) < 7 {
		return Month{}
	}
	m, err := ParseMonth(s[:7])
	if err != nil {
		return Month{}
	}
	return m
}

// CheckExisted returns nil when the council existed in month m, and
// otherwise an EINVALID error that names the council, the month, its
// lifetime and the councils to use instead: its successors after it
// ended, its predecessors before it began. all lists every council, to
// name them.
func (c Council) CheckExisted(m Month, all []Council) error {
	if c.ExistedIn(m) {
		return nil
	}
	name := func(co Council) string { return co.Name + " (" + strconv.Itoa(co.Number) + ")" }
	byNumber := map[int]Council{}
	for _, co := range all {
		byNumber[co.Number] = co
	}
	var others []string
	var verb string
	if first := c.FirstMonth(); !first.IsZero() && m.Before(first) {
		verb = "it replaced"
		for _, co := range all {
			for _, s := range co.SuccessorNumbers() {
				if s == c.Number {
					others = append(others, name(co))
				}
			}
		}
	} else {
		verb = "it was succeeded by"
		for _, n := range c.SuccessorNumbers() {
			if co, ok := byNumber[n]; ok {
				others = append(others, name(co))
			} else {
				others = append(others, strconv.Itoa(n))
			}
		}
	}
	msg := name(c) + " did not exist in " + m.Start().Format("January 2006") + ": it existed " + c.Lifetime()
	if len(others) > 0 {
		msg += ", and " + verb + " " + strings.Join(others, " and ") + ", which " + map[bool]string{true: "holds", false: "hold"}[len(others) == 1] + " the figures for that month"
	}
	return Errorf(EINVALID, "%s.", msg)
}
