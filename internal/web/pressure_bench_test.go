package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/demo"
	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// BenchmarkPressurePageAfterAReturn is the pressure page at national
// scale, with neither the page cache nor the month's pressure points
// computed: the first page after a return to the latest month.
func BenchmarkPressurePageAfterAReturn(b *testing.B) {
	last := domain.Month{Year: 2026, Month: time.October}
	e := newTestEnvWith(b, Config{}, func(ref *reference.Data, emit func(domain.Observation) error) error {
		return demo.Generate(ref, demo.Options{Seed: demo.DefaultSeed, Last: last}, emit)
	})
	c := e.signIn("lga@bench.test", e.addUser("lga@bench.test", domain.RoleLGA, 0))
	u, _ := url.Parse(e.ts.URL)
	cookies := c.Jar.Cookies(u)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		storeFigures(b, e, domain.Observation{Council: 202, Indicator: "CSC_CLA", Month: last.String(), Value: float64(300 + b.N)})
		if _, err := e.srv.model.Refresh(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		req := httptest.NewRequest(http.MethodGet, "/pressure", nil)
		for _, ck := range cookies {
			req.AddCookie(ck)
		}
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
