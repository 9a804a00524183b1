package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dates are read in one place. Typed text ("1 Nov 2025", "1 November
// 2025", "2025-11-01", "01/11/2025") goes through ParseDate; the GOV.UK
// date input's three fields (day, month, year) through DateFromParts.
// Both give midnight UTC on the day. Dates are written for people by
// DateLabel: "1 Nov 2025".

// monthNames maps English month names and their common abbreviations
// ("Nov", "Sept") to months.
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{"sept": time.September}
	for i := time.January; i <= time.December; i++ {
		full := strings.ToLower(i.String())
		m[full] = i
		m[full[:3]] = i
	}
	return m
}()

// MonthNamed reads an English month name or abbreviation ("Nov",
// "november", "Sept."), ignoring case and a trailing full stop.
func MonthNamed(s string) (time.Month, bool) {
	m, ok := monthNames[strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), ".")]
	return m, ok
}

// DateLabel writes a day as people read it: "1 Nov 2025".
func DateLabel(t time.Time) string { return t.Format("2 Jan 2006") }

// ParseDate reads a date typed as text: "2025-11-01", "1 Nov 2025",
// "1 November 2025", "1 Nov, 2025", "01/11/2025" or "1/11/2025" (day
// first, as in the UK), "1-11-2025" or "1.11.2025". A time of day after an
// ISO date ("2025-11-01T09:00:00Z") is ignored. The error says what was
// wrong in words.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, Errorf(EINVALID, "Enter a date, for example 1 Nov 2025")
	}
	if len(s) > 40 {
		return time.Time{}, Errorf(EINVALID, "%.40q… is not a date: write it like 1 Nov 2025", s)
	}
	if len(s) > 10 && s[4] == '-' && (s[10] == 'T' || s[10] == ' ') {
		s = s[:10]
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '/' || r == '-' || r == '.' || r == ',' })
	if len(parts) != 3 {
		return time.Time{}, Errorf(EINVALID, "%q is not a date: write it like 1 Nov 2025 or 2025-11-01", s)
	}
	day, month, year := parts[0], parts[1], parts[2]
	if len(parts[0]) == 4 { // 2025-11-01
		year, day = parts[0], parts[2]
	}
	t, derr := DateFromParts(day, month, year)
	if derr != nil {
		return time.Time{}, Errorf(EINVALID, "%q is not a date: %s", s, strings.TrimPrefix(derr.Message, "Enter a real date: "))
	}
	return t, nil
}

// DateError is a problem with a date typed in the three fields of a
// GOV.UK date input: Part is the field to highlight ("day", "month",
// "year"), or "" for the whole date.
type DateError struct {
	Part    string
	Message string
}

func (e *DateError) Error() string { return e.Message }

// DateFromParts reads the day, month and year fields of a GOV.UK date
// input. The month may be a number or a name ("Nov"); the year has four
// digits. Each error names the field and what it must be, such as "Enter
// a real date: month must be 1–12".
func DateFromParts(day, month, year string) (time.Time, *DateError) {
	day, month, year = strings.TrimSpace(day), strings.TrimSpace(month), strings.TrimSpace(year)
	switch {
	case day == "" && month == "" && year == "":
		return time.Time{}, &DateError{"", "Enter the date"}
	case day == "":
		return time.Time{}, &DateError{"day", "The date must include a day"}
	case month == "":
		return time.Time{}, &DateError{"month", "The date must include a month"}
	case year == "":
		return time.Time{}, &DateError{"year", "The date must include a year"}
	}
	m, err := strconv.Atoi(month)
	if err != nil {
		mon, ok := MonthNamed(month)
		if !ok {
			return time.Time{}, &DateError{"month", "Enter a real date: month must be 1–12 or a month's name"}
		}
		m = int(mon)
	}
	if m < 1 || m > 12 {
		return time.Time{}, &DateError{"month", "Enter a real date: month must be 1–12"}
	}
	y, err := strconv.Atoi(year)
	if err != nil || len(year) != 4 {
		return time.Time{}, &DateError{"year", "Enter a real date: year must have 4 digits, for example 2025"}
	}
	if y < 1900 || y > 2200 {
		return time.Time{}, &DateError{"year", "Enter a real date: year must be between 1900 and 2200"}
	}
	d, err := strconv.Atoi(day)
	last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if err != nil || d < 1 || d > last {
		return time.Time{}, &DateError{"day", fmt.Sprintf("Enter a real date: day must be 1–%d in %s %d", last, time.Month(m), y)}
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), nil
}
