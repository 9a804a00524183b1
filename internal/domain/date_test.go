package domain

import (
	"strings"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	nov1 := time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in      string
		want    time.Time
		wantErr string
	}{
		{"2025-11-01", nov1, ""},
		{"2025-11-01T14:05:00Z", nov1, ""},
		{"1 Nov 2025", nov1, ""},
		{"1 November 2025", nov1, ""},
		{" 1 nov 2025 ", nov1, ""},
		{"1 Nov, 2025", nov1, ""},
		{"01/11/2025", nov1, ""},
		{"1/11/2025", nov1, ""},
		{"1.11.2025", nov1, ""},
		{"30 Sept 2025", time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC), ""},
		{"29 Feb 2024", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), ""},
		{"", time.Time{}, "Enter a date"},
		{"Nov 2025", time.Time{}, "is not a date"},
		{"29 Feb 2025", time.Time{}, "day must be 1–28 in February 2025"},
		{"1/13/2025", time.Time{}, "month must be 1–12"},
		{"1 Novem 2025", time.Time{}, "month must be 1–12 or a month's name"},
		{"1 Nov 25", time.Time{}, "year must have 4 digits"},
		{"32/01/2025", time.Time{}, "day must be 1–31 in January 2025"},
		{"yesterday", time.Time{}, "is not a date"},
	}
	for _, c := range cases {
		got, err := ParseDate(c.in)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(ErrorMessage(err), c.wantErr) || ErrorCode(err) != EINVALID {
				t.Errorf("ParseDate(%q) = %v, %v; want an error saying %q", c.in, got, err, c.wantErr)
			}
			continue
		}
		if err != nil || !got.Equal(c.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

func TestDateFromParts(t *testing.T) {
	cases := []struct {
		day, month, year string
		want             string
		part, msg        string
	}{
		{"1", "11", "2025", "1 Nov 2025", "", ""},
		{"01", "Nov", "2025", "1 Nov 2025", "", ""},
		{"", "", "", "", "", "Enter the date"},
		{"", "11", "2025", "", "day", "The date must include a day"},
		{"1", "", "2025", "", "month", "The date must include a month"},
		{"1", "11", "", "", "year", "The date must include a year"},
		{"1", "13", "2025", "", "month", "Enter a real date: month must be 1–12"},
		{"31", "4", "2025", "", "day", "Enter a real date: day must be 1–30 in April 2025"},
		{"1", "1", "25", "", "year", "Enter a real date: year must have 4 digits, for example 2025"},
		{"x", "1", "2025", "", "day", "Enter a real date: day must be 1–31 in January 2025"},
	}
	for _, c := range cases {
		got, err := DateFromParts(c.day, c.month, c.year)
		if c.msg != "" {
			if err == nil || err.Part != c.part || err.Message != c.msg {
				t.Errorf("DateFromParts(%q, %q, %q) = %v, %+v; want %s: %q", c.day, c.month, c.year, got, err, c.part, c.msg)
			}
			continue
		}
		if err != nil || DateLabel(got) != c.want {
			t.Errorf("DateFromParts(%q, %q, %q) = %v, %v; want %s", c.day, c.month, c.year, got, err, c.want)
		}
	}
}
