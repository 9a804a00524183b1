package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// chromium finds the browser, or skips the test outside CI; in CI a missing
// browser is a failure, because .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed; .ci/run installs it with apt-get install -y chromium")
	}
	t.Skip("Chromium is not installed (apt-get install -y chromium); the browser tests run in CI")
	return ""
}

// outputDir is where screenshots go: $TEST_OUTPUT, or a temporary folder.
func outputDir(t *testing.T) string {
	dir := os.Getenv("TEST_OUTPUT")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "resilience-test-output")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// watchScript runs before any page script: it records Content-Security-
// Policy violations and any call to alert, so tests can assert on both.
const watchScript = `window.__csp = []; window.__alerts = [];
document.addEventListener('securitypolicyviolation', function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });
window.alert = function (m) { window.__alerts.push(String(m)); };`

// tab is one browser tab with a record of every request it made.
type tab struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	dialogs  []string
}

func newTab(t *testing.T) *tab {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	// A bound on the whole tab, generous because a test's own waits are
	// each bounded and a machine under load may take minutes for what
	// takes seconds on an idle one.
	ctx, cancelTimeout := context.WithTimeout(ctx, 8*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	tb := &tab{ctx: ctx}
	if err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			tb.mu.Lock()
			tb.requests = append(tb.requests, e.Request.URL)
			tb.mu.Unlock()
		case *page.EventJavascriptDialogOpening:
			tb.mu.Lock()
			tb.dialogs = append(tb.dialogs, e.Message)
			tb.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("start browser: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchScript}); err != nil {
		t.Fatal(err)
	}
	return tb
}

// open navigates and waits until every chart on the page has been drawn
// to the end of its animation (charts.js marks each one when echarts says
// it has finished): a condition, however long a busy machine takes.
func (tb *tab) open(t *testing.T, u string) {
	t.Helper()
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(u)); err != nil {
		t.Fatalf("open %s: %v", u, err)
	}
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`document.readyState === 'complete' &&
		document.querySelectorAll('[data-chart-option]').length === document.querySelectorAll('[data-chart-ready][data-chart-drawn]').length`,
		chromedp.WithPollingTimeout(2*time.Minute))); err != nil {
		t.Fatalf("%s: charts not drawn: %v", u, err)
	}
}

// inkedCharts counts, for each chart, its canvas pixels that are not blank.
const inkedCharts = `Array.from(document.querySelectorAll('[data-chart-option]')).map(function (el) {
  var c = el.querySelector('canvas');
  if (!c) { return 0; }
  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
  for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) { n++; } }
  return n;
})`

// checkPage asserts what must hold on every page: charts drawn, no request
// outside this server, no CSP violation, no alert, no chart with two series
// on one value axis more than tenfold apart or a series that draws nothing,
// no sideways overflow at 1280 px, and no serious or critical
// accessibility violation reported by axe-core.
func (tb *tab) checkPage(t *testing.T, base, name string, wantCharts int) {
	t.Helper()
	inked, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]int](inkedCharts))
	if err != nil {
		t.Fatal(err)
	}
	if wantCharts != anyCharts && len(inked) != wantCharts {
		t.Errorf("%s: %d charts; want %d", name, len(inked), wantCharts)
	}
	for i, n := range inked {
		if n < 500 {
			t.Errorf("%s: chart %d has %d drawn pixels; looks blank", name, i+1, n)
		}
	}
	host := mustHost(t, base)
	tb.mu.Lock()
	for _, r := range tb.requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Host != host) {
			t.Errorf("%s: request outside the server: %s", name, r)
		}
		if u != nil && u.Hostname() != "127.0.0.1" && u.Scheme != "data" && u.Scheme != "blob" {
			t.Errorf("%s: request to a host other than 127.0.0.1: %s", name, r)
		}
	}
	if len(tb.dialogs) > 0 {
		t.Errorf("%s: script opened dialogs %q", name, tb.dialogs)
	}
	tb.requests = nil
	tb.mu.Unlock()
	csp, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`window.__csp`))
	if err != nil {
		t.Fatal(err)
	}
	if len(csp) > 0 {
		t.Errorf("%s: Content-Security-Policy violations: %q", name, csp)
	}
	alerts, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`window.__alerts`))
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) > 0 {
		t.Errorf("%s: alert called with %q", name, alerts)
	}
	tb.checkCharts(t, name)
	tb.checkNoSidewaysOverflow(t, name)
	tb.axe(t, name)
	tb.screenshot(t, name)
}

