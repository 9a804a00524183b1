package web

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// reconNationalRow is one council's year in the national reconciliation.
type reconNationalRow struct {
	dashboard.ReconcileRow
	Number  int
	Name    string
	Region  string
	Current bool
	// Ended says when a predecessor ended, for the table.
	Ended string
}

// regionReconCount is one region's line of the national summary.
type regionReconCount struct {
	Label                       string
	Councils, Compared, Flagged int
}

// reconNationalPage is the national reconciliation for one indicator and
// year: every council that existed at the year's end, predecessors with
// monthly figures included.
type reconNationalPage struct {
	Indicator  domain.Indicator
	Indicators []domain.Indicator
	Year       int
	Years      []int
	Period     string
	Sort       string
	Tolerance  string
	Method     string
	TotalLabel string
	CSV, XLSX  string
	Rows       []reconNationalRow
	Regions    []regionReconCount
	// Counts over Rows: compared (a full year against a DfE figure),
	// flagged among them, partial years, no monthly figures, no DfE
	// figure.
	Councils, Compared, Flagged, Partial, NoMonthly, NoOfficial int
}

// reconcileSorts are the orders the national table offers.
var reconcileSorts = []string{"flagged", "difference", "region", "name"}

// nationalReconciliation computes the national table from ?indicator=,
// ?year= and ?sort=.
func (s *Server) nationalReconciliation(ctx context.Context, c *gin.Context) (*reconNationalPage, error) {
	d, err := s.dataset(ctx)
	if err != nil {
		return nil, err
	}
	code := c.Query("indicator")
	if code == "" {
		code = "CSC_REFERRALS"
		if inds := d.ReconciledIndicators(); len(inds) > 0 && !slices.ContainsFunc(inds, func(i domain.Indicator) bool { return i.Code == code }) {
			code = inds[0].Code
		}
	}
	ind, err := reconcileIndicator(d, code)
	if err != nil {
		return nil, err
	}
	p := &reconNationalPage{Indicator: ind, Indicators: d.ReconciledIndicators(), Sort: c.DefaultQuery("sort", "flagged"),
		Tolerance: dashboard.PercentText(s.reconcileTolerance()), Method: reconcileMethod(ind), TotalLabel: totalLabel(ind)}
	if !slices.Contains(reconcileSorts, p.Sort) {
		return nil, domain.Errorf(domain.EINVALID, "%q is not an order of the table: use flagged, difference, region or name.", p.Sort)
	}
	// The council figures of the indicator by council, and each year's
	// period end.
	byCouncil := map[string][]domain.OfficialValue{}
	periodEnd := map[int]string{}
	for _, o := range d.Official[ind.Code] {
		if o.Level != "council" {
			continue
		}
		byCouncil[o.Area] = append(byCouncil[o.Area], o)
		if _, ok := periodEnd[o.Year]; !ok && len(o.PeriodEnd) >= 7 {
			if end, err := domain.ParseMonth(o.PeriodEnd[:7]); err == nil && !end.Before(domain.FirstMonth) {
				periodEnd[o.Year] = o.PeriodEnd
			}
		}
	}
	for y := range periodEnd {
		p.Years = append(p.Years, y)
	}
	slices.Sort(p.Years)
	slices.Reverse(p.Years)
	if len(p.Years) == 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "There are no DfE figures of %s from 2017 on.", ind.Label)
	}
	councils, err := s.db.AllCouncils(ctx)
	if err != nil {
		return nil, err
	}
	if y := c.Query("year"); y != "" {
		p.Year, err = strconv.Atoi(y)
		if err != nil || periodEnd[p.Year] == "" {
			return nil, domain.Errorf(domain.EINVALID, "%q is not a year DfE published %s for: use one of %s.", y, ind.Code, yearList(p.Years))
		}
	} else {
		p.Year = s.defaultReconcileYear(d, ind, councils, byCouncil, p.Years)
	}
	end, _ := domain.ParseMonth(periodEnd[p.Year][:7])
	v := dashboard.ViewerOf(currentUser(c))
	regions := map[string]*regionReconCount{}
	for _, co := range councils {
		if !co.ExistedIn(end) || !co.Current && d.Held(ind.Code, co.Number) == 0 {
			continue
		}
		var offs []domain.OfficialValue
		for _, o := range byCouncil[strconv.Itoa(co.Number)] {
			if o.Year == p.Year {
				offs = append(offs, o)
			}
		}
		if len(offs) == 0 { // DfE has no row for the council: compare with nothing
			offs = []domain.OfficialValue{{Indicator: ind.Code, Level: "council", Area: strconv.Itoa(co.Number), Year: p.Year, PeriodEnd: periodEnd[p.Year]}}
		}
		rows := d.Reconcile(ind, co.Number, v, offs, s.reconcileTolerance())
		if len(rows) != 1 {
			continue
		}
		r := reconNationalRow{ReconcileRow: rows[0], Number: co.Number, Name: co.Name, Region: co.RegionName, Current: co.Current}
		if !co.Current {
			r.Ended = co.LastMonth().Label()
		}
		p.Period = r.Period
		p.Rows = append(p.Rows, r)
		rc := regions[co.RegionName]
		if rc == nil {
			rc = &regionReconCount{Label: co.RegionName}
			regions[co.RegionName] = rc
		}
		rc.Councils++
		p.Councils++
		switch {
		case !r.Official.OK:
			p.NoOfficial++
		case r.Months == 0:
			p.NoMonthly++
		case !r.Complete:
			p.Partial++
		case r.DifferencePercent.OK && !r.DifferencePercent.Suppressed:
			p.Compared++
			rc.Compared++
			if r.Flagged {
				p.Flagged++
				rc.Flagged++
			}
		}
	}
	for _, rc := range regions {
		p.Regions = append(p.Regions, *rc)
	}
	slices.SortFunc(p.Regions, func(a, b regionReconCount) int { return cmp.Compare(a.Label, b.Label) })
	sortReconRows(p.Rows, p.Sort)
	q := url.Values{"indicator": {ind.Code}, "year": {strconv.Itoa(p.Year)}, "sort": {p.Sort}}
	p.CSV, p.XLSX = "/reconciliation.csv?"+q.Encode(), "/reconciliation.xlsx?"+q.Encode()
	return p, nil
}

