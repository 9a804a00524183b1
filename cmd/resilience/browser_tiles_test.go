package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// A DCS's profile, in Chromium at 1280 px: every tile shows its count
// beside its rate (or its percentage) and nothing on a tile is cut off;
// the population caveat is said once, in full; re-referrals read as a
// percentage of referrals; the radar draws both medians and the council
// apart, writes the 1–4 scale with its names, and marks an old
// self-assessment.
func TestBrowserProfileTilesAndRadar(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleDCS)
	tb.open(t, app.URL()+"/councils/202")
	tb.checkNoSidewaysOverflow(t, "profile-tiles")
	tb.axe(t, "profile-tiles")
	tb.screenshot(t, "profile-tiles")
	for name, sel := range map[string]string{"profile-tiles-headlines": "#headlines ~ ul.app-tiles", "profile-radar": "#chart-assessment-radar", "profile-assessment": "#assessment"} {
		png, err := chromedp.Run(tb.ctx, chromedp.Screenshot(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("screenshot %s: %v", sel, err)
		}
		path := filepath.Join(outputDir(t), name+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}

	type tileText struct {
		Code, Text string
		Clipped    bool
	}
	tiles, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]tileText](`Array.from(document.querySelectorAll('.app-tile')).map(function (li) {
		// Anything drawn outside the tile's box, or a tile whose content
		// is taller or wider than the tile, is cut off (or overlaps).
		var box = li.getBoundingClientRect();
		var clipped = li.scrollWidth > li.clientWidth + 1 || li.scrollHeight > li.clientHeight + 1 ||
			Array.from(li.querySelectorAll('*')).some(function (el) {
				if (el.closest('.govuk-visually-hidden')) { return false; }
				var r = el.getBoundingClientRect();
				return r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1);
			});
		var a = li.querySelector('a');
		return {Code: a ? a.getAttribute('href').replace(/^\?indicator=|#comparison$/g, '') : '', Text: li.innerText.replace(/\s+/g, ' '), Clipped: clipped};
	})`))
	if err != nil {
		t.Fatal(err)
	}
	if len(tiles) != 24 {
		t.Fatalf("%d tiles; want 24", len(tiles))
	}
	for _, tl := range tiles {
		if tl.Clipped {
			t.Errorf("tile %s is cut off: %q", tl.Code, tl.Text)
		}
		if strings.Contains(tl.Text, "carried forward") || strings.Contains(tl.Text, "-0%") || strings.Contains(tl.Text, "−0%") {
			t.Errorf("tile %s: %q", tl.Code, tl.Text)
		}
		switch tl.Code {
		case "CSC_CIN":
			if !strings.Contains(tl.Text, "children · ") || !strings.Contains(tl.Text, "per 10,000") {
				t.Errorf("children in need tile has no count beside its rate: %q", tl.Text)
			}
		case "CSC_REREFERRALS":
			if !strings.Contains(tl.Text, "re-referrals · ") || !strings.Contains(tl.Text, "% of referrals") || !strings.Contains(tl.Text, " points") {
				t.Errorf("re-referrals tile is not a percentage of referrals changing in points: %q", tl.Text)
			}
		case "WF_VACANCY":
			if !strings.Contains(tl.Text, " point") || strings.Contains(tl.Text, "%) vs") {
				t.Errorf("vacancy rate tile does not change in points: %q", tl.Text)
			}
		}
	}
	caveats, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('main *')).filter(function (el) {
		return el.children.length === 0 && /population estimate, carried forward/.test(el.textContent);
	}).map(function (el) { return el.innerText; })`))
	if err != nil {
		t.Fatal(err)
	}
	if len(caveats) > 1 || len(caveats) == 1 && !strings.HasSuffix(caveats[0], "is not out yet.") {
		t.Errorf("population caveat %q; want it once, in full", caveats)
	}

	type look struct {
		Name, Colour, Pattern, Symbol, Fill string
		Width, Z                            float64
	}
	radar, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]look](`(function () {
		var o = echarts.getInstanceByDom(document.getElementById('chart-assessment-radar')).getOption();
		return o.series.map(function (s) { return {Name: s.name, Colour: s.lineStyle.color, Pattern: s.lineStyle.type, Symbol: s.symbol, Fill: s.itemStyle.color, Width: s.lineStyle.width, Z: s.z}; });
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if len(radar) != 3 || radar[1].Colour == radar[2].Colour || radar[1].Pattern == radar[2].Pattern || radar[1].Symbol == radar[2].Symbol ||
		radar[0].Width <= radar[1].Width || radar[2].Pattern != "dotted" || radar[2].Fill != "transparent" {
		t.Errorf("radar series %+v; want the council strongest and the two medians apart, all councils' hollow and dotted", radar)
	}
	labels, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`(function () {
		var o = echarts.getInstanceByDom(document.getElementById('chart-assessment-radar')).getOption();
		var f = o.radar[0].indicator[0].axisLabel.formatter;
		return [0, 1, 2, 3, 4].map(function (v) { return f(v); });
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(labels, "|") != "|1 Not in place|2 Developing|3 Established|4 Strong" {
		t.Errorf("radial scale %q", labels)
	}
	sub, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`echarts.getInstanceByDom(document.getElementById('chart-assessment-radar')).getOption().title[0].subtext`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sub, "Assessed ") {
		t.Errorf("radar subtitle %q", sub)
	}
	t.Logf("radar subtitle: %s", sub)
}
