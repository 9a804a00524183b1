package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// reconcileTolerance is the configured tolerance as a fraction.
func (s *Server) reconcileTolerance() float64 {
	if s.cfg.ReconcileTolerance > 0 {
		return s.cfg.ReconcileTolerance
	}
	return analytics.DefaultReconcileTolerance
}

// reconcileIndicator reads ?indicator= for a reconciliation: it must name
// an indicator with an official counterpart.
func reconcileIndicator(d *dashboard.Snapshot, code string) (domain.Indicator, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	inds := d.ReconciledIndicators()
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

// reconcileView is the profile's table of a council's monthly returns
// against DfE's published figures, for the indicator on the chart.
type reconcileView struct {
	Indicator domain.Indicator
	Rows      []dashboard.ReconcileRow // newest first
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
func (s *Server) buildReconcileView(d *dashboard.Snapshot, ind domain.Indicator, council int, v dashboard.Viewer) *reconcileView {
	official := d.OfficialOf(ind.Code, council)
	if len(official) == 0 {
		return nil
	}
	rows := d.Reconcile(ind, council, v, official, s.reconcileTolerance())
	if len(rows) == 0 {
		return nil
	}
	slices.Reverse(rows)
	q := fmt.Sprintf("?indicator=%s", ind.Code)
	rv := &reconcileView{Indicator: ind, Rows: rows, TotalLabel: totalLabel(ind), Tolerance: dashboard.PercentText(s.reconcileTolerance()), Method: reconcileMethod(ind),
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
	if ind.PercentOf() != "" {
		return "Monthly returns, " + ind.DisplayUnit()
	}
	if analytics.ReconcileSums(ind) {
		return "Monthly total"
	}
	return "Monthly figure"
}

// reconcileMethod says in words how the monthly figures meet DfE's.
func reconcileMethod(ind domain.Indicator) string {
	if ind.PercentOf() != "" {
		return "The monthly figure is the twelve months' " + strings.ToLower(ind.Label) + " over the same months' " + ind.DenominatorNoun() +
			", as a percentage, for the financial year (April to March) that DfE's percentage covers."
	}
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
	rows := d.Reconcile(ind, n, dashboard.ViewerOf(currentUser(c)), d.OfficialOf(ind.Code, n), s.reconcileTolerance())
	if rows == nil {
		rows = []dashboard.ReconcileRow{}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, rows)
}

// reconcileHeader is the downloads' header, in words.
var reconcileHeader = []string{"Year", "Monthly total", "Months", "DfE figure", "Difference", "Difference (%)", "Flagged"}

// reconcileCells writes a row for a download: numbers as numbers, the
// suppression marker where withheld, DfE's marker where it published none.
func reconcileCells(r dashboard.ReconcileRow) []string {
	num := func(f dashboard.Figure, decimals int) string {
		switch {
		case f.Suppressed:
			return analytics.SuppressedMarker
		case !f.OK:
			return ""
		}
		return strconv.FormatFloat(dashboard.RoundTo(f.Value, decimals), 'f', -1, 64)
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
		for _, r := range d.Reconcile(ind, n, dashboard.ViewerOf(currentUser(c)), d.OfficialOf(ind.Code, n), s.reconcileTolerance()) {
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
		"Flagged when that is beyond " + dashboard.PercentText(tol) + " and every month is held. c: withheld (a count of 1 to 5) or suppressed by DfE; x: not available from DfE."
}
