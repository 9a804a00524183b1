package domain

// Change is one figure that a resubmission changes: the value held in the
// return it replaces (Old, nil when that return had no such figure) and
// the value in the new file.
type Change struct {
	// Sheet and Cell are where the new figure is, when known.
	Sheet     string   `json:"sheet,omitempty"`
	Cell      string   `json:"cell,omitempty"`
	Council   int      `json:"la_number"`
	Indicator string   `json:"indicator"`
	Month     string   `json:"month"`
	Old       *float64 `json:"old"`
	New       float64  `json:"new"`
}

// Changes is what a resubmission changes, as found when it was checked:
// the first figures that differ (a bulk file's list is capped; More counts
// the rest) and how many council-months it covers that already held a
// return. Replaced is 0 for an upload that replaces nothing.
type Changes struct {
	List     []Change `json:"figures"`
	More     int      `json:"more,omitempty"`
	Replaced int      `json:"replaced_returns"`
}

// Total is how many figures differ.
func (c Changes) Total() int { return len(c.List) + c.More }
