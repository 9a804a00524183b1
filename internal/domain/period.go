package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Month is a calendar month, the period of every monthly return. Its zero
// value is not a valid month.
type Month struct {
	Year  int
	Month time.Month
}

// FirstMonth is the earliest month the product accepts data for.
var FirstMonth = Month{2017, time.January}

// MonthOf returns the month containing t.
func MonthOf(t time.Time) Month { return Month{t.Year(), t.Month()} }

// ParseMonth reads a month written as YYYY-MM.
func ParseMonth(s string) (Month, error) {
	s = strings.TrimSpace(s)
	if len(s) != 7 || s[4] != '-' {
		return Month{}, Errorf(EINVALID, "%q is not a month written as YYYY-MM", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || m < 1 || m > 12 || y < 1900 || y > 9999 {
		return Month{}, Errorf(EINVALID, "%q is not a month written as YYYY-MM", s)
	}
	return Month{y, time.Month(m)}, nil
}

// String writes the month as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Label writes the month as people read it, e.g. "Jan 2021".
func (m Month) Label() string { return m.Start().Format("Jan 2006") }

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m.Year == 0 }

// Start returns midnight UTC on the first day of the month.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// Add returns the month n months after m (before, for negative n).
func (m Month) Add(n int) Month { return MonthOf(m.Start().AddDate(0, n, 0)) }

// Before reports whether m is earlier than o.
func (m Month) Before(o Month) bool { return m.Index() < o.Index() }

// Index numbers months consecutively, so differences count months.
func (m Month) Index() int { return m.Year*12 + int(m.Month) - 1 }

// FinancialYearStart is the calendar year in which the financial year
// (April to March) containing m began: January 2024 gives 2023.
func (m Month) FinancialYearStart() int {
	if m.Month < time.April {
		return m.Year - 1
	}
	return m.Year
}

// LastComplete returns the last month that has fully ended at time now.
func LastComplete(now time.Time) Month { return MonthOf(now.UTC()).Add(-1) }

// MonthsBetween lists every month from first to last inclusive.
func MonthsBetween(first, last Month) []Month {
	var out []Month
	for m := first; !last.Before(m); m = m.Add(1) {
		out = append(out, m)
	}
	return out
}
