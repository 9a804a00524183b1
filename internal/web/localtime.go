package web

import (
	"time"
	_ "time/tzdata" // Europe/London wherever the server runs
)

// london is the time zone every time is shown in: the service's users
// are in England, and the log's UTC would be an hour out all summer.
var london = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC
	}
	return loc
}()

// localTime writes a stored time (RFC 3339, to the second or the
// millisecond) as people in England read it: "1 Nov 2025, 14:05". Text
// that is not a time is left as it is.
func localTime(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return t.In(london).Format("2 Jan 2006, 15:04")
}
