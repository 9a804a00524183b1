package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// A DCS's profile draws its projection beyond the last month: a dashed
// line named Projection with shaded 80% and 95% ranges (the chart checks
// pass: the bands are on the line's scale and draw something), the
// accuracy in the chart's subtitle, and the planning table beneath it.
func TestBrowserProfileProjection(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleDCS)
	tb.open(t, app.URL()+"/councils/202?indicator=CSC_CLA")
	tb.checkPage(t, app.URL(), "profile-projection", 8)
	got, err := chromedp.Run(tb.ctx, chromedp.Evaluate[map[string]any](`(function () {
		var opt = echarts.getInstanceByDom(document.getElementById('chart-comparison')).getOption();
		var names = opt.series.map(function (s) { return s.name; });
		var proj = opt.series.filter(function (s) { return s.name === 'Projection'; })[0];
		var x = opt.xAxis[0].data;
		return {names: names, dashed: proj ? proj.lineStyle.type : '', subtitle: opt.title[0].subtext,
			lastX: x[x.length - 1], drawn: proj ? proj.data.filter(function (d) { return d !== '-' && d.value !== '-'; }).length : 0,
			table: (document.querySelector('#projection') || {}).innerText || ''};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	names := strings.Join(toStrings(got["names"]), "|")
	for _, want := range []string{"Projection", "Projection: 80% range", "Projection: 95% range"} {
		if !strings.Contains(names, want) {
			t.Errorf("no %q series in %s", want, names)
		}
	}
	if got["dashed"] != "dashed" || got["drawn"].(float64) != 13 {
		t.Errorf("projection line: %v, %v points drawn; want dashed, the last figure and 12 months", got["dashed"], got["drawn"])
	}
	if sub, _ := got["subtitle"].(string); !strings.Contains(sub, "Projection: ") || !strings.Contains(sub, "80% range held") {
		t.Errorf("subtitle %q", sub)
	}
	if table, _ := got["table"].(string); !strings.Contains(table, "Children looked after in 12 months") || !strings.Contains(table, "Likely (80% range)") {
		t.Errorf("planning table: %.300q", table)
	}
	png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS("#comparison")))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(outputDir(t), "profile-projection-chart.png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func toStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

// The LGA's projections page and the profile's key lines of enquiry, as
// an officer sees them (axe, no sideways overflow, screenshots).
func TestBrowserProjectionsPage(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleLGA)
	tb.open(t, app.URL()+"/projections?indicator=CSC_CLA")
	tb.checkPage(t, app.URL(), "projections", 0)
	tb.open(t, app.URL()+"/councils/202?indicator=CSC_REFERRALS")
	tb.checkPage(t, app.URL(), "profile-enquiry", 8)
	png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS("#enquiry")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outputDir(t), "profile-enquiry-section.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
