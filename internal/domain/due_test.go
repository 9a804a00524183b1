package domain

import (
	"testing"
	"time"
)

func TestDueDate(t *testing.T) {
	for _, tt := range []struct {
		month string
		day   int
		want  string
	}{
		{"2026-11", 20, "2026-12-20"},
		{"2026-12", 20, "2027-01-20"}, // into the next year
		{"2024-01", 31, "2024-02-29"}, // beyond the end of a leap February
		{"2023-01", 30, "2023-02-28"},
		{"2026-11", 0, "2026-12-01"},
		{"2026-03", 1, "2026-04-01"},
	} {
		m, err := ParseMonth(tt.month)
		if err != nil {
			t.Fatal(err)
		}
		if got := DueDate(m, tt.day).Format(time.DateOnly); got != tt.want {
			t.Errorf("DueDate(%s, %d) = %s; want %s", tt.month, tt.day, got, tt.want)
		}
	}
}

func TestPastDue(t *testing.T) {
	due := DueDate(Month{2026, time.November}, 20)
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 12, 19, 23, 59, 0, 0, time.UTC), false},
		{time.Date(2026, 12, 20, 23, 59, 59, 0, time.UTC), false}, // still the due day
		{time.Date(2026, 12, 21, 0, 0, 0, 0, time.UTC), true},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC), true},
	} {
		if got := PastDue(due, tt.now); got != tt.want {
			t.Errorf("PastDue(%s, %s) = %v; want %v", due.Format(time.DateOnly), tt.now, got, tt.want)
		}
	}
}
