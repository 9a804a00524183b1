package web

import (
	"encoding/xml"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/dashboard"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// apiProjectionPoint is one projected month in the API.
type apiProjectionPoint struct {
	Month    string  `json:"month"`
	Forecast float64 `json:"forecast"`
	Lower80  float64 `json:"lower_80"`
	Upper80  float64 `json:"upper_80"`
	Lower95  float64 `json:"lower_95"`
	Upper95  float64 `json:"upper_95"`
}

// apiBacktest is a projection's published accuracy.
type apiBacktest struct {
	MAE         *float64 `json:"mae"`
	NaiveMAE    *float64 `json:"naive_mae"`
	RelativeMAE *float64 `json:"relative_mae"`
	Coverage80  *float64 `json:"coverage_80"`
	Coverage95  *float64 `json:"coverage_95"`
	Forecasts   int      `json:"forecasts"`
	Covered80   int      `json:"covered_80"`
	Covered95   int      `json:"covered_95"`
	Origins     int      `json:"origins"`
	Method      string   `json:"method"`
	Description string   `json:"description"`
}

// backtestDescription says what the backtest measured.
const backtestDescription = "Rolling-origin backtest on the council's own figures: from each of the last 36 months (with two years of figures before it), " +
	"the method projected 1 to 12 months ahead using only the figures to that month. mae is the mean absolute error of those projections, " +
	"naive_mae that of the same month a year before over the same months, relative_mae their ratio (below 1 is better than last year's figure); " +
	"coverage_80 and coverage_95 are the shares of actual figures within the 80% and 95% intervals."

func rounded(v float64, decimals int) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	r := dashboard.RoundTo(v, decimals)
	return &r
}

func backtestJSON(p *dashboard.Projected) apiBacktest {
	b := p.Backtest
	out := apiBacktest{Forecasts: b.Forecasts, Covered80: b.Covered80, Covered95: b.Covered95, Origins: b.Origins,
		Method: methodName(p.Method), Description: backtestDescription}
	if b.Forecasts > 0 {
		out.MAE, out.NaiveMAE, out.RelativeMAE = rounded(b.MAE, 4), rounded(b.NaiveMAE, 4), rounded(b.RelativeMAE, 4)
		out.Coverage80, out.Coverage95 = rounded(b.Coverage80, 4), rounded(b.Coverage95, 4)
	}
	return out
}

// methodName names the projection method for readers.
func methodName(m string) string {
	if m == "combined" || m == "" {
		return "Average of Holt–Winters exponential smoothing with a damped trend and a seasonal regression with shrunken month effects, fitted leaving out Mar 2020 to Jun 2021"
	}
	return m
}

// projectionIndicator reads ?indicator= for a projection.
func projectionIndicator(c *gin.Context, d *dashboard.Snapshot) (domain.Indicator, error) {
	code := c.Query("indicator")
	if code == "" {
		return domain.Indicator{}, domain.Errorf(domain.EINVALID, "Give an indicator code, for example ?indicator=CSC_REFERRALS; /api/v1/indicators lists them.")
	}
	ind, ok := d.ByCode[code]
	if !ok {
		return ind, domain.Errorf(domain.ENOTFOUND, "There is no indicator with code %q.", code)
	}
	return ind, nil
}

// apiProjection answers one council's projection of one indicator with
// its backtest.
func (s *Server) apiProjection(c *gin.Context) {
	d, co, err := s.snapshotCouncil(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	n := co.Number
	ind, err := projectionIndicator(c, d)
	if err != nil {
		s.handleError(c, err)
		return
	}
	horizon := dashboard.ProjectionHorizon
	if h := c.Query("horizon"); h != "" {
		if horizon, err = strconv.Atoi(h); err != nil || horizon < 1 || horizon > dashboard.ProjectionHorizon {
			s.handleError(c, domain.Errorf(domain.EINVALID, "horizon %q: give a whole number of months from 1 to %d.", h, dashboard.ProjectionHorizon))
			return
		}
	}
	p := d.ProjectionFor(dashboard.ViewerOf(currentUser(c)), ind, n)
	points := []apiProjectionPoint{}
	for _, pt := range p.Points {
		if pt.Ahead > horizon {
			break
		}
		points = append(points, apiProjectionPoint{Month: dashboard.MonthOfIndex(pt.Month).String(), Forecast: dashboard.RoundTo(pt.Forecast, 2),
			Lower80: dashboard.RoundTo(pt.Lower80, 2), Upper80: dashboard.RoundTo(pt.Upper80, 2),
			Lower95: dashboard.RoundTo(pt.Lower95, 2), Upper95: dashboard.RoundTo(pt.Upper95, 2)})
	}
	var last, reason *string
	if !p.LastMonth.IsZero() {
		l := p.LastMonth.String()
		last = &l
	}
	if p.Reason != "" {
		reason = &p.Reason
	}
	demo, _ := s.isDemo(c.Request.Context())
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{
		"council":       co,
		"indicator":     ind,
		"unit":          dashboard.ProjectedUnit(ind),
		"last_month":    last,
		"horizon":       horizon,
		"projected":     p.OK,
		"reason":        reason,
		"reason_text":   p.ReasonText(),
		"accuracy_text": p.AccuracyText(),
		"points":        points,
		"backtest":      backtestJSON(p),
		"demonstration": demo,
	})
}

