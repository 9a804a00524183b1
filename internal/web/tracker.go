package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/store"
)

// trackerCouncil is one council's return for the tracker's month.
type trackerCouncil struct {
	Council domain.Council
	State   string
	// Upload is the latest upload for the council and month (0 when
	// none); Demo marks the demonstration data, which has no report.
	Upload     int64
	UploadedAt string
	UploadedBy string
	Demo       bool
	Missing    []string // required indicators without a dashboard.Figure
	Overdue    bool
}

// trackerFilter is the month and what the officer narrowed the list to.
type trackerFilter struct {
	Month  domain.Month
	Region string
	State  string
}

// trackerResult is every council that existed in the month, with its
// state, and the month's due date.
type trackerResult struct {
	Filter   trackerFilter
	Due      time.Time
	PastDue  bool
	Councils []trackerCouncil // every council that existed, by region and name
	Regions  []regionOption
}

type regionOption struct{ Code, Name string }

// dueDay is the configured day of the following month a return is due by.
func (s *Server) dueDay() int { return s.cfg.DueDay }

// defaultTrackerMonth is the latest month whose return's due date has
// passed (so the page opens on the month to chase), never before the
// first month returns are accepted for.
func (s *Server) defaultTrackerMonth() domain.Month {
	now := s.now()
	m := domain.LastComplete(now)
	for domain.FirstMonth.Before(m) && !domain.PastDue(domain.DueDate(m, s.dueDay()), now) {
		m = m.Add(-1)
	}
	return m
}

// trackerParams reads ?month=YYYY-MM&region=E12…&status=… and refuses
// what it cannot use, saying why.
func (s *Server) trackerParams(c *gin.Context) (trackerFilter, error) {
	f := trackerFilter{Month: s.defaultTrackerMonth(), Region: strings.TrimSpace(c.Query("region")), State: strings.TrimSpace(c.Query("status"))}
	last := domain.LastComplete(s.now())
	if q := strings.TrimSpace(c.Query("month")); q != "" {
		m, err := domain.ParseMonth(q)
		if err != nil {
			return f, domain.Errorf(domain.EINVALID, "month %q is not a month written as YYYY-MM, for example %s.", q, last)
		}
		if m.Before(domain.FirstMonth) || last.Before(m) {
			return f, domain.Errorf(domain.EINVALID, "month %s is outside the months returns are made for: %s to %s.", q, domain.FirstMonth, last)
		}
		f.Month = m
	}
	if f.State != "" && !slices.Contains(domain.ReturnStates, f.State) {
		return f, domain.Errorf(domain.EINVALID, "status %q is not a return status; use one of %s.", f.State, strings.Join(domain.ReturnStates, ", "))
	}
	return f, nil
}

// tracker computes every council's return state for the filter's month.
// It is not cached: an upload waiting for explanations changes it without
// changing the stored figures, and so does the clock.
func (s *Server) tracker(c *gin.Context) (*trackerResult, bool) {
	f, err := s.trackerParams(c)
	if err != nil {
		s.handleError(c, err)
		return nil, false
	}
	res, err := s.trackerFor(c.Request.Context(), f)
	if err != nil {
		s.handleError(c, err)
		return nil, false
	}
	return res, true
}

// trackerFor computes every council's return state for the filter's
// month: the tracker's and the LGA officer's start page's.
func (s *Server) trackerFor(ctx context.Context, f trackerFilter) (*trackerResult, error) {
	councils, err := s.db.AllCouncils(ctx)
	if err != nil {
		return nil, err
	}
	inds, err := s.db.Indicators(ctx)
	if err != nil {
		return nil, err
	}
	var required []string
	for _, ind := range inds {
		if ind.Required {
			required = append(required, ind.Code)
		}
	}
	held, err := s.db.MonthReturns(ctx, f.Month)
	if err != nil {
		return nil, err
	}
	res := &trackerResult{Filter: f, Due: domain.DueDate(f.Month, s.dueDay())}
	res.PastDue = domain.PastDue(res.Due, s.now())
	seenRegion := map[string]bool{}
	for _, co := range councils {
		if !co.ExistedIn(f.Month) {
			continue
		}
		if !seenRegion[co.RegionCode] {
			seenRegion[co.RegionCode] = true
			res.Regions = append(res.Regions, regionOption{co.RegionCode, co.RegionName})
		}
		r := held[co.Number]
		if r == nil {
			r = &store.MonthReturn{Council: co.Number}
		}
		tc := trackerCouncil{Council: co, State: r.State(required), Missing: r.MissingRequired(required)}
		tc.Upload, tc.UploadedAt, tc.UploadedBy, tc.Demo = r.LastUpload()
		tc.Overdue = res.PastDue && domain.Chased(tc.State)
		res.Councils = append(res.Councils, tc)
	}
	if f.Region != "" && !seenRegion[f.Region] {
		return nil, domain.Errorf(domain.EINVALID, "region %q is not a region code of a council in %s; use one of the E12 codes in the list.", f.Region, f.Month.Label())
	}
	return res, nil
}

