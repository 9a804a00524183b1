package web

import (
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// dateField is one GOV.UK date input (day, month and year fields) as the
// "date-input" template draws it: the fields are named ID-day, ID-month
// and ID-year, and the error summary links to the field in error.
type dateField struct {
	ID     string
	Legend string
	// Name is the date in error messages ("from date"); the legend in
	// lower case when empty.
	Name  string
	Hint  string
	Day   string
	Month string
	Year  string
	Error string
	// Part is the field in error ("day", "month", "year"), or "" for all
	// three.
	Part string
}

// ErrIn reports whether a field of the input is to be shown in error.
func (d dateField) ErrIn(part string) bool { return d.Error != "" && (d.Part == "" || d.Part == part) }

// Anchor is the id of the field the error summary links to.
func (d dateField) Anchor() string {
	if d.Part == "" {
		return d.ID + "-day"
	}
	return d.ID + "-" + d.Part
}

// Empty reports whether nothing was typed in any of the three fields.
func (d dateField) Empty() bool { return d.Day == "" && d.Month == "" && d.Year == "" }

// readDateField reads a date input's three fields from a form (POST) or a
// query (GET). A single text field named ID, as older forms and links send
// ("2020-03-23", "1 Nov 2025"), is read through domain.ParseDate and
// shown back in the three fields.
func readDateField(c *gin.Context, id, legend, hint string) dateField {
	get := c.PostForm
	if c.Request.Method == "GET" || c.Request.Method == "HEAD" {
		get = c.Query
	}
	d := dateField{ID: id, Legend: legend, Hint: hint,
		Day: strings.TrimSpace(get(id + "-day")), Month: strings.TrimSpace(get(id + "-month")), Year: strings.TrimSpace(get(id + "-year"))}
	if text := strings.TrimSpace(get(id)); d.Empty() && text != "" {
		t, err := domain.ParseDate(text)
		if err != nil {
			d.Error, d.Day = domain.ErrorMessage(err), text
			return d
		}
		d.fill(t)
	}
	return d
}

// fill shows a date in the three fields.
func (d *dateField) fill(t time.Time) {
	d.Day, d.Month, d.Year = t.Format("2"), t.Format("1"), t.Format("2006")
}

// dateFieldOf is a date input showing an ISO date (or nothing).
func dateFieldOf(id, legend, hint, iso string) dateField {
	d := dateField{ID: id, Legend: legend, Hint: hint}
	if t, err := time.Parse(time.DateOnly, iso); err == nil {
		d.fill(t)
	}
	return d
}

// parse reads the date typed. An empty input is allowed unless required
// (ok with a zero time). An error is kept on the field, in words that
// name it ("Enter a real start date: month must be 1–12"), and returned
// for the error summary.
func (d *dateField) parse(required bool) (time.Time, *fieldError) {
	if d.Error != "" {
		return time.Time{}, &fieldError{d.Anchor(), d.Error}
	}
	if d.Empty() && !required {
		return time.Time{}, nil
	}
	t, err := domain.DateFromParts(d.Day, d.Month, d.Year)
	if err != nil {
		name := d.Name
		if name == "" {
			name = strings.ToLower(d.Legend)
		}
		msg := err.Message
		switch {
		case msg == "Enter the date":
			msg = "Enter the " + name
		case strings.HasPrefix(msg, "The date"):
			msg = strings.Replace(msg, "The date", "The "+name, 1)
		default:
			msg = strings.Replace(msg, "a real date", "a real "+name, 1)
		}
		d.Error, d.Part = msg, err.Part
		return time.Time{}, &fieldError{d.Anchor(), msg}
	}
	return t, nil
}
