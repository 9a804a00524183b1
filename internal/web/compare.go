package web

import (
	"net/http"
	"strconv"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// buildComparison assembles the comparison for the signed-in user.
func (s *Server) buildComparison(c *gin.Context, d *dashboard.Snapshot, ind domain.Indicator, m domain.Month, council int) *dashboard.Comparison {
	return d.Compare(dashboard.ViewerOf(currentUser(c)), ind, m, council)
}

// compareParams reads indicator, month and council from the query, with
// sensible defaults: the latest month and the user's own council.
func (s *Server) compareParams(c *gin.Context, d *dashboard.Snapshot) (domain.Indicator, domain.Month, int, error) {
	code := c.DefaultQuery("indicator", "CSC_REFERRALS")
	ind, ok := d.ByCode[code]
	if !ok {
		return ind, domain.Month{}, 0, domain.Errorf(domain.ENOTFOUND, "There is no indicator with code %q; /api/v1/indicators lists them.", code)
	}
	m := d.Last
	if q := c.Query("month"); q != "" {
		var err error
		if m, err = domain.ParseMonth(q); err != nil {
			return ind, m, 0, err
		}
	}
	if m.IsZero() {
		return ind, m, 0, domain.Errorf(domain.ENOTFOUND, "No monthly figures are stored yet.")
	}
	council := 0
	if u := currentUser(c); u != nil && u.Role.Scoped() {
		council = u.Council
	}
	if q := c.Query("council"); q != "" {
		n, err := strconv.Atoi(q)
		if _, known := d.ByNumber[n]; err != nil || !known {
			return ind, m, 0, domain.Errorf(domain.ENOTFOUND, "There is no council with DfE number %q.", q)
		}
		council = n
	}
	return ind, m, council, nil
}

// apiCompare returns every council's value, rate, rank and band for one
// indicator and month, with the regional and England aggregates.
func (s *Server) apiCompare(c *gin.Context) {
	cmp, ok := s.comparisonFor(c)
	if !ok {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, cmp)
}

// apiIndicators returns the catalogue.
func (s *Server) apiIndicators(c *gin.Context) {
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	type apiIndicator struct {
		domain.Indicator
		DisplayUnit string `json:"display_unit"`
		AreaLabel   string `json:"area_label"`
	}
	out := make([]apiIndicator, len(d.Indicators))
	for i, ind := range d.Indicators {
		out[i] = apiIndicator{ind, ind.DisplayUnit(), domain.AreaLabel(ind.Area)}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"indicators": out, "count": len(out)})
}