// shown lists the councils the filter keeps.
func (r *trackerResult) shown() []trackerCouncil {
	var out []trackerCouncil
	for _, tc := range r.Councils {
		if (r.Filter.Region == "" || tc.Council.RegionCode == r.Filter.Region) && (r.Filter.State == "" || tc.State == r.Filter.State) {
			out = append(out, tc)
		}
	}
	return out
}

// counts counts the councils in each state, for councils of one region
// ("" for England).
func (r *trackerResult) counts(region string) map[string]int {
	out := make(map[string]int, len(domain.ReturnStates))
	for _, st := range domain.ReturnStates {
		out[st] = 0
	}
	for _, tc := range r.Councils {
		if region == "" || tc.Council.RegionCode == region {
			out[tc.State]++
		}
	}
	return out
}

// query writes the filter back as a query string, with the month given.
func (f trackerFilter) query(m domain.Month) string {
	v := url.Values{"month": {m.String()}}
	if f.Region != "" {
		v.Set("region", f.Region)
	}
	if f.State != "" {
		v.Set("status", f.State)
	}
	return v.Encode()
}

// stateTag is the GOV.UK tag colour of each return state.
var stateTag = map[string]string{
	domain.ReturnMissing:   "govuk-tag--red",
	domain.ReturnPartial:   "govuk-tag--yellow",
	domain.ReturnWaiting:   "govuk-tag--purple",
	domain.ReturnExplained: "govuk-tag--teal",
	domain.ReturnComplete:  "govuk-tag--green",
}

type trackerPage struct {
	MonthLabel string // "Oct 2026"
	MonthLong  string // "October 2026"
	MonthValue string // "2026-10"
	Due        string // "20 November 2026"
	DueShort   string // "20 Nov 2026"
	PastDue    bool
	Prev, Next string // query strings, "" at either end
	Region     string
	State      string
	Regions    []option
	States     []stateOption
	CountCols  []stateOption
	Counts     []trackerCountRow
	England    trackerCountRow
	Rows       []trackerRowView
	Total      int
	Overdue    int // councils overdue, whatever the filters
	Query      string
	Max        string // the latest month the picker takes
	DueDay     string // "20th"
}

type stateOption struct {
	Value, Label, Tag string
}

type trackerCountRow struct {
	Label string
	Cells []countCell
	Total countCell
}

// countCell is a count that links to the councils it counts.
type countCell struct {
	N    int
	Href string
}

type trackerRowView struct {
	Number      int
	Name        string
	Region      string
	Predecessor bool
	Lifetime    string
	State       string
	Label       string
	Tag         string
	Upload      int64
	Demo        bool
	UploadedAt  string
	UploadedBy  string
	Missing     string
	Overdue     bool
}

// uploadTime writes an upload's RFC 3339 time as "2 Nov 2026, 09:00 UTC".
func uploadTime(at string) string {
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return at
	}
	return t.UTC().Format("2 Jan 2006, 15:04 MST")
}

