package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Kinds of timeline event.
const (
	EventOneDay   = "event"    // a single day, drawn as a dashed line
	EventLockdown = "lockdown" // a national lockdown, shaded orange
	EventPhase    = "phase"    // a response phase, shaded grey
)

// Limits on a timeline event's text.
const (
	MaxTimelineLabel       = 80
	MaxTimelineDescription = 500
)

// TimelineKinds lists the kinds of event, for forms.
var TimelineKinds = []string{EventOneDay, EventLockdown, EventPhase}

// Check returns the event's problems, field by field: dates (ISO, as
// domain.ParseDate writes them)
// between 2000 and 2100, the end not before the start (and equal to it for
// a one-day event), a known kind, a label of at most 80 characters and a
// description of at most 500.
func (e *TimelineEvent) Check() []FieldError {
	var errs []FieldError
	start, errS := time.Parse("2006-01-02", e.Start)
	end, errE := time.Parse("2006-01-02", e.End)
	if e.Kind == EventOneDay && e.End == "" {
		end, errE, e.End = start, errS, e.Start
	}
	switch {
	case errS != nil || start.Year() < 2000 || start.Year() > 2100:
		errs = append(errs, FieldError{"starts", "Enter a real start date between 2000 and 2100, for example 23 3 2020"})
	case errE != nil || end.Year() < 2000 || end.Year() > 2100:
		errs = append(errs, FieldError{"ends", "Enter a real end date between 2000 and 2100, for example 31 5 2020"})
	case end.Before(start):
		errs = append(errs, FieldError{"ends", "The end date must be the same as or after the start date"})
	case e.Kind == EventOneDay && !end.Equal(start):
		errs = append(errs, FieldError{"ends", "A one-day event ends on the day it starts; choose lockdown or phase for a period"})
	}
	known := false
	for _, k := range TimelineKinds {
		known = known || e.Kind == k
	}
	if !known {
		errs = append(errs, FieldError{"kind", "Choose whether this is an event, a lockdown or a phase"})
	}
	e.Label = strings.TrimSpace(e.Label)
	switch n := utf8.RuneCountInString(e.Label); {
	case n == 0:
		errs = append(errs, FieldError{"label", "Enter a label"})
	case n > MaxTimelineLabel:
		errs = append(errs, FieldError{"label", "The label must be 80 characters or fewer"})
	}
	if utf8.RuneCountInString(e.Description) > MaxTimelineDescription {
		errs = append(errs, FieldError{"description", "The description must be 500 characters or fewer"})
	}
	return errs
}
