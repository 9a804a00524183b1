package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/dashboard"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// gridWindow is the two calendar years of a council's returns grid one
// page shows, and the links to the pages either side.
type gridWindow struct {
	// First is January of the first year, Last December of the second.
	First, Last domain.Month
	// Earlier and Later are the links to the two years before and after,
	// "" where the council's returns end.
	Earlier, Later string
}

// returnsWindow reads ?before=YYYY-MM (the two years ending before that
// month) or ?from=YYYY-MM (the two years from that month's year) for a
// council whose returns run from first to last; without either it shows
// the two years ending with last's year. Pages run back to first's year
// and no further.
func returnsWindow(c *gin.Context, council int, first, last domain.Month) (gridWindow, error) {
	end := last.Year
	read := func(name string) (domain.Month, bool, error) {
		q := strings.TrimSpace(c.Query(name))
		if q == "" {
			return domain.Month{}, false, nil
		}
		m, err := domain.ParseMonth(q)
		if err != nil {
			return m, false, domain.Errorf(domain.EINVALID, "%s=%q is not a month written as YYYY-MM, for example %s.", name, q, last)
		}
		return m, true, nil
	}
	if m, ok, err := read("before"); err != nil {
		return gridWindow{}, err
	} else if ok {
		end = m.Add(-1).Year
	}
	if m, ok, err := read("from"); err != nil {
		return gridWindow{}, err
	} else if ok {
		end = m.Year + 1
	}
	end = min(max(end, first.Year+1), last.Year)
	w := gridWindow{First: domain.Month{Year: end - 1, Month: time.January}, Last: domain.Month{Year: end, Month: time.December}}
	base := fmt.Sprintf("/councils/%d/returns", council)
	if first.Before(w.First) {
		w.Earlier = fmt.Sprintf("%s?before=%s#grid", base, w.First)
	}
	if end < last.Year {
		w.Later = gridPage(council, end+2, last)
	}
	return w, nil
}

// gridPage links to the grid page whose two years end with end, for a
// council whose returns end in last.
func gridPage(council, end int, last domain.Month) string {
	base := fmt.Sprintf("/councils/%d/returns", council)
	if end >= last.Year {
		return base + "#grid"
	}
	return fmt.Sprintf("%s?before=%s#grid", base, domain.Month{Year: end + 1, Month: time.January})
}

// gridYear is one row of the returns grid: a calendar year, newest first.
type gridYear struct {
	Year  int
	Cells []gridMonth
}

// gridMonth is one cell: a month's return state in words, linking to the
// month.
type gridMonth struct {
	Label string // "Mar 2026"
	// State is a return state (domain.ReturnMissing ...) or "none" for a
	// month the council made no return for (before it existed or before
	// returns began) or "notdue" for one not yet ended.
	State, Short, Text string
	Href               string
	Version            int
}

// gridShort is the word a grid cell shows for each state; the key under
// the grid says what each means.
var gridShort = map[string]string{
	domain.ReturnMissing:   "missing",
	domain.ReturnPartial:   "partial",
	domain.ReturnWaiting:   "waiting",
	domain.ReturnExplained: "explained",
	domain.ReturnComplete:  "complete",
}

// gridStateText is what a cell says.
var gridStateText = map[string]string{
	domain.ReturnMissing:   "Missing",
	domain.ReturnPartial:   "Partial",
	domain.ReturnWaiting:   "Waiting",
	domain.ReturnExplained: "Complete",
	domain.ReturnComplete:  "Complete",
}

// requiredCodes lists the codes of the indicators every return must hold.
func (s *Server) requiredCodes(ctx context.Context) ([]domain.Indicator, []string, error) {
	inds, err := s.db.Indicators(ctx)
	if err != nil {
		return nil, nil, err
	}
	var req []string
	for _, ind := range inds {
		if ind.Required {
			req = append(req, ind.Code)
		}
	}
	return inds, req, nil
}

