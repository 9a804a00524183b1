package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// firstFlaggedCell scrolls the first pressure point on the heatmap into
// view and returns where it is on screen and the page it links to.
const firstFlaggedCell = `(function () {
  var el = document.getElementById('chart-pressure-heatmap');
  var ch = echarts.getInstanceByDom(el);
  var d = ch.getOption().series[0].data;
  for (var i = 0; i < d.length; i++) {
    if (typeof d[i].value[2] === 'number' && d[i].value[2] > 0) {
      var p = ch.convertToPixel({seriesIndex: 0}, [d[i].value[0], d[i].value[1]]);
      var top = el.getBoundingClientRect().top + window.scrollY + p[1];
      window.scrollTo(0, Math.max(0, top - 300));
      var r = el.getBoundingClientRect();
      return [String(r.left + p[0]), String(r.top + p[1]), d[i].href];
    }
  }
  return [];
})()`

// The LGA officer's overview draws the heatmap and the matrix, and a
// heatmap cell opens the council's chart for that indicator.
func TestBrowserPressureOverview(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleLGA)
	tb.open(t, app.URL()+"/pressure")
	tb.checkPage(t, app.URL(), "pressure", 2)

	cell, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](firstFlaggedCell))
	if err != nil || len(cell) != 3 || !strings.HasPrefix(cell[2], "/councils/") {
		t.Fatalf("no pressure point on the heatmap: %v, %v", cell, err)
	}
	var x, y float64
	if _, err := parseFloats(cell[0], cell[1], &x, &y); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tb.ctx, chromedp.Sleep(300*time.Millisecond), chromedp.MouseClickXY(x, y)); err != nil {
		t.Fatal(err)
	}
	want := strings.SplitN(cell[2], "#", 2)[0]
	tb.waitForPath(t, want)
	tb.waitFor(t, `document.readyState === 'complete' && !!document.querySelector('#comparison')`)
}

// parseFloats reads two numbers written by the page.
func parseFloats(a, b string, x, y *float64) (int, error) {
	return fmt.Sscan(a+" "+b, x, y)
}
