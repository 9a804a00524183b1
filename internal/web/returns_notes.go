package web

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// notesShown caps the notes and explanations a council's returns page
// lists.
const notesShown = 100

// figureNote is an explanation given to a query on one of a council's
// current figures, or a note written beside it in the file, as the
// council's returns page lists them.
type figureNote struct {
	Month, MonthLabel, Indicator string
	// Query is what was queried ("" for a note on a figure with no query).
	Query, Text  string
	SubmissionID int64
}

// councilNotes gathers the explanations of the queries on a council's
// current returns in the months of grid, and the notes written beside its
// current figures, newest month first: what the council's DCS and LGA
// officers read beside the figures. A note that became a query's
// explanation is listed once.
func (s *Server) councilNotes(ctx context.Context, council int, grid []domain.MonthStatus) ([]figureNote, int, error) {
	if len(grid) == 0 {
		return nil, 0, nil
	}
	first, err1 := domain.ParseMonth(grid[0].Month)
	last, err2 := domain.ParseMonth(grid[len(grid)-1].Month)
	if err1 != nil || err2 != nil {
		return nil, 0, nil
	}
	current := map[string]int64{} // month → the submission whose return is current
	for _, g := range grid {
		if g.SubmissionID != 0 {
			current[g.Month] = g.SubmissionID
		}
	}
	nm := s.reportNames(ctx)
	var out []figureNote
	seen := map[string]bool{}
	subs, err := s.db.CurrentReturnMessages(ctx, council, first, last)
	if err != nil {
		return nil, 0, err
	}
	for _, rm := range subs {
		var ms []domain.Message
		if err := json.Unmarshal([]byte(rm.Messages), &ms); err != nil {
			continue
		}
		for _, m := range ms {
			if m.Severity != domain.SeverityQuery || m.Explanation == "" || m.Council != council || current[m.Month] != rm.SubmissionID {
				continue
			}
			seen[m.Month+"|"+m.Indicator+"|"+m.Explanation] = true
			out = append(out, figureNote{Month: m.Month, MonthLabel: monthLabel(m.Month), Indicator: nm.indicator(m.Indicator),
				Query: m.Text, Text: m.Explanation, SubmissionID: rm.SubmissionID})
		}
	}
	notes, err := s.db.CurrentNotes(ctx, council, first, last)
	if err != nil {
		return nil, 0, err
	}
	for _, o := range notes {
		if seen[o.Month+"|"+o.Indicator+"|"+domain.TrimExplanation(o.Note, 2000)] {
			continue
		}
		out = append(out, figureNote{Month: o.Month, MonthLabel: monthLabel(o.Month), Indicator: nm.indicator(o.Indicator),
			Text: o.Note, SubmissionID: current[o.Month]})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Month > out[j].Month })
	total := len(out)
	if total > notesShown {
		out = out[:notesShown]
	}
	return out, total, nil
}

// replacedLabels says, for a council's stored uploads, which were replaced
// by later versions since.
func (s *Server) replacedLabels(ctx context.Context, council int, subs []domain.Submission) (map[int64]string, error) {
	var ids []int64
	for _, sub := range subs {
		if sub.Status == domain.StatusStored {
			ids = append(ids, sub.ID)
		}
	}
	rep, err := s.db.Replaced(ctx, council, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]string{}
	for id, r := range rep {
		switch r {
		case store.ReplacedAll:
			out[id] = "replaced"
		case store.ReplacedPartly:
			out[id] = "partly replaced"
		}
	}
	return out, nil
}