// returnsGrid builds the grid of a window for a council whose returns run
// from first to last, with the statuses of its months (MonthStatus, for
// the version numbers) and their returns. For a council that still
// exists (ongoing), the months after last are not due yet.
func returnsGrid(council int, w gridWindow, first, last domain.Month, ongoing bool, statuses []domain.MonthStatus, held map[string]*store.MonthReturn, required []string) []gridYear {
	version := map[string]int{}
	for _, st := range statuses {
		version[st.Month] = st.Version
	}
	var out []gridYear
	for year := w.Last.Year; year >= w.First.Year; year-- {
		row := gridYear{Year: year}
		for mo := time.January; mo <= time.December; mo++ {
			m := domain.Month{Year: year, Month: mo}
			cell := gridMonth{Label: m.Label()}
			switch {
			case last.Before(m) && ongoing:
				cell.State, cell.Text = "notdue", "Not yet due"
			case m.Before(first) || last.Before(m):
				cell.State, cell.Text = "none", "No return"
			default:
				r := held[m.String()]
				if r == nil {
					r = &store.MonthReturn{Council: council}
				}
				cell.State = r.State(required)
				cell.Short, cell.Text = gridShort[cell.State], gridStateText[cell.State]
				cell.Href = fmt.Sprintf("/councils/%d/returns?month=%s", council, m)
				cell.Version = version[m.String()]
			}
			row.Cells = append(row.Cells, cell)
		}
		out = append(out, row)
	}
	return out
}

// monthPage is one month of a council's return: its state and due date,
// the current figures with who sent them and when, every version, the
// queries raised on them and any upload waiting for explanations.
type monthPage struct {
	Council    domain.Council
	Month      string // "Oct 2026"
	MonthValue string // "2026-10"
	State      string
	StateText  string
	Tag        string
	Due        string
	Overdue    bool
	// Missing names the required indicators without a figure.
	Missing []string
	// Upload is the upload behind the current figures, with who and when.
	Upload     int64
	UploadedBy string
	UploadedAt string
	Demo       bool
	// Waiting is an upload covering the month that waits for
	// explanations.
	Waiting   int64
	WaitingBy string
	WaitingAt string
	Figures   []figureGroup
	Versions  []monthVersion
	Queries   []monthQuery
	Prev      string
	Next      string
	Grid      string
	CanUpload bool
}

// figureGroup is one area's figures for the month, in catalogue order.
type figureGroup struct {
	Area    string
	Figures []monthFigure
}

type monthFigure struct {
	Indicator, Value, Unit, Note string
}

type monthVersion struct {
	Version int
	Current bool
	Upload  int64
	By, At  string
	Demo    bool
}

type monthQuery struct {
	Indicator, Where, Text, Explanation string
}

// when writes a stored RFC 3339 time as "2 Nov 2026, 09:00 UTC".
func when(ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return ts
	}
	return t.UTC().Format("2 Jan 2006, 15:04 UTC")
}

