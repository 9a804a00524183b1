package web

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// reconRow is one year of a council's monthly returns against DfE's
// published figure, as the API, the downloads and the pages give it. The
// figures marshal to a number, "c" (withheld, SECURITY D1) or null.
type reconRow struct {
	Year              int    `json:"year"`
	PeriodEnd         string `json:"period_end"`
	MonthlyTotal      figure `json:"monthly_total"`
	Months            int    `json:"months"`
	MonthsExpected    int    `json:"months_expected"`
	Official          figure `json:"official"`
	Difference        figure `json:"difference"`
	DifferencePercent figure `json:"difference_percent"`
	Flagged           bool   `json:"flagged"`
	// Marker is DfE's symbol where it published no figure: "c"
	// (suppressed), "x" (not available), "z" (not applicable), "low".
	Marker string `json:"marker,omitempty"`

	// For the pages: the months the comparison rests on, the figures as
	// text and what the row means in words.
	Period   string `json:"-"`
	Total    string `json:"-"`
	DfE      string `json:"-"`
	Diff     string `json:"-"`
	Percent  string `json:"-"`
	Words    string `json:"-"`
	Complete bool   `json:"-"`
}

// reconcileTolerance is the configured tolerance as a fraction.
func (s *Server) reconcileTolerance() float64 {
	if s.cfg.ReconcileTolerance > 0 {
		return s.cfg.ReconcileTolerance
	}
	return analytics.DefaultReconcileTolerance
}

// percentText writes a tolerance for people: 0.05 as "5%".
func percentText(f float64) string {
	return strconv.FormatFloat(roundTo(f*100, 2), 'f', -1, 64) + "%"
}

// reconciledIndicators are the catalogue's indicators that DfE publishes
// an annual figure of for councils, in catalogue order.
func (d *dataset) reconciledIndicators() []domain.Indicator {
	var out []domain.Indicator
	for _, ind := range d.indicators {
		for _, o := range d.official[ind.Code] {
			if o.Level == "council" {
				out = append(out, ind)
				break
			}
		}
	}
	return out
}

// reconcileIndicator reads ?indicator= for a reconciliation: it must name
// an indicator with an official counterpart.
func reconcileIndicator(d *dataset, code string) (domain.Indicator, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	inds := d.reconciledIndicators()
	names := make([]string, len(inds))
	for i, ind := range inds {
		names[i] = ind.Code
		if ind.Code == code {
			return ind, nil
		}
	}
	list := strings.Join(names, ", ")
	if list == "" {
		list = "none: no DfE figures are loaded"
	}
	if code == "" {
		return domain.Indicator{}, domain.Errorf(domain.EINVALID, "Give an indicator, for example ?indicator=CSC_REFERRALS. Indicators with a DfE published figure: %s.", list)
	}
	return domain.Indicator{}, domain.Errorf(domain.EINVALID, "%q has no DfE published figure to reconcile with. Indicators with one: %s.", code, list)
}

// officialOf returns one council's official figures of an indicator.
func (d *dataset) officialOf(code string, council int) []domain.OfficialValue {
	area := strconv.Itoa(council)
	var out []domain.OfficialValue
	for _, o := range d.official[code] {
		if o.Level == "council" && o.Area == area {
			out = append(out, o)
		}
	}
	return out
}

// reconcileRows sets a council's monthly returns of an indicator against
// DfE's figures for every year from the first the dashboard can hold
// (period ends from January 2017), oldest first. A viewer from another
// council does not see a total that rests on a count of 1 to 5, nor the
// difference that would give it back (SECURITY D1).
func (s *Server) reconcileRows(d *dataset, ind domain.Indicator, council int, v viewer, official []domain.OfficialValue) []reconRow {
	tol := s.reconcileTolerance()
	series := d.values[ind.Code][council]
	var out []reconRow
	for _, r := range analytics.Reconcile(ind, series, official, tol) {
		if r.End.Before(domain.FirstMonth) {
			continue
		}
		row := reconRow{Year: r.Year, PeriodEnd: r.PeriodEnd, Months: r.Months, MonthsExpected: r.MonthsExpected,
			Flagged: r.Flagged, Marker: r.Marker, Complete: r.Complete(), Official: figureOf(r.Official),
			MonthlyTotal: figureOf(r.MonthlyTotal), Difference: figureOf(r.Difference), DifferencePercent: figureOf(r.DifferencePercent)}
		withheld := false
		if r.MonthlyTotal != nil && v.suppressed(ind, council, *r.MonthlyTotal) {
			withheld = true
		}
		for _, m := range domain.MonthsBetween(r.First, r.End) {
			if x, ok := series.At(m); ok && v.suppressed(ind, council, x) {
				withheld = true
			}
		}
		if withheld {
			row.MonthlyTotal, row.Difference, row.DifferencePercent = figure{Suppressed: true}, figure{Suppressed: true}, figure{Suppressed: true}
			row.Flagged = false
		}
		row.Period = r.End.Label()
		if r.MonthsExpected > 1 {
			row.Period = r.First.Label() + " to " + r.End.Label()
		}
		row.Total, row.DfE = reconText(ind, row.MonthlyTotal, false), reconText(ind, row.Official, false)
		if row.DfE == "" && r.Marker != "" {
			row.DfE = r.Marker
		}
		// A part-year's difference from the whole year's figure says
		// nothing, so the pages leave it blank (the downloads and the API
		// keep it, beside the months it rests on).
		if r.Complete() {
			row.Diff, row.Percent = reconText(ind, row.Difference, true), percentFigure(row.DifferencePercent)
		}
		row.Words = reconWords(r, withheld, tol)
		out = append(out, row)
	}
	return out
}

