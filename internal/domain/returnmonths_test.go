package domain

import (
	"strings"
	"testing"
	"time"
)

// ReturnMonths decides the months a return may cover: 2017 to the last
// complete month, within the council's lifetime.
func TestReturnMonths(t *testing.T) {
	now := time.Date(2026, time.November, 2, 9, 0, 0, 0, time.UTC)
	northants := Council{Number: 928, Name: "Northamptonshire", StartDate: "2009-01-01", EndDate: "2021-03-31", Successors: "940 941"}
	north := Council{Number: 940, Name: "North Northamptonshire", StartDate: "2021-04-01", Current: true}
	dorset := Council{Number: 835, Name: "Dorset", StartDate: "1974-04-01", EndDate: "2019-03-31"}
	gone := Council{Number: 1, Name: "Gone", StartDate: "1974-04-01", EndDate: "2010-03-31"}
	cases := []struct {
		c           Council
		first, last string
	}{
		{Council{}, "2017-01", "2026-10"},
		{northants, "2017-01", "2021-03"},
		{north, "2021-04", "2026-10"},
		{dorset, "2017-01", "2019-03"},
		{gone, "2017-01", "2010-03"}, // none: last before first
	}
	for _, c := range cases {
		first, last := ReturnMonths(c.c, now)
		if first.String() != c.first || last.String() != c.last {
			t.Errorf("%s: %s to %s; want %s to %s", c.c.Name, first, last, c.first, c.last)
		}
	}

	all := []Council{northants, north}
	checks := []struct {
		c     Council
		month string
		want  string // "" for none
	}{
		{north, "2021-04", ""},
		{north, "2026-10", ""},
		{north, "2026-11", "November 2026 has not ended yet"},
		{Council{Number: 202, Name: "Camden"}, "2016-12", "Returns start in January 2017; December 2016 is too early"},
		{north, "2021-03", "North Northamptonshire (940) did not exist in March 2021"},
		{northants, "2021-04", "succeeded by North Northamptonshire (940)"},
		{northants, "2021-03", ""},
	}
	for _, c := range checks {
		m, _ := ParseMonth(c.month)
		err := CheckReturnMonth(c.c, m, now, all)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s %s: %v", c.c.Name, c.month, err)
		case c.want != "" && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), c.want)):
			t.Errorf("%s %s: %v; want %q", c.c.Name, c.month, err, c.want)
		}
	}
}