// returnMonth shows one month of a council's return (?month=YYYY-MM on
// the council's returns page).
func (s *Server) returnMonth(c *gin.Context, co domain.Council, q string) {
	ctx := c.Request.Context()
	first, last := domain.ReturnMonths(co, s.now())
	m, err := domain.ParseMonth(q)
	if err != nil {
		s.handleError(c, domain.Errorf(domain.EINVALID, "month=%q is not a month written as YYYY-MM, for example %s.", q, last))
		return
	}
	if m.Before(first) || last.Before(m) {
		s.handleError(c, domain.Errorf(domain.ENOTFOUND, "%s made no return for %s: its returns run from %s to %s.", co.Name, m.Label(), first.Label(), last.Label()))
		return
	}
	inds, required, err := s.requiredCodes(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	held, err := s.db.CouncilMonthReturns(ctx, co.Number, m, m)
	if err != nil {
		s.handleError(c, err)
		return
	}
	r := held[m.String()]
	if r == nil {
		r = &store.MonthReturn{Council: co.Number}
	}
	due := domain.DueDate(m, s.dueDay())
	base := fmt.Sprintf("/councils/%d/returns", co.Number)
	page := monthPage{Council: co, Month: m.Label(), MonthValue: m.String(), State: r.State(required), Due: due.Format("2 Jan 2006"),
		Upload: r.Submission, UploadedBy: r.SubmittedBy, UploadedAt: when(r.SubmittedAt), Demo: r.Demo,
		Waiting: r.Awaiting, WaitingBy: r.AwaitingBy, WaitingAt: when(r.AwaitingAt), CanUpload: canSubmit(currentUser(c)),
		Grid: gridPage(co.Number, max(last.Year-2*((last.Year-m.Year)/2), first.Year+1), last)}
	page.StateText, page.Tag = domain.ReturnStateLabel(page.State), stateTag[page.State]
	page.Overdue = domain.Chased(page.State) && domain.PastDue(due, s.now())
	if first.Before(m) {
		page.Prev = fmt.Sprintf("%s?month=%s", base, m.Add(-1))
	}
	if m.Before(last) {
		page.Next = fmt.Sprintf("%s?month=%s", base, m.Add(1))
	}
	byCode := map[string]domain.Indicator{}
	for _, ind := range inds {
		byCode[ind.Code] = ind
	}
	for _, code := range r.MissingRequired(required) {
		page.Missing = append(page.Missing, byCode[code].Label)
	}
	figs, err := s.db.CurrentMonthFigures(ctx, co.Number, m)
	if err != nil {
		s.handleError(c, err)
		return
	}
	heldFigures := map[string]domain.Observation{}
	for _, o := range figs {
		heldFigures[o.Indicator] = o
	}
	for _, ind := range inds { // catalogue order, as the template lists them
		o, ok := heldFigures[ind.Code]
		if !ok {
			continue
		}
		value := dashboard.FormatCount(o.Value)
		if ind.Unit != domain.UnitCount {
			value = fmt.Sprintf("%.1f", o.Value)
		}
		unit := "number"
		switch ind.Unit {
		case domain.UnitPercent:
			unit = "%"
		case domain.UnitRatio:
			unit = "cases per worker"
		}
		area := domain.AreaLabel(ind.Area)
		if n := len(page.Figures); n == 0 || page.Figures[n-1].Area != area {
			page.Figures = append(page.Figures, figureGroup{Area: area})
		}
		g := &page.Figures[len(page.Figures)-1]
		g.Figures = append(g.Figures, monthFigure{Indicator: ind.Label, Value: value, Unit: unit, Note: o.Note})
	}
	versions, err := s.db.ReturnVersions(ctx, co.Number, m.String())
	if err != nil {
		s.handleError(c, err)
		return
	}
	for _, v := range versions {
		page.Versions = append(page.Versions, monthVersion{Version: v.Version, Current: v.Status == "current", Upload: v.SubmissionID,
			By: v.SubmittedBy, At: when(v.SubmittedAt), Demo: v.Demo})
	}
	if r.Submission != 0 && !r.Demo {
		sub, _, err := s.db.Submission(ctx, r.Submission)
		if err != nil {
			s.handleError(c, err)
			return
		}
		for _, msg := range sub.Messages() {
			if msg.Severity != domain.SeverityQuery || (msg.Month != "" && msg.Month != m.String()) ||
				(msg.Council != co.Number && (msg.Council != 0 || sub.Council != co.Number)) {
				continue
			}
			label := msg.Indicator
			if ind, ok := byCode[msg.Indicator]; ok {
				label = ind.Label
			}
			page.Queries = append(page.Queries, monthQuery{Indicator: label, Where: where(msg.Sheet, msg.Cell), Text: msg.Text, Explanation: msg.Explanation})
		}
	}
	s.render(c, http.StatusOK, "returns-month", pageData{Title: co.Name + " return for " + m.Label(),
		Breadcrumbs: []crumb{{"Home", "/"}, {co.Name, fmt.Sprintf("/councils/%d", co.Number)}, {"Returns", base}}, Body: page})
}
