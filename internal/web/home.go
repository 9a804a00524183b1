package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/dashboard"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// homePage is the start page for the signed-in role, with the list of
// councils below it.
type homePage struct {
	// Role and Own pick the start page: a scoped user's own council, the
	// LGA officer's overview, the administrator's pages.
	Role        string
	RoleLabel   string
	Own         councilLink
	Query       string
	Count       int
	Shown       int
	LatestMonth string
	Regions     []regionView

	// Council staff: the return due next and, for a DCS, the movers
	// against neighbours and the self-assessment's age.
	Due        *homeDue
	Movers     []homeMover
	MoversNote string
	Assessment *dashboard.AssessmentAge
	// LGA officers and administrators: the tracker's month, the newest
	// pressure points and the councils whose self-assessment is stale.
	Tracker  *homeTracker
	Pressure *homePressure
	Stale    *homeStale
}

type regionView struct {
	Name     string
	Councils []councilLink
}

type councilLink struct {
	Number int
	Name   string
	Search string
}

// homeDue is the month a council's return is due next: when, and the
// state of its return.
type homeDue struct {
	Month, MonthValue, Due string
	Overdue                bool
	// UnderWay is true when the month due is the one now under way (every
	// earlier month's return is complete).
	UnderWay  bool
	State     string
	StateText string
	Tag       string
	// Earlier lists the other months overdue, newest first; the page
	// names the first few (EarlierShown) and counts the rest.
	Earlier      []string
	EarlierShown []string
	EarlierMore  int
	Returns      string // the council's returns page
	MonthLink    string // the month's own return
	Template     string // the month's template, when one can be made yet
	CanUpload    bool
	// For a month under way: the day its template can be made from, and
	// the latest ended month's return, its state and its page.
	TemplateFrom                              string
	Latest, LatestText, LatestTag, LatestLink string
}

// homeMover is one of a council's movers against its neighbours.
type homeMover struct {
	dashboard.Mover
	Link string
}

// homeTracker counts England's councils by the state of their return for
// the month the tracker opens on.
type homeTracker struct {
	Month, Due string
	PastDue    bool
	Total      int
	Counts     []stateCount
	Link       string
}

type stateCount struct {
	State, Label, Tag, Link string
	N                       int
}

// homePressure is the most severe pressure points of the latest month
// most councils have returned.
type homePressure struct {
	Month  string
	Total  int
	Points []homePoint
	Link   string
}

type homePoint struct {
	Council, Indicator, Level, Reason, Link string
}

// homeStale is the current councils whose self-assessment is older than
// domain.AssessmentStaleAfterMonths, or missing.
type homeStale struct {
	Count, Of, Never int
	Months           int
	Councils         []dashboard.StaleCouncil
}

// homeListed is how many pressure points and stale councils the start
// page lists; the pages it links to list them all.
const homeListed = 10