func mustHost(t *testing.T, base string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// axe runs axe-core (vendored in testdata) against WCAG 2.2 A and AA rules.
func (tb *tab) axe(t *testing.T, name string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tb.ctx, chromedp.Evaluate[chromedp.Void](string(src))); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	found, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
		.then(function (r) { return r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })
		.map(function (v) { return v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(function (n) { return n.target.join(' '); }).join(', '); }); })`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	for _, v := range found {
		t.Errorf("%s: accessibility violation %s", name, v)
	}
}

func (tb *tab) screenshot(t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(outputDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// signIn signs in through the sign-in page, checking that page too.
func (tb *tab) signIn(t *testing.T, app *App, role domain.Role) {
	t.Helper()
	email, password := newAccount(t, app, role)
	tb.open(t, app.URL()+"/sign-in")
	tb.checkPage(t, app.URL(), "sign-in", 0)
	if err := chromedp.Do(tb.ctx,
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password", password),
		chromedp.Click("form[action='/sign-in'] button[type=submit]"),
	); err != nil {
		t.Fatal(err)
	}
	// The click navigates, so poll from outside the page until it lands.
	deadline := time.Now().Add(20 * time.Second)
	for {
		path, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.pathname : ''`))
		if err == nil && path != "" && path != "/sign-in" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("sign in as %s: still at %q (%v)", role, path, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestBrowserHomeAndCouncilProfile(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleLGA)

	tb.open(t, app.URL()+"/")
	tb.checkPage(t, app.URL(), "home", 0)
	// The search box filters the list as the user types.
	if err := chromedp.Do(tb.ctx, chromedp.SendKeys("#q", "camd")); err != nil {
		t.Fatal(err)
	}
	visible, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('[data-search]')).filter(function (li) { return !li.hidden; }).map(function (li) { return li.querySelector('a').textContent; })`))
	if err != nil {
		t.Fatal(err)
	}
	if len(visible) != 1 || visible[0] != "Camden" {
		t.Errorf("typing 'camd' leaves %q visible; want only Camden", visible)
	}

	tb.open(t, app.URL()+"/councils/202")
	tb.checkPage(t, app.URL(), "council-202", 8)
	title, err := chromedp.Run(tb.ctx, chromedp.Text("h1"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(title) != "Camden" {
		t.Errorf("profile heading %q; want Camden", title)
	}
	// The comparison chart's legend hides England when toggled, and its
	// CSV download carries the same months.
	hidden, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`(function () {
		var chart = echarts.getInstanceByDom(document.getElementById('chart-comparison'));
		chart.dispatchAction({type: 'legendToggleSelect', name: 'England'});
		return chart.getOption().legend[0].selected['England'] === false;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !hidden {
		t.Error("toggling England in the profile chart's legend did not hide it")
	}
	csv, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`fetch(document.querySelector('a[href*="/comparison/data.csv"]').href).then(function (r) { return r.text(); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csv, "month,indicator_code,unit,Camden,neighbours_median") || strings.Count(csv, "\n") < 100 {
		t.Errorf("profile CSV download: %.200q", csv)
	}
}

// SECURITY W4: a council name of </script><script>alert(1)</script> and an
// indicator label of __f__alert(1)__f__ pass through the page and its chart
// options as inert text: no script runs, nothing is injected.
func TestBrowserChartsKeepHostileTextInert(t *testing.T) {
	ref := hostileReference(t)
	app := startApp(t, t.TempDir(), func(a *App) { a.Reference = ref; a.DemoCouncils = []int{202} })
	_, body, _ := getAs(t, signedIn(t, app, domain.RoleDCS), app.URL()+"/councils/202")
	if strings.Contains(body, "<script>alert(1)</script>") {
		t.Fatal("the hostile council name reached the page unescaped")
	}
	if !strings.Contains(body, "__f__alert(1)__f__") {
		t.Fatal("the hostile label should appear as text in the chart data")
	}
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleDCS)
	tb.open(t, app.URL()+"/councils/202")
	tb.checkPage(t, app.URL(), "council-hostile", 8)
	injected, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](
		`Array.from(document.scripts).filter(function (s) { return !s.src && s.type !== 'application/json'; }).length`))
	if err != nil {
		t.Fatal(err)
	}
	if injected != 0 {
		t.Errorf("%d inline scripts found on the page; want none", injected)
	}
	h1, err := chromedp.Run(tb.ctx, chromedp.Text("h1"))
	if err != nil {
		t.Fatal(err)
	}
	if h1 != "</script><script>alert(1)</script>" {
		t.Errorf("heading %q; want the name shown as plain text", h1)
	}
}

// The administration pages pass the same checks: no CSP violation, no
// outside request, no serious accessibility problem.
func TestBrowserAdminPages(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleAdmin)
	tb.open(t, app.URL()+"/admin/users")
	tb.checkPage(t, app.URL(), "admin-users", 0)
	tb.open(t, app.URL()+"/admin/audit")
	tb.checkPage(t, app.URL(), "admin-audit", 0)
	tb.open(t, app.URL()+"/admin/framework")
	tb.checkPage(t, app.URL(), "admin-framework", 0)
	tb.open(t, app.URL()+"/admin/timeline")
	tb.checkPage(t, app.URL(), "admin-timeline", 0)
	tb.open(t, app.URL()+"/councils/202/assessment/history")
	tb.checkPage(t, app.URL(), "assessment-history", 0)
	tb.open(t, app.URL()+"/no-such-page")
	tb.checkPage(t, app.URL(), "not-found", 0)
}

// SECURITY W4 and W5: the pages that refuse a request pass the same checks
// as any other page: a page the account may not open, and the refusal of
// a form posted from another site, which is answered before the request
// reaches the application.
func TestBrowserRefusalPages(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleDCS)
	status := func() int {
		t.Helper()
		n, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](`performance.getEntriesByType('navigation')[0].responseStatus`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	tb.open(t, app.URL()+"/admin/users")
	if got := status(); got != http.StatusForbidden {
		t.Errorf("a DCS opening /admin/users got %d; want 403", got)
	}
	tb.checkPage(t, app.URL(), "forbidden", 0)

	// Another site (another port on the same machine, so another origin)
	// whose form posts to this service's sign-out.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Another site</title><link rel="icon" href="data:,"></head><body><main>
<form method="post" action="%s/sign-out"><button type="submit" id="go">Continue</button></form></main></body></html>`, app.URL())
	}))
	defer other.Close()
	tb.open(t, other.URL)
	// The other site's own requests are expected; only what follows the
	// click is checked. (It names no favicon, so the browser does not ask
	// for one at a moment of its own choosing.)
	tb.mu.Lock()
	tb.requests = nil
	tb.mu.Unlock()
	if err := chromedp.Do(tb.ctx, chromedp.Click("#go")); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		href, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.href : ''`))
		if err == nil && href == app.URL()+"/sign-out" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cross-site form never reached the service: at %q (%v)", href, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := chromedp.Do(tb.ctx, chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != http.StatusForbidden {
		t.Errorf("the cross-site sign-out got %d; want 403", got)
	}
	tb.checkPage(t, app.URL(), "refused-cross-origin", 0)
	h1, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.querySelector('h1') ? document.querySelector('h1').textContent.trim() : ''`))
	if err != nil {
		t.Fatal(err)
	}
	if h1 != "This request was refused" {
		t.Errorf("cross-site refusal heading %q", h1)
	}
	// The refused sign-out changed nothing: the session still works.
	tb.open(t, app.URL()+"/")
	if path, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`location.pathname`)); err != nil || path != "/" {
		t.Errorf("after the refused sign-out, / went to %q (%v); want the signed-in page", path, err)
	}
}