// figureOf is a known number, or a missing one.
func figureOf(p *float64) figure {
	if p == nil {
		return figure{}
	}
	return figure{Value: *p, OK: true}
}

// reconText writes a figure of the indicator for a table: counts whole
// with thousands separators, rates and ratios to one decimal place; signed
// for a difference.
func reconText(ind domain.Indicator, f figure, signed bool) string {
	switch {
	case f.Suppressed:
		return analytics.SuppressedMarker
	case !f.OK:
		return ""
	}
	size := math.Abs(f.Value)
	text := strconv.FormatFloat(roundTo(size, 1), 'f', 1, 64)
	if ind.Unit == domain.UnitCount {
		text = formatCount(size)
	}
	if !signed {
		if f.Value < 0 {
			return "-" + text
		}
		return text
	}
	return signOf(f.Value, text)
}

// percentFigure writes a difference in per cent to one decimal place.
func percentFigure(f figure) string {
	switch {
	case f.Suppressed:
		return analytics.SuppressedMarker
	case !f.OK:
		return ""
	}
	return signOf(f.Value, strconv.FormatFloat(roundTo(math.Abs(f.Value), 1), 'f', 1, 64)+"%")
}

// signOf puts the sign of x before text, which writes its size.
func signOf(x float64, text string) string {
	switch {
	case x > 0:
		return "+" + text
	case x < 0:
		return "-" + text
	}
	return text
}

// reconWords says what a year's comparison means.
func reconWords(r analytics.Reconciliation, withheld bool, tol float64) string {
	markers := map[string]string{"c": "suppressed", "x": "not available", "z": "not applicable", "low": "too low to publish", "u": "low reliability"}
	switch {
	case r.Official == nil && r.Marker != "":
		what := markers[r.Marker]
		if what == "" {
			what = "not published"
		}
		return fmt.Sprintf("No DfE figure to compare (%s: %s)", r.Marker, what)
	case r.Official == nil:
		return "No DfE figure to compare"
	case r.Months == 0:
		return "No monthly figures"
	case withheld:
		return "Withheld: rests on a count of 1 to 5"
	case !r.Complete() && !r.Missing[len(r.Missing)-1].Before(domain.FirstMonth):
		return fmt.Sprintf("Rests on %d of %d months (none for %s): not compared", r.Months, r.MonthsExpected, monthList(r.Missing))
	case !r.Complete():
		return fmt.Sprintf("Rests on %d of %d months (monthly figures start in %s): not compared", r.Months, r.MonthsExpected, domain.FirstMonth.Label())
	case r.DifferencePercent == nil:
		return "DfE's figure is 0: no percentage difference"
	case r.Flagged:
		return fmt.Sprintf("Differs by %s%%, beyond the %s tolerance", strconv.FormatFloat(roundTo(math.Abs(*r.DifferencePercent), 1), 'f', 1, 64), percentText(tol))
	}
	return fmt.Sprintf("Within the %s tolerance", percentText(tol))
}

// reconcileView is the profile's table of a council's monthly returns
// against DfE's published figures, for the indicator on the chart.
type reconcileView struct {
	Indicator domain.Indicator
	Rows      []reconRow // newest first
	// TotalLabel heads the monthly column: a total for flows, the month's
	// figure otherwise.
	TotalLabel string
	Tolerance  string
	Flagged    int
	Method     string
	CSV, XLSX  string
	JSON       string
}