// defaultReconcileYear is the latest year in which some council's monthly
// figures cover the whole year, or the latest year DfE published.
func (s *Server) defaultReconcileYear(d *dashboard.Snapshot, ind domain.Indicator, councils []domain.Council, byCouncil map[string][]domain.OfficialValue, years []int) int {
	for _, y := range years {
		for _, co := range councils {
			var offs []domain.OfficialValue
			for _, o := range byCouncil[strconv.Itoa(co.Number)] {
				if o.Year == y {
					offs = append(offs, o)
				}
			}
			for _, r := range d.Reconcile(ind, co.Number, dashboard.Viewer{}, offs, s.reconcileTolerance()) {
				if r.Complete {
					return y
				}
			}
		}
	}
	return years[0]
}

// sortReconRows orders the national table: flagged first (largest
// difference first), by difference, by region, or by name.
func sortReconRows(rows []reconNationalRow, by string) {
	size := func(r reconNationalRow) float64 {
		if r.DifferencePercent.OK && !r.DifferencePercent.Suppressed {
			return math.Abs(r.DifferencePercent.Value)
		}
		return -1
	}
	slices.SortStableFunc(rows, func(a, b reconNationalRow) int {
		switch by {
		case "flagged":
			if a.Flagged != b.Flagged {
				if a.Flagged {
					return -1
				}
				return 1
			}
			if c := cmp.Compare(size(b), size(a)); c != 0 {
				return c
			}
		case "difference":
			if c := cmp.Compare(size(b), size(a)); c != 0 {
				return c
			}
		case "region":
			if c := cmp.Compare(a.Region, b.Region); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.Name, b.Name)
	})
}

// yearList writes years for a message: "2025, 2024, 2023".
func yearList(years []int) string {
	s := ""
	for i, y := range years {
		if i > 0 {
			s += ", "
		}
		s += strconv.Itoa(y)
	}
	return s
}

// reconciliationPage shows every council's monthly returns against DfE's
// figures for one indicator and year (LGA officers and administrators).
func (s *Server) reconciliationPage(c *gin.Context) {
	p, err := s.nationalReconciliation(c.Request.Context(), c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	s.render(c, http.StatusOK, "reconciliation", pageData{
		Title:       "Monthly returns against DfE's published figures",
		Breadcrumbs: []crumb{{"Home", "/"}, {"Pressure points", "/pressure"}},
		Body:        p,
	})
}

// reconciliationExport downloads the national table as CSV or Excel.
func (s *Server) reconciliationExport(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := s.nationalReconciliation(c.Request.Context(), c)
		if err != nil {
			s.handleError(c, err)
			return
		}
		header := append([]string{"LA number", "Council", "Region"}, reconcileHeader...)
		rows := make([][]string, 0, len(p.Rows))
		for _, r := range p.Rows {
			rows = append(rows, append([]string{strconv.Itoa(r.Number), r.Name, r.Region}, reconcileCells(r.ReconcileRow)...))
		}
		s.sendTable(c, format, fmt.Sprintf("reconciliation-%s-%d", p.Indicator.Code, p.Year),
			fmt.Sprintf("%s, %s: every council's monthly returns against DfE's published figures", p.Indicator.Label, p.Period),
			reconcileNote(p.Indicator, s.reconcileTolerance()), header, rows)
	}
}
