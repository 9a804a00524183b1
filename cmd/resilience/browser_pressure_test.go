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

// heatmapLabelsFit measures every council's name on the heatmap's y axis
// at the axis's font and reports those wider than the room left of the
// grid, and whether every council the page lists is on the axis.
const heatmapLabelsFit = `(function () {
  var el = document.getElementById('chart-pressure-heatmap');
  var ch = echarts.getInstanceByDom(el);
  var o = ch.getOption(), names = o.yAxis[0].data;
  var rect = ch.getModel().getComponent('grid').coordinateSystem.getRect();
  var ctx = document.createElement('canvas').getContext('2d');
  ctx.font = (o.yAxis[0].axisLabel.fontSize || 12) + 'px ' + (o.textStyle && o.textStyle.fontFamily || 'sans-serif');
  var problems = names.filter(function (n) { return ctx.measureText(n).width + 8 > rect.x; });
  var rows = document.querySelectorAll('#heatmap-table tbody tr').length;
  if (rows !== names.length) { problems.push(names.length + ' names on the axis, ' + rows + ' councils in the table'); }
  var cols = o.xAxis[0].data.filter(function (c) { return c.length > 24; });
  return problems.concat(cols.map(function (c) { return 'long column label ' + c; }));
})()`

// matrixLabels reads the matrix's named councils and hollow rings.
const matrixLabels = `(function () {
  var ch = echarts.getInstanceByDom(document.getElementById('chart-pressure-matrix'));
  var named = [], hollow = 0, all = 0;
  ch.getOption().series.forEach(function (s) {
    s.data.forEach(function (d) {
      all++;
      if (d.label && d.label.show) { named.push(s.name + ': ' + d.name); }
      if (d.itemStyle && d.itemStyle.color === '#ffffff') { hollow++; }
    });
  });
  return [String(all), String(hollow)].concat(named);
})()`

// The LGA officer's overview draws the heatmap and the matrix, and a
// heatmap cell opens the council's chart for that indicator.
func TestBrowserPressureOverview(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleLGA)
	tb.open(t, app.URL()+"/pressure")
	tb.checkPage(t, app.URL(), "pressure", 2)

	problems, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](heatmapLabelsFit))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("heatmap: %s", p)
	}
	m, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](matrixLabels))
	if err != nil {
		t.Fatal(err)
	}
	// About a third of the demo's self-assessments are years old: those
	// dots are hollow rings, the rest filled, and only the councils to act
	// on are named.
	if len(m) < 3 || m[1] == "0" || m[0] == m[1] {
		t.Errorf("matrix: %v dots, %v hollow, named %v", m[0], m[1], m[2:])
	}
	for _, n := range m[2:] {
		if !strings.HasPrefix(n, "High pressure, weak conditions: ") {
			t.Errorf("matrix names %s", n)
		}
	}

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

// An administrator picks the previous month with its link and leaves stale
// self-assessments off the matrix: the page still fits 1280 px and passes
// axe, and says what it left out.
func TestBrowserPressureMonthsAndRecent(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleAdmin)
	tb.open(t, app.URL()+"/pressure")
	prev, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.querySelector('[data-month-link=prev]').getAttribute('href')`))
	if err != nil || !strings.Contains(prev, "month=") {
		t.Fatalf("previous month link %q, %v", prev, err)
	}
	if err := chromedp.Do(tb.ctx, chromedp.Click(`[data-month-link=prev]`)); err != nil {
		t.Fatal(err)
	}
	tb.waitFor(t, `document.readyState === 'complete' && location.search.indexOf('month=') >= 0`)
	tb.open(t, app.URL()+prev)
	tb.checkPage(t, app.URL(), "pressure-previous-month", 2)
	picked, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.getElementById('month').selectedOptions[0].value`))
	if err != nil || !strings.Contains(prev, "month="+picked) {
		t.Errorf("the picker shows %q on %s (%v)", picked, prev, err)
	}

	tb.open(t, app.URL()+"/pressure?recent=1")
	// The matrix leaves out the councils whose self-assessment is over 12
	// months old, and says so.
	tb.checkPage(t, app.URL(), "pressure-recent", 2)
	text, err := chromedp.Run(tb.ctx, chromedp.Text("#matrix-stale"))
	if err != nil || !strings.Contains(text, "more than 12 months old and left out") {
		t.Errorf("the matrix with stale assessments left out says %q (%v)", text, err)
	}
}