// home is the start page for the signed-in role, above the current
// councils by region; ?q= filters them on the server so the search works
// without JavaScript too.
func (s *Server) home(c *gin.Context) {
	ctx := c.Request.Context()
	d, err := s.dataset(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	councils := d.ByRegion()
	q := strings.TrimSpace(c.Query("q"))
	if len(q) > 100 {
		q = q[:100]
	}
	page := homePage{Query: q, Count: len(councils)}
	title := "Councils"
	if u := currentUser(c); u != nil {
		page.Role, page.RoleLabel = string(u.Role), u.Role.Label()
		switch {
		case u.Role.Scoped():
			co, ok := d.ByNumber[u.Council]
			if !ok {
				break
			}
			page.Own = councilLink{Number: co.Number, Name: co.Name}
			title = co.Name
			if err := s.councilStart(ctx, &page, d, u, co); err != nil {
				s.handleError(c, err)
				return
			}
		default:
			title = "Across England"
			if err := s.nationalStart(ctx, &page, d); err != nil {
				s.handleError(c, err)
				return
			}
		}
	}
	if !d.Last.IsZero() {
		page.LatestMonth = d.Last.Label()
	}
	needle := strings.ToLower(q)
	for _, co := range councils {
		key := strings.ToLower(co.Name + " " + strconv.Itoa(co.Number) + " " + co.ONSCode)
		if needle != "" && !strings.Contains(key, needle) {
			continue
		}
		page.Shown++
		if n := len(page.Regions); n == 0 || page.Regions[n-1].Name != co.RegionName {
			page.Regions = append(page.Regions, regionView{Name: co.RegionName})
		}
		r := &page.Regions[len(page.Regions)-1]
		r.Councils = append(r.Councils, councilLink{Number: co.Number, Name: co.Name, Search: key})
	}
	s.render(c, http.StatusOK, "home", pageData{Title: title, Scripts: []string{"js/search.js"}, Body: page})
}

// councilStart fills a council member's start page: the return due next
// for everyone, and for a DCS the movers against neighbours and the age
// of the self-assessment.
func (s *Server) councilStart(ctx context.Context, page *homePage, d *dashboard.Snapshot, u *domain.User, co domain.Council) error {
	due, err := s.homeDue(ctx, u, co)
	if err != nil {
		return err
	}
	page.Due = due
	if u.Role != domain.RoleDCS {
		return nil
	}
	for _, mv := range d.Movers(dashboard.ViewerOf(u), co.Number) {
		page.Movers = append(page.Movers, homeMover{Mover: mv, Link: fmt.Sprintf("/councils/%d?indicator=%s#comparison", co.Number, mv.Indicator.Code)})
	}
	if len(d.Neighbours[co.Number]) == 0 {
		page.MoversNote = co.Name + " has no statistical neighbours in DfE's 2025 model, so there is no one to compare its movement with."
	}
	if a, ok := d.Assessed[co.Number]; ok {
		if age, ok := dashboard.AgeOf(a.Date(), s.now()); ok {
			page.Assessment = &age
		}
	}
	return nil
}

// homeDue says which month the council's return is due next, by when,
// and how far its return has got.
func (s *Server) homeDue(ctx context.Context, u *domain.User, co domain.Council) (*homeDue, error) {
	n, err := s.nextDue(ctx, co)
	if err != nil || n == nil {
		return nil, err
	}
	returns := fmt.Sprintf("/councils/%d/returns", co.Number)
	hd := &homeDue{Month: n.MonthLabel, MonthValue: n.Month.String(), Due: n.Due, Overdue: n.Overdue, Earlier: n.Earlier,
		Returns: returns, CanUpload: canSubmit(u)}
	const named = 6
	hd.EarlierShown, hd.EarlierMore = n.Earlier[:min(named, len(n.Earlier))], max(len(n.Earlier)-named, 0)
	_, required, err := s.requiredCodes(ctx)
	if err != nil {
		return nil, err
	}
	state := func(m domain.Month) (string, error) {
		held, err := s.db.CouncilMonthReturns(ctx, co.Number, m, m)
		if err != nil {
			return "", err
		}
		r := held[m.String()]
		if r == nil {
			r = &store.MonthReturn{Council: co.Number}
		}
		return r.State(required), nil
	}
	last := domain.LastComplete(s.now())
	if last.Before(n.Month) {
		hd.UnderWay, hd.TemplateFrom = true, n.Month.Add(1).Start().Format("2 Jan 2006")
		if first, _ := domain.ReturnMonths(co, s.now()); !last.Before(first) {
			st, err := state(last)
			if err != nil {
				return nil, err
			}
			hd.Latest, hd.LatestText, hd.LatestTag = last.Label(), domain.ReturnStateLabel(st), stateTag[st]
			hd.LatestLink = fmt.Sprintf("%s?month=%s", returns, last)
		}
		return hd, nil
	}
	hd.MonthLink = fmt.Sprintf("%s?month=%s", returns, n.Month)
	hd.Template = fmt.Sprintf("/returns/template?council=%d&month=%s", co.Number, n.Month)
	if hd.State, err = state(n.Month); err != nil {
		return nil, err
	}
	hd.StateText, hd.Tag = domain.ReturnStateLabel(hd.State), stateTag[hd.State]
	return hd, nil
}

// nationalStart fills the LGA officer's and the administrator's start
// page: the returns tracker's month, the newest pressure points and the
// councils whose self-assessment is stale.
func (s *Server) nationalStart(ctx context.Context, page *homePage, d *dashboard.Snapshot) error {
	res, err := s.trackerFor(ctx, trackerFilter{Month: s.defaultTrackerMonth()})
	if err != nil {
		return err
	}
	m := res.Filter.Month
	tr := &homeTracker{Month: m.Label(), Due: res.Due.Format("2 Jan 2006"), PastDue: res.PastDue, Total: len(res.Councils),
		Link: "/returns/tracker?month=" + m.String()}
	counts := res.counts("")
	for _, st := range domain.ReturnStates {
		tr.Counts = append(tr.Counts, stateCount{State: st, Label: domain.ReturnStateLabel(st), Tag: stateTag[st], N: counts[st],
			Link: fmt.Sprintf("/returns/tracker?month=%s&status=%s", m, st)})
	}
	page.Tracker = tr

	if pm, ok := d.PressureMonth(); ok {
		p := d.Pressure(pm)
		hp := &homePressure{Month: pm.Label(), Total: len(p.Result.Points), Link: "/pressure?month=" + pm.String() + "#points"}
		for _, pt := range p.Result.Points[:min(homeListed, len(p.Result.Points))] {
			label := d.ByCode[pt.Indicator].Label
			// The reason starts with the indicator's name, which the
			// link already gives.
			hp.Points = append(hp.Points, homePoint{Council: d.ByNumber[pt.Council].Name, Indicator: label,
				Level: pt.Level, Reason: strings.TrimPrefix(pt.Reason, label+" "), Link: fmt.Sprintf("/councils/%d?indicator=%s#comparison", pt.Council, pt.Indicator)})
		}
		page.Pressure = hp
	}

	stale := d.StaleAssessments(s.now())
	hs := &homeStale{Count: len(stale), Of: len(d.Councils), Months: domain.AssessmentStaleAfterMonths}
	for _, sc := range stale {
		if !sc.Assessed {
			hs.Never++
		}
	}
	hs.Councils = stale[:min(homeListed, len(stale))]
	page.Stale = hs
	return nil
}
