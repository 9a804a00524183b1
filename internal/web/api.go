package web

import (
	"net/http"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/analytics"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

type apiCouncil struct {
	domain.Council
	Population *apiPopulation `json:"population"`
}

type apiPopulation struct {
	Year     int   `json:"year"`
	Children int64 `json:"children_0_17"`
}

// apiCouncils lists the current councils with their codes, region and
// latest population of children aged 0 to 17.
func (s *Server) apiCouncils(c *gin.Context) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	councils := d.ByRegion()
	out := make([]apiCouncil, 0, len(councils))
	for _, co := range councils {
		ac := apiCouncil{Council: co}
		if y := d.Pops[co.Number].LatestYear(); y > 0 {
			ac.Population = &apiPopulation{Year: y, Children: d.Pops[co.Number][y]}
		}
		out = append(out, ac)
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"councils": out, "count": len(out)})
}

type apiPoint struct {
	Month      string            `json:"month"`
	Value      dashboard.Figure  `json:"value"`
	RatePer10k *dashboard.Figure `json:"rate_per_10000_children,omitempty"`
	// Percent is, for an indicator shown as a percentage of another
	// (re-referrals of referrals), the value over the other's value for
	// the same month, times 100.
	Percent           *dashboard.Figure `json:"percent_of,omitempty"`
	PopulationYear    int               `json:"population_year,omitempty"`
	PopulationCarried bool              `json:"population_carried_forward,omitempty"`
}

// apiSeries returns one council's monthly series for one indicator.
func (s *Server) apiSeries(c *gin.Context) {
	n, err := councilNumber(c)
	if err != nil {
		s.handleError(c, err)
		return
	}
	code := c.Query("indicator")
	if code == "" {
		s.handleError(c, domain.Errorf(domain.EINVALID, "Give an indicator code, for example ?indicator=CSC_REFERRALS; /api/v1/indicators lists them."))
		return
	}
	d, err := s.loadCouncil(c.Request.Context(), n, dashboard.ViewerOf(currentUser(c)))
	if err != nil {
		s.handleError(c, err)
		return
	}
	var ind *domain.Indicator
	for i := range d.Indicators {
		if d.Indicators[i].Code == code {
			ind = &d.Indicators[i]
		}
	}
	if ind == nil {
		s.handleError(c, domain.Errorf(domain.ENOTFOUND, "There is no indicator with code %q.", code))
		return
	}
	pts := d.Points[code]
	out := make([]apiPoint, 0, len(pts))
	for _, p := range pts {
		ap := apiPoint{Month: p.Month.String(), Value: dashboard.Figure{Value: p.Value, OK: true, Suppressed: p.Suppressed}}
		switch {
		case ind.PerChildren() && p.Suppressed:
			ap.RatePer10k = &dashboard.Figure{Suppressed: true}
		case ind.PerChildren() && p.Displayed:
			ap.RatePer10k = &dashboard.Figure{Value: p.Display, OK: true, Suppressed: false}
			ap.PopulationYear, ap.PopulationCarried = p.PopYear, p.Carried
		case ind.PercentOf() != "" && p.Suppressed:
			ap.Percent = &dashboard.Figure{Suppressed: true}
		case ind.PercentOf() != "" && p.Displayed:
			ap.Percent = &dashboard.Figure{Value: p.Display, OK: true}
		}
		out = append(out, ap)
	}
	missing := []string{}
	if !d.First.IsZero() {
		for _, m := range analytics.MissingMonths(pts, d.First, d.Last) {
			missing = append(missing, m.String())
		}
	}
	demo, _ := s.isDemo(c.Request.Context())
	var comparators []dashboard.ComparisonPoint
	if ds, err := s.dataset(c.Request.Context()); err == nil {
		if _, known := ds.ByNumber[n]; known && !ds.First.IsZero() {
			if view, err := buildComparisonChart(c, ds, *ind, n, ds.First, ds.Last); err == nil {
				comparators = view.Points
			}
		}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{
		"comparators": comparators,
		"comparators_note": "Neighbours are the council's ten DfE statistical neighbours; region and England are sums of counts over sums of children " +
			"(sums of counts over sums of referrals for a percentage of referrals; population-weighted means for other percentages and ratios).",
		"council":        d.Council,
		"indicator":      ind,
		"display_unit":   ind.DisplayUnit(),
		"source":         "monthly returns",
		"demonstration":  demo,
		"points":         out,
		"missing_months": missing,
	})
}