// trackerPage shows every council's return state for a month, with
// counts by region and filters.
func (s *Server) trackerPage(c *gin.Context) {
	res, ok := s.tracker(c)
	if !ok {
		return
	}
	f := res.Filter
	page := trackerPage{MonthLabel: f.Month.Label(), MonthLong: f.Month.Start().Format("January 2006"), MonthValue: f.Month.String(),
		Due: res.Due.Format("2 January 2006"), DueShort: res.Due.Format("2 Jan 2006"), PastDue: res.PastDue, Region: f.Region, State: f.State,
		Query: f.query(f.Month), Max: domain.LastComplete(s.now()).String(), DueDay: ordinal(s.dueDay())}
	if domain.FirstMonth.Before(f.Month) {
		page.Prev = f.query(f.Month.Add(-1))
	}
	if f.Month.Before(domain.LastComplete(s.now())) {
		page.Next = f.query(f.Month.Add(1))
	}
	for _, r := range res.Regions {
		page.Regions = append(page.Regions, option{r.Code, r.Name})
	}
	slices.SortFunc(page.Regions, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	for _, st := range domain.ReturnStates {
		page.States = append(page.States, stateOption{st, domain.ReturnStateLabel(st), stateTag[st]})
	}
	page.CountCols = page.States
	countRow := func(label, region string) trackerCountRow {
		counts := res.counts(region)
		row := trackerCountRow{Label: label}
		for _, st := range domain.ReturnStates {
			row.Cells = append(row.Cells, countCell{counts[st], "/returns/tracker?" + trackerFilter{Region: region, State: st}.query(f.Month) + "#councils"})
			row.Total.N += counts[st]
		}
		row.Total.Href = "/returns/tracker?" + trackerFilter{Region: region}.query(f.Month) + "#councils"
		return row
	}
	for _, r := range page.Regions {
		page.Counts = append(page.Counts, countRow(r.Label, r.Value))
	}
	page.England = countRow("England", "")
	for _, tc := range res.shown() {
		co := tc.Council
		page.Rows = append(page.Rows, trackerRowView{Number: co.Number, Name: co.Name, Region: co.RegionName,
			Predecessor: !co.Current, Lifetime: co.Lifetime(), State: tc.State, Label: domain.ReturnStateLabel(tc.State),
			Tag: stateTag[tc.State], Upload: tc.Upload, Demo: tc.Demo, UploadedAt: uploadTime(tc.UploadedAt), UploadedBy: tc.UploadedBy,
			Missing: strings.Join(tc.Missing, ", "), Overdue: tc.Overdue})
	}
	for _, tc := range res.Councils {
		if tc.Overdue {
			page.Overdue++
		}
	}
	page.Total = len(res.Councils)
	s.render(c, http.StatusOK, "returns-tracker", pageData{Title: "Returns tracker, " + f.Month.Label(),
		Breadcrumbs: []crumb{{"Home", "/"}, {"Returns", "/returns"}}, Body: page})
}

// trackerCSV downloads the tracker's rows with the page's filters, cells
// that a spreadsheet would run as formulas neutralised (SECURITY U10).
func (s *Server) trackerCSV(c *gin.Context) {
	res, ok := s.tracker(c)
	if !ok {
		return
	}
	f := res.Filter
	header := []string{"month", "la_number", "council", "region_code", "region", "status", "status_label",
		"last_uploaded_at", "last_uploaded_by", "upload_id", "due", "overdue", "missing_required"}
	var rows [][]string
	for _, tc := range res.shown() {
		upload := ""
		if tc.Upload != 0 && !tc.Demo {
			upload = strconv.FormatInt(tc.Upload, 10)
		}
		rows = append(rows, []string{f.Month.String(), strconv.Itoa(tc.Council.Number), tc.Council.Name, tc.Council.RegionCode,
			tc.Council.RegionName, tc.State, domain.ReturnStateLabel(tc.State), tc.UploadedAt, tc.UploadedBy, upload,
			res.Due.Format(time.DateOnly), yesNo(tc.Overdue), strings.Join(tc.Missing, " ")})
	}
	s.sendTable(c, "csv", "returns-tracker-"+f.Month.String(), "Returns tracker, "+f.Month.Label(),
		fmt.Sprintf("Due by %s.", res.Due.Format("2 January 2006")), header, rows)
}

// ordinal writes a day of the month as "1st", "2nd", "20th".
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// apiReturnStatus answers GET /api/v1/returns/status: every council's
// return state for the month, with the page's filters. counts covers the
// councils of the region filter (England without one), whatever the
// status filter.
func (s *Server) apiReturnStatus(c *gin.Context) {
	res, ok := s.tracker(c)
	if !ok {
		return
	}
	type councilOut struct {
		Number          int      `json:"la_number"`
		Name            string   `json:"name"`
		Status          string   `json:"status"`
		RegionCode      string   `json:"region_code"`
		RegionName      string   `json:"region_name"`
		Current         bool     `json:"current"`
		LastUploadedAt  *string  `json:"last_uploaded_at"`
		LastUploadedBy  *string  `json:"last_uploaded_by"`
		SubmissionID    *int64   `json:"submission_id"`
		Due             string   `json:"due"`
		Overdue         bool     `json:"overdue"`
		MissingRequired []string `json:"missing_required"`
	}
	due := res.Due.Format(time.DateOnly)
	out := []councilOut{}
	for _, tc := range res.shown() {
		co := councilOut{Number: tc.Council.Number, Name: tc.Council.Name, Status: tc.State, RegionCode: tc.Council.RegionCode,
			RegionName: tc.Council.RegionName, Current: tc.Council.Current, Due: due, Overdue: tc.Overdue, MissingRequired: tc.Missing}
		if co.MissingRequired == nil {
			co.MissingRequired = []string{}
		}
		if tc.Upload != 0 {
			at, by := tc.UploadedAt, tc.UploadedBy
			co.LastUploadedAt, co.LastUploadedBy = &at, &by
			if !tc.Demo {
				id := tc.Upload
				co.SubmissionID = &id
			}
		}
		out = append(out, co)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"month": res.Filter.Month.String(), "due": due, "past_due": res.PastDue,
		"counts": res.counts(res.Filter.Region), "councils": out})
}