// buildReconcileView is the profile's reconciliation table, or nil when
// DfE publishes no figure of the indicator for the council.
func (s *Server) buildReconcileView(d *dataset, ind domain.Indicator, council int, v viewer) *reconcileView {
	official := d.officialOf(ind.Code, council)
	if len(official) == 0 {
		return nil
	}
	rows := s.reconcileRows(d, ind, council, v, official)
	if len(rows) == 0 {
		return nil
	}
	slices.Reverse(rows)
	q := fmt.Sprintf("?indicator=%s", ind.Code)
	rv := &reconcileView{Indicator: ind, Rows: rows, TotalLabel: totalLabel(ind), Tolerance: percentText(s.reconcileTolerance()), Method: reconcileMethod(ind),
		CSV:  fmt.Sprintf("/councils/%d/reconciliation.csv%s", council, q),
		XLSX: fmt.Sprintf("/councils/%d/reconciliation.xlsx%s", council, q),
		JSON: fmt.Sprintf("/api/v1/councils/%d/reconciliation%s", council, q)}
	for _, r := range rows {
		if r.Flagged {
			rv.Flagged++
		}
	}
	return rv
}

// totalLabel heads the column of the monthly returns' figure.
func totalLabel(ind domain.Indicator) string {
	if analytics.ReconcileSums(ind) {
		return "Monthly total"
	}
	return "Monthly figure"
}

// reconcileMethod says in words how the monthly figures meet DfE's.
func reconcileMethod(ind domain.Indicator) string {
	if analytics.ReconcileSums(ind) {
		return "The monthly total is the sum of the twelve monthly figures of the financial year (April to March) that DfE's figure covers."
	}
	return "The monthly figure is the one for the month of DfE's date (March for 31 March, September for 30 September)."
}

// apiReconciliation answers GET /api/v1/councils/:number/reconciliation
// ?indicator=CODE: one object per DfE year.
func (s *Server) apiReconciliation(c *gin.Context) {
	n, err := councilNumber(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	ctx := c.Request.Context()
	if _, err := s.db.Council(ctx, n); err != nil {
		s.handleError(c, err)
		return
	}
	d, err := s.dataset(ctx)
	if err != nil {
		s.handleError(c, err)
		return
	}
	ind, err := reconcileIndicator(d, c.Query("indicator"))
	if err != nil {
		s.handleError(c, err)
		return
	}
	rows := s.reconcileRows(d, ind, n, viewerOf(currentUser(c)), d.officialOf(ind.Code, n))
	if rows == nil {
		rows = []reconRow{}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, rows)
}

// reconcileHeader is the downloads' header, in words.
var reconcileHeader = []string{"Year", "Monthly total", "Months", "DfE figure", "Difference", "Difference (%)", "Flagged"}

// reconcileCells writes a row for a download: numbers as numbers, the
// suppression marker where withheld, DfE's marker where it published none.
func reconcileCells(r reconRow) []string {
	num := func(f figure, decimals int) string {
		switch {
		case f.Suppressed:
			return analytics.SuppressedMarker
		case !f.OK:
			return ""
		}
		return strconv.FormatFloat(roundTo(f.Value, decimals), 'f', -1, 64)
	}
	dfe := num(r.Official, 4)
	if dfe == "" {
		dfe = r.Marker
	}
	flagged := "No"
	if r.Flagged {
		flagged = "Yes"
	}
	return []string{strconv.Itoa(r.Year), num(r.MonthlyTotal, 4), strconv.Itoa(r.Months), dfe, num(r.Difference, 4), num(r.DifferencePercent, 1), flagged}
}

// councilReconciliationExport downloads a council's reconciliation as CSV
// or Excel.
func (s *Server) councilReconciliationExport(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		n, err := councilNumber(c)
		if err != nil {
			s.handleError(c, err)
			return
		}
		ctx := c.Request.Context()
		co, err := s.db.Council(ctx, n)
		if err != nil {
			s.handleError(c, err)
			return
		}
		d, err := s.dataset(ctx)
		if err != nil {
			s.handleError(c, err)
			return
		}
		ind, err := reconcileIndicator(d, c.Query("indicator"))
		if err != nil {
			s.handleError(c, err)
			return
		}
		var rows [][]string
		for _, r := range s.reconcileRows(d, ind, n, viewerOf(currentUser(c)), d.officialOf(ind.Code, n)) {
			rows = append(rows, reconcileCells(r))
		}
		s.sendTable(c, format, fmt.Sprintf("%d-%s-reconciliation", n, ind.Code),
			ind.Label+": "+co.Name+"'s monthly returns against DfE's published figures",
			reconcileNote(ind, s.reconcileTolerance()), reconcileHeader, rows)
	}
}

// reconcileNote explains a reconciliation download.
func reconcileNote(ind domain.Indicator, tol float64) string {
	return reconcileMethod(ind) + " Months is how many monthly figures it rests on. Difference is the monthly figure minus DfE's, and in per cent of DfE's. " +
		"Flagged when that is beyond " + percentText(tol) + " and every month is held. c: withheld (a count of 1 to 5) or suppressed by DfE; x: not available from DfE."
}
