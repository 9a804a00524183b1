package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/dashboard"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// projectionsPage is the LGA's view of every council's projections: the
// national accuracy table, the councils projected to rise most and to
// enter the worst band, and the latest exceptions.
type projectionsPage struct {
	Indicator  domain.Indicator
	Indicators []domain.Indicator
	BandMonth  string
	Accuracy   []accuracyRow
	Rising     []outlookRow
	EnteringD  []outlookRow
	Exceptions []exceptionRow
	Since      string
	CSV, XLSX  string
	Feed       string
}

type accuracyRow struct {
	Code, Label                    string
	Projected, NotProjected        int
	Median, Mean, Cover80, Cover95 string
	Forecasts                      string
}

type outlookRow struct {
	Number                            int
	Code                              string
	Name, Region                      string
	LastYear, NextYear, Change        string
	In12, Likely, Band, ProjectedBand string
	Accuracy                          string
}

type exceptionRow struct {
	Number              int
	Name, Month, Reason string
	Direction, Href     string
}

func pct(x float64) string { return strconv.FormatFloat(100*x, 'f', 0, 64) + "%" }

func (s *Server) buildProjectionsPage(c *gin.Context) (*projectionsPage, []dashboard.Outlook, error) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		return nil, nil, err
	}
	code := c.DefaultQuery("indicator", "CSC_CLA")
	ind, ok := d.ByCode[code]
	if !ok {
		return nil, nil, domain.Errorf(domain.ENOTFOUND, "There is no indicator with code %q.", code)
	}
	p := &projectionsPage{Indicator: ind, Indicators: d.Indicators,
		CSV: "/projections.csv?indicator=" + url.QueryEscape(code), XLSX: "/projections.xlsx?indicator=" + url.QueryEscape(code)}
	for _, a := range d.NationalAccuracy() {
		r := accuracyRow{Code: a.Indicator.Code, Label: a.Indicator.Label, Projected: a.Projected, NotProjected: a.NotProjected,
			Forecasts: dashboard.FormatCount(float64(a.Forecasts))}
		if a.Projected > 0 {
			r.Median, r.Mean = strconv.FormatFloat(a.MedianRelativeMAE, 'f', 2, 64), strconv.FormatFloat(a.MeanRelativeMAE, 'f', 2, 64)
			r.Cover80, r.Cover95 = pct(a.Coverage80), pct(a.Coverage95)
		}
		p.Accuracy = append(p.Accuracy, r)
	}
	outs, month := d.Outlooks(ind)
	p.BandMonth = month.Label()
	row := func(o dashboard.Outlook) outlookRow {
		f := func(x float64) string { return dashboard.FormatValue(ind, x) }
		return outlookRow{Number: o.Council.Number, Code: ind.Code, Name: o.Council.Name, Region: o.Council.RegionName,
			LastYear: f(o.LastYear), NextYear: f(o.NextYear), Change: signedPct(o.Change), In12: f(o.In12),
			Likely: f(o.Lower80) + " to " + f(o.Upper80), Band: o.Band, ProjectedBand: o.ProjectedBand, Accuracy: o.Projection.AccuracyText()}
	}
	for i, o := range outs {
		if i < 20 {
			p.Rising = append(p.Rising, row(o))
		}
		if o.Band != "" && o.Band != "D" && o.ProjectedBand == "D" {
			p.EnteringD = append(p.EnteringD, row(o))
		}
	}
	since, err := exceptionsSince(c, d)
	if err != nil {
		return nil, nil, err
	}
	p.Since = since.Label()
	p.Feed = "/exceptions.atom?since=" + since.String()
	for _, e := range d.Exceptions(dashboard.ViewerOf(currentUser(c)), since) {
		if e.Indicator.Code != ind.Code {
			continue
		}
		p.Exceptions = append(p.Exceptions, exceptionRow{Number: e.Council.Number, Name: e.Council.Name, Month: e.Month.Label(),
			Reason: e.Reason(), Direction: e.Direction, Href: exceptionHref(e)})
	}
	return p, outs, nil
}

func signedPct(x float64) string {
	if x >= 0 {
		return "+" + pct(x)
	}
	return "−" + pct(-x)
}

// projectionsPageHandler shows every council's projections (LGA officers
// and administrators).
func (s *Server) projectionsPageHandler(c *gin.Context) {
	p, _, err := s.buildProjectionsPage(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	s.render(c, http.StatusOK, "projections", pageData{Title: "Projections: " + p.Indicator.Label,
		Breadcrumbs: []crumb{{"Home", "/"}, {"Pressure points", "/pressure"}}, Body: p})
}

// projectionsExport downloads every council's outlook for the indicator.
func (s *Server) projectionsExport(format string) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, outs, err := s.buildProjectionsPage(c)
		if err != nil {
			s.handleError(c, err)
			return
		}
		ind := p.Indicator
		header := []string{"la_number", "council", "region", "indicator_code", "unit", "last_12_months_mean", "next_12_months_mean", "change_percent",
			"projected_in_12_months", "lower_80", "upper_80", "band_now", "band_projected", "relative_mae", "coverage_80", "coverage_95"}
		f := func(x float64) string { return strconv.FormatFloat(dashboard.RoundTo(x, 2), 'f', 2, 64) }
		rows := make([][]string, 0, len(outs))
		for _, o := range outs {
			b := o.Projection.Backtest
			rows = append(rows, []string{strconv.Itoa(o.Council.Number), o.Council.Name, o.Council.RegionName, ind.Code, ind.DisplayUnit(),
				f(o.LastYear), f(o.NextYear), f(100 * o.Change), f(o.In12), f(o.Lower80), f(o.Upper80), o.Band, o.ProjectedBand,
				f(b.RelativeMAE), f(b.Coverage80), f(b.Coverage95)})
		}
		s.sendTable(c, format, "projections-"+ind.Code, fmt.Sprintf("%s: every council's projection for the next 12 months", ind.Label),
			"Means of the last 12 monthly figures and of the 12 projected months, in "+ind.DisplayUnit()+"; bands against the thresholds of "+p.BandMonth+
				"; relative MAE and coverage from each council's backtest.", header, rows)
	}
}