// apiException is one exception in the API and the feed.
type apiException struct {
	Council   int     `json:"council"`
	Name      string  `json:"council_name"`
	Indicator string  `json:"indicator"`
	Month     string  `json:"month"`
	Value     float64 `json:"value"`
	Expected  float64 `json:"expected"`
	Lower95   float64 `json:"lower_95"`
	Upper95   float64 `json:"upper_95"`
	Direction string  `json:"direction"`
	Unit      string  `json:"unit"`
	Reason    string  `json:"reason"`
	Href      string  `json:"href"`
}

func exceptionJSON(e dashboard.Exception) apiException {
	return apiException{Council: e.Council.Number, Name: e.Council.Name, Indicator: e.Indicator.Code, Month: e.Month.String(),
		Value: dashboard.RoundTo(e.Value, 2), Expected: dashboard.RoundTo(e.Expected, 2), Lower95: dashboard.RoundTo(e.Lower95, 2),
		Upper95: dashboard.RoundTo(e.Upper95, 2), Direction: e.Direction, Unit: dashboard.ProjectedUnit(e.Indicator), Reason: e.Reason(),
		Href: exceptionHref(e)}
}

// exceptionHref is the chart an exception shows on.
func exceptionHref(e dashboard.Exception) string {
	return fmt.Sprintf("/councils/%d?indicator=%s#exceptions", e.Council.Number, url.QueryEscape(e.Indicator.Code))
}

// exceptionsSince reads ?since=YYYY-MM, defaulting to three months
// before the latest month held.
func exceptionsSince(c *gin.Context, d *dashboard.Snapshot) (domain.Month, error) {
	if s := c.Query("since"); s != "" {
		m, err := domain.ParseMonth(s)
		if err != nil {
			return m, domain.Errorf(domain.EINVALID, "since %q: write the month as YYYY-MM, for example 2026-09.", s)
		}
		return m, nil
	}
	if d.Last.IsZero() {
		return domain.FirstMonth, nil
	}
	return d.Last.Add(-2), nil
}

// apiExceptions lists every council's exceptions since a month.
func (s *Server) apiExceptions(c *gin.Context) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	since, err := exceptionsSince(c, d)
	if err != nil {
		s.handleError(c, err)
		return
	}
	out := []apiException{}
	for _, e := range d.Exceptions(dashboard.ViewerOf(currentUser(c)), since) {
		out = append(out, exceptionJSON(e))
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, out)
}

// Atom 1.0 (RFC 4287) for the exceptions feed.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Author  atomAuthor  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Link    atomLink `xml:"link"`
	Summary string   `xml:"summary"`
}

// exceptionsAtom is the exceptions feed an officer subscribes to. It
// needs a signed-in session, as every page does: a feed reader running
// in the officer's browser (or given the session cookie) reads it.
func (s *Server) exceptionsAtom(c *gin.Context) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	since, err := exceptionsSince(c, d)
	if err != nil {
		s.handleError(c, err)
		return
	}
	base := s.baseURL(c)
	es := d.Exceptions(dashboard.ViewerOf(currentUser(c)), since)
	feed := atomFeed{Title: "Resilience: figures outside their projected range since " + since.Label(),
		ID: "tag:resilience,2026:exceptions", Author: atomAuthor{Name: "Resilience dashboard"},
		Links: []atomLink{{Rel: "self", Href: base + "/exceptions.atom?since=" + since.String(), Type: "application/atom+xml"},
			{Rel: "alternate", Href: base + "/projections#exceptions", Type: "text/html"}}}
	updated := domain.FirstMonth.Start()
	for _, e := range es {
		// An exception is known once the month after it has begun and its
		// figure arrived: its entry is dated the first day of that month.
		at := e.Month.Add(1).Start()
		if at.After(updated) {
			updated = at
		}
		feed.Entries = append(feed.Entries, atomEntry{
			Title:   fmt.Sprintf("%s: %s %s than expected in %s", e.Council.Name, e.Indicator.Label, e.Direction, e.Month.Label()),
			ID:      fmt.Sprintf("tag:resilience,2026:exception/%d/%s/%s", e.Council.Number, e.Indicator.Code, e.Month),
			Updated: at.Format(time.RFC3339),
			Link:    atomLink{Rel: "alternate", Href: base + exceptionHref(e), Type: "text/html"},
			Summary: e.Reason(),
		})
	}
	feed.Updated = updated.Format(time.RFC3339)
	body, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		s.handleError(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), body...))
}

// baseURL is the address the feed's links start with: the configured
// base URL, or the request's own host.
func (s *Server) baseURL(c *gin.Context) string {
	if b := s.cfg.settings.BaseURL; b != "" {
		return strings.TrimRight(b, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// snapshotCouncil is the read model's snapshot and the council the
// request's path names, or an error naming the number.
func (s *Server) snapshotCouncil(c *gin.Context) (*dashboard.Snapshot, domain.Council, error) {
	n, err := councilNumber(c)
	if err != nil {
		return nil, domain.Council{}, err
	}
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		return nil, domain.Council{}, err
	}
	co, ok := d.ByNumber[n]
	if !ok {
		return nil, domain.Council{}, domain.Errorf(domain.ENOTFOUND, "There is no council with DfE number %d.", n)
	}
	return d, co, nil
}

// apiNarrative answers a council's key lines of enquiry.
func (s *Server) apiNarrative(c *gin.Context) {
	d, co, err := s.snapshotCouncil(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	n := co.Number
	sentences := d.Narrative(dashboard.ViewerOf(currentUser(c)), n, s.now(), s.reconcileTolerance())
	if sentences == nil {
		sentences = []dashboard.Sentence{}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"council": co, "sentences": sentences})
}
