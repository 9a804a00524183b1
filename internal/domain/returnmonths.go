package domain

import "time"

// ReturnMonths is the span of months a return for council c may cover at
// time now. It is the one place this is decided: the template download,
// the template command, the returns page's month picker and the
// validator's rules (E07 not ended yet, E08 before 2017, E16 outside the
// council's lifetime) all ask it. The span runs from January 2017
// (FirstMonth), or the council's first month when that is later, to the
// last month that has ended at now, or the council's last month when that
// is earlier; last is before first when there is no such month (a council
// abolished before 2017). The zero Council, which has no lifetime, gives
// the span for any council.
func ReturnMonths(c Council, now time.Time) (first, last Month) {
	first, last = FirstMonth, LastComplete(now)
	if f := c.FirstMonth(); !f.IsZero() && first.Before(f) {
		first = f
	}
	if l := c.LastMonth(); !l.IsZero() && l.Before(last) {
		last = l
	}
	return first, last
}

// CheckReturnMonth returns nil when a return for council c may cover
// month m at time now (ReturnMonths), and otherwise an EINVALID error
// that says why: the month is before January 2017, has not ended yet, or
// falls outside the council's lifetime (CheckExisted, which names the
// councils to use instead from all).
func CheckReturnMonth(c Council, m Month, now time.Time, all []Council) error {
	if first, last := ReturnMonths(c, now); !m.Before(first) && !last.Before(m) {
		return nil
	}
	switch first, last := ReturnMonths(Council{}, now); {
	case m.Before(first):
		return Errorf(EINVALID, "Returns start in %s; %s is too early.", first.Start().Format("January 2006"), m.Start().Format("January 2006"))
	case last.Before(m):
		return Errorf(EINVALID, "%s has not ended yet, so it has no return; the latest month with one is %s.", m.Start().Format("January 2006"), last.Start().Format("January 2006"))
	}
	return c.CheckExisted(m, all)
}
