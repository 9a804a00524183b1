package web

import (
	"context"
	"slices"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// dueNotice says which month's return a council owes next and by when,
// and which earlier months are overdue.
type dueNotice struct {
	Month domain.Month
	// MonthLabel and Due are written for people: "Nov 2026",
	// "20 Dec 2026".
	MonthLabel string
	Due        string
	// Overdue is true when Month's own due date has passed.
	Overdue bool
	// Earlier lists, newest first, the other months overdue ("Sep
	// 2026").
	Earlier []string
}

// nextDue finds the month a council's return is due next: the most recent
// of the last 24 months within its lifetime whose return is not complete
// (missing, or without a figure for a required indicator), or, when every
// one is complete, the month now under way. A council that no longer
// exists owes none (nil).
func (s *Server) nextDue(ctx context.Context, co domain.Council) (*dueNotice, error) {
	now := s.now()
	current := domain.MonthOf(now.UTC())
	if !co.ExistedIn(current) {
		return nil, nil
	}
	last := domain.LastComplete(now)
	first := last.Add(-23)
	held, err := s.db.CouncilHeld(ctx, co.Number, first, last)
	if err != nil {
		return nil, err
	}
	inds, err := s.db.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	complete := func(m domain.Month) bool {
		codes, ok := held[m.String()]
		if !ok {
			return false
		}
		for _, ind := range inds {
			if _, has := slices.BinarySearch(codes, ind.Code); ind.Required && !has {
				return false
			}
		}
		return true
	}
	var owed []domain.Month // newest first
	from, to := domain.ReturnMonths(co, now)
	for m := last; !m.Before(first); m = m.Add(-1) {
		if !m.Before(from) && !to.Before(m) && !complete(m) {
			owed = append(owed, m)
		}
	}
	next := current
	if len(owed) > 0 {
		next = owed[0]
	}
	due := domain.DueDate(next, s.dueDay())
	n := &dueNotice{Month: next, MonthLabel: next.Label(), Due: due.Format("2 Jan 2006"), Overdue: domain.PastDue(due, now)}
	for _, m := range owed[min(1, len(owed)):] {
		if domain.PastDue(domain.DueDate(m, s.dueDay()), now) {
			n.Earlier = append(n.Earlier, m.Label())
		}
	}
	return n, nil
}