// A bulk upload through the web form shows a progress bar that moves, then
// the report; the returns and report pages pass the page checks.
func TestBrowserBulkUploadShowsProgress(t *testing.T) {
	app := demoApp(t)
	last := domain.LastComplete(time.Now())
	file := filepath.Join(t.TempDir(), "bulk.xlsx")
	writeDemoWorkbook(t, file, 99, nil, last.Add(-35), last)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleLGA)
	tb.open(t, app.URL()+"/councils/202/returns")
	tb.checkPage(t, app.URL(), "returns-202", 0)
	if err := chromedp.Do(tb.ctx,
		chromedp.SetUploadFiles("#file", []string{file}),
		chromedp.Click("form[data-upload-form] button[type=submit]"),
	); err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	// SECURITY W4: the progress page runs upload.js, which polls and
	// redraws the bar; record any CSP violation it raises while it runs.
	jobCSP := map[string]bool{}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		state, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]any](
			`[location.pathname, document.getElementById('job-progress') ? document.getElementById('job-progress').value : -1,
			  location.pathname.indexOf('/returns/jobs/') === 0 ? window.__csp : []]`))
		if err == nil && len(state) == 3 {
			path, _ := state[0].(string)
			if v, ok := state[1].(float64); ok && v >= 0 {
				seen[int(v)] = true
			}
			if violations, ok := state[2].([]any); ok {
				for _, v := range violations {
					jobCSP[fmt.Sprint(v)] = true
				}
			}
			if strings.HasPrefix(path, "/returns/submissions/") {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the upload never reached its report; progress values seen %v", seen)
		}
		time.Sleep(30 * time.Millisecond)
	}
	if len(seen) < 2 {
		t.Errorf("the progress bar showed %v; want it to move", seen)
	}
	if len(jobCSP) > 0 {
		t.Errorf("returns-job: Content-Security-Policy violations while upload.js ran: %v", jobCSP)
	}
	if _, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](`document.readyState === 'complete'`)); err != nil {
		t.Fatal(err)
	}
	tb.checkPage(t, app.URL(), "returns-report-bulk", 0)
	h1, err := chromedp.Run(tb.ctx, chromedp.Text("h1"))
	if err != nil {
		t.Fatal(err)
	}
	if h1 == "" {
		t.Error("the report has no heading")
	}

	// The progress page passes every page check too. A second upload is
	// held on it by blocking the progress requests, so upload.js keeps
	// retrying instead of moving on while the page is checked.
	second := filepath.Join(t.TempDir(), "bulk-2.xlsx")
	writeDemoWorkbook(t, second, 98, nil, last.Add(-35), last)
	block := func(patterns ...*network.BlockPattern) {
		t.Helper()
		if _, err := chromedp.Call(tb.ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: patterns}); err != nil {
			t.Fatalf("block progress requests: %v", err)
		}
	}
	block(&network.BlockPattern{URLPattern: "*://*:*/returns/jobs/*/progress", Block: true})
	tb.open(t, app.URL()+"/councils/202/returns")
	tb.mu.Lock()
	tb.requests = nil
	tb.mu.Unlock()
	if err := chromedp.Do(tb.ctx,
		chromedp.SetUploadFiles("#file", []string{second}),
		chromedp.Click("form[data-upload-form] button[type=submit]"),
	); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(time.Minute)
	for {
		path, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.pathname : ''`))
		if err == nil && strings.HasPrefix(path, "/returns/jobs/") {
			break
		}
		if err == nil && strings.HasPrefix(path, "/returns/submissions/") {
			t.Fatal("the second upload finished before its progress page could be checked")
		}
		if time.Now().After(deadline) {
			t.Fatalf("the second upload never reached its progress page: at %q (%v)", path, err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	// Let upload.js make, and retry, its first requests: wait until two
	// have been tried (and blocked).
	deadline = time.Now().Add(time.Minute)
	for tried := 0; tried < 2; time.Sleep(100 * time.Millisecond) {
		tried = 0
		tb.mu.Lock()
		for _, r := range tb.requests {
			if strings.Contains(r, "/progress") {
				tried++
			}
		}
		tb.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("upload.js tried %d progress requests in a minute; want 2", tried)
		}
	}
	tb.checkPage(t, app.URL(), "returns-job", 0)
	// Unblocked, the page moves on to the report by itself.
	block()
	deadline = time.Now().Add(2 * time.Minute)
	for {
		path, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`location.pathname`))
		if err == nil && strings.HasPrefix(path, "/returns/submissions/") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after unblocking, the progress page never went on to the report: at %q (%v)", path, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The compare page draws its ranking and neighbours charts, a legend
// click hides a council's line, the CSV download works, and the page
// passes the checks. As a DCS at 1280 px: the ranking chart names every
// council with a figure on its category axis, the jump link brings the
// council's own row into view, and a column heading sorts the table.
func TestBrowserComparePage(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleDCS)
	tb.open(t, app.URL()+"/compare?indicator=CSC_REFERRALS&council=202")
	tb.checkPage(t, app.URL(), "compare", 2)

	// Every council in the table with a figure is named on the chart's
	// category axis, and the axis shows every label.
	named, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`(function () {
		var chart = echarts.getInstanceByDom(document.getElementById('chart-ranking'));
		var axis = chart.getOption().yAxis[0];
		if (axis.type !== 'category' || axis.axisLabel.interval !== 0) { return ['axis ' + axis.type + ' interval ' + axis.axisLabel.interval]; }
		var names = axis.data.map(function (d) { return typeof d === 'string' ? d : d.value; });
		var table = Array.from(document.querySelectorAll('#compare-table tbody tr')).filter(function (tr) {
			var v = tr.cells[3].textContent.trim(); return v !== '' && v !== 'c';
		}).map(function (tr) { return tr.cells[1].querySelector('a').textContent.trim(); });
		var missing = table.filter(function (n) { return names.indexOf(n) < 0; });
		return missing.length === 0 && names.length === table.length && names.length > 140 ? [] : ['chart names ' + names.length + ', table ' + table.length + ', missing ' + missing.slice(0, 5).join('; ')];
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range named {
		t.Errorf("ranking chart: %s", p)
	}

	// The jump link brings Camden's row into the window.
	inView, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`(function () {
		document.querySelector('a[href="#selected-council"]').click();
		var r = document.getElementById('selected-council').getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight && document.getElementById('selected-council').textContent.indexOf('Camden') >= 0;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !inView {
		t.Error("after the jump link, Camden's row is not in view")
	}

	// Toggle the first neighbour off through the chart's legend, as a click
	// on its name does, and check echarts now hides it.
	hidden, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`(function () {
		var chart = echarts.getInstanceByDom(document.getElementById('chart-neighbours'));
		var name = chart.getOption().series[1].name;
		chart.dispatchAction({type: 'legendToggleSelect', name: name});
		return chart.getOption().legend[0].selected[name] === false;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !hidden {
		t.Error("toggling a neighbour in the legend did not hide it")
	}
	csv, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`fetch(document.querySelector('a[href^="/compare.csv"]').href).then(function (r) { return r.arrayBuffer(); }).then(function (b) {
		var u = new Uint8Array(b); return (u[0] === 0xef && u[1] === 0xbb && u[2] === 0xbf ? 'BOM:' : 'none:') + new TextDecoder('utf-8', {ignoreBOM: true}).decode(b.slice(3)); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csv, "BOM:la_number,council,region,month,indicator_code,value") || strings.Count(csv, "\n") < 150 {
		t.Errorf("CSV download: %.200q", csv)
	}

	// A click on the Council heading sorts the table by name, A first,
	// then a second click reverses it.
	first := func() string {
		name, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`document.querySelector('#compare-table tbody tr').cells[1].querySelector('a').textContent.trim()`))
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	before := first()
	for i, want := range []string{"ascending", "descending"} {
		if err := chromedp.Do(tb.ctx, chromedp.Click(`#compare-table th:nth-child(2) a`)); err != nil {
			t.Fatal(err)
		}
		// The click navigates, so poll from outside the page until the
		// sorted table has landed and its charts are drawn.
		deadline := time.Now().Add(time.Minute)
		for {
			ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`document.readyState === 'complete' && location.search.indexOf('sort=council') >= 0 &&
				document.querySelector('#compare-table th:nth-child(2)') !== null && document.querySelector('#compare-table th:nth-child(2)').getAttribute('aria-sort') === '`+want+`' &&
				document.querySelectorAll('[data-chart-option]').length === document.querySelectorAll('[data-chart-ready][data-chart-drawn]').length`))
			if err == nil && ok {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("sorting by council (%s): the sorted page never came (%v)", want, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
		got := first()
		if got == before {
			t.Errorf("after sorting by council %s the first row is still %s", want, got)
		}
		if i == 0 && !strings.HasPrefix(got, "B") {
			t.Errorf("sorted A to Z, the first council is %s", got)
		}
		before = got
	}
	tb.checkPage(t, app.URL(), "compare-sorted", 2)
}

// A successor's profile draws its predecessor's figures as a named,
// dashed context line; the predecessor's own profile says when it ended and
// who succeeded it. Both pass the checks every page must.
func TestBrowserSuccessorAndPredecessorProfiles(t *testing.T) {
	app := demoApp(t)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleLGA)

	tb.open(t, app.URL()+"/councils/940?indicator=CSC_CLA")
	tb.checkPage(t, app.URL(), "council-940-successor", 8)
	legend, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`(function () {
		var chart = echarts.getInstanceByDom(document.getElementById('chart-comparison'));
		return chart.getOption().series.map(function (s) { return s.name; });
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(legend, "Northamptonshire (predecessor, to Mar 2021)") {
		t.Errorf("North Northamptonshire's chart legend %q lacks its predecessor", legend)
	}

	tb.open(t, app.URL()+"/councils/928?indicator=CSC_CLA")
	tb.checkPage(t, app.URL(), "council-928-predecessor", 6)
	text, err := chromedp.Run(tb.ctx, chromedp.Text(".app-lifetime"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "existed Jan 2009 to Mar 2021") || !strings.Contains(text, "West Northamptonshire") {
		t.Errorf("Northamptonshire's profile says %q", text)
	}
}

// chartScales reads every drawn chart's option back from echarts and
// reports, for each chart, the series that draw nothing, two differently
// named series drawn in one colour, and every pair of series on one value
// axis whose scales differ more than tenfold. A
// series' scale is its largest absolute value as drawn (a stacked series
// counts from the top of the one beneath it); a series that draws only
// marked areas or lines (the timeline's shading) carries no scale.
const chartScales = `Array.from(document.querySelectorAll('[data-chart-option]')).map(function (el, ci) {
  var problems = [];
  var inst = echarts.getInstanceByDom(el);
  if (!inst) { return ['chart ' + (ci + 1) + ': no echarts instance']; }
  var opt = inst.getOption();
  var xs = opt.xAxis || [], ys = opt.yAxis || [];
  function num(v) {
    if (v === null || v === undefined || v === '-' || v === '') { return null; }
    var n = typeof v === 'number' ? v : Number(v);
    return isFinite(n) ? n : null;
  }
  function values(s, dim) {
    return (s.data || []).map(function (d) {
      if (d !== null && typeof d === 'object' && !Array.isArray(d)) { d = d.value; }
      if (Array.isArray(d)) { return num(d[dim]); }
      return num(d);
    });
  }
  var stacks = {}, scales = {};
  (opt.series || []).forEach(function (s, si) {
    var name = (s.name || ('series ' + (si + 1)));
    var marks = ['markArea', 'markLine', 'markPoint'].some(function (k) { return s[k] && s[k].data && s[k].data.length > 0; });
    if (s.type === 'radar' || s.type === 'heatmap' || s.type === 'pie' || s.type === 'gauge') {
      var any = (s.data || []).length > 0;
      if (!any && !marks) { problems.push('chart ' + (ci + 1) + ': series "' + name + '" draws nothing'); }
      return;
    }
    var xa = xs[s.xAxisIndex || 0] || {}, ya = ys[s.yAxisIndex || 0] || {};
    var axes = [];
    if (ya.type === 'value' || ya.type === 'log') { axes.push(['y' + (s.yAxisIndex || 0), (xa.type === 'value' || xa.type === 'log' || xa.type === 'time') ? 1 : ((Array.isArray((s.data || [])[0]) ? 1 : 0))]); }
    if ((xa.type === 'value' || xa.type === 'log') && ya.type !== 'value') { axes.push(['x' + (s.xAxisIndex || 0), 0]); }
    if ((xa.type === 'value' || xa.type === 'log') && (ya.type === 'value' || ya.type === 'log')) { axes = [['y' + (s.yAxisIndex || 0), 1], ['x' + (s.xAxisIndex || 0), 0]]; }
    var drew = false;
    axes.forEach(function (a) {
      var vs = values(s, a[1]);
      if (s.stack) {
        var key = a[0] + '|' + s.stack, below = stacks[key] || [];
        vs = vs.map(function (v, i) { return v === null ? null : v + (below[i] || 0); });
        stacks[key] = vs.map(function (v, i) { return v === null ? (below[i] || 0) : v; });
      }
      var max = 0, n = 0;
      vs.forEach(function (v) { if (v !== null) { n++; max = Math.max(max, Math.abs(v)); } });
      if (n > 0) { drew = true; }
      if (n > 0 && max > 0) { (scales[a[0]] = scales[a[0]] || []).push([name, max]); }
    });
    if (!drew && !marks) { problems.push('chart ' + (ci + 1) + ': series "' + name + '" draws nothing'); }
  });
  // No two differently named series drawn in one colour: each series'
  // colour is its line's (or, for bars and points, its items').
  var colours = {};
  (opt.series || []).forEach(function (s, si) {
    if (s.type === 'heatmap' || s.type === 'radar' || s.type === 'pie' || s.type === 'gauge') { return; }
    var ls = s.lineStyle || {}, is = s.itemStyle || {};
    if (ls.opacity === 0 || (s.type === 'line' && ls.width === 0)) { return; }
    var c = (s.type === 'line' ? ls.color : is.color) || ls.color || is.color;
    if (typeof c !== 'string' || !(s.data || []).length) { return; }
    c = c.toLowerCase();
    var name = s.name || ('series ' + (si + 1));
    if (colours[c] && colours[c] !== name) {
      problems.push('chart ' + (ci + 1) + ' (' + el.getAttribute('data-chart-option') + '): "' + colours[c] + '" and "' + name + '" share the colour ' + c);
    }
    colours[c] = colours[c] || name;
  });
  Object.keys(scales).forEach(function (axis) {
    var list = scales[axis];
    for (var i = 0; i < list.length; i++) {
      for (var j = i + 1; j < list.length; j++) {
        var hi = Math.max(list[i][1], list[j][1]), lo = Math.min(list[i][1], list[j][1]);
        if (hi > 10 * lo) {
          problems.push('chart ' + (ci + 1) + ' (' + el.getAttribute('data-chart-option') + '): "' + list[i][0] + '" (up to ' + list[i][1] + ') and "' + list[j][0] + '" (up to ' + list[j][1] + ') share value axis ' + axis + ' but differ more than tenfold');
        }
      }
    }
  });
  return problems;
}).reduce(function (a, b) { return a.concat(b); }, [])`

// checkCharts fails the test for every chart problem chartScales finds.
func (tb *tab) checkCharts(t *testing.T, name string) {
	t.Helper()
	problems, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](chartScales))
	if err != nil {
		t.Fatalf("%s: read chart options: %v", name, err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", name, p)
	}
}

// checkNoSidewaysOverflow fails when the page is wider than the window: a
// reader at 1280 px should never scroll sideways to see a page.
func (tb *tab) checkNoSidewaysOverflow(t *testing.T, name string) {
	t.Helper()
	wide, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`(function () {
  var w = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= w + 1) { return []; }
  return Array.from(document.querySelectorAll('body *')).filter(function (e) {
    var r = e.getBoundingClientRect(); return r.right > w + 1 && r.width > 0;
  }).slice(0, 5).map(function (e) { return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : '') + ' (right edge ' + Math.round(e.getBoundingClientRect().right) + ' px)'; })
    .concat(['page ' + document.documentElement.scrollWidth + ' px wide in a ' + w + ' px window']);
})()`))
	if err != nil {
		t.Fatalf("%s: measure width: %v", name, err)
	}
	for _, w := range wide {
		t.Errorf("%s: overflows sideways: %s", name, w)
	}
}
