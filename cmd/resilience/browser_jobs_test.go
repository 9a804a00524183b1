package main

import (
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The progress page of an upload the server no longer knows (as after a
// restart, which forgets the jobs in memory) says so and stops asking,
// instead of polling for ever. The page's progress requests are sent on to
// an upload this server never had, so the page gets the server's real
// answer for a gone upload.
func TestBrowserProgressOfAGoneUploadSaysSo(t *testing.T) {
	app := demoApp(t)
	last := domain.LastComplete(time.Now())
	file := filepath.Join(t.TempDir(), "bulk-gone.xlsx")
	// Every council for three months: big enough that the upload is still
	// running when its page is shown, small enough to end soon after.
	writeDemoWorkbook(t, file, 97, nil, last.Add(-2), last)
	tb := newTab(t)
	tb.signIn(t, app, domain.RoleLGA)

	var asked atomic.Int64
	gone := app.URL() + "/returns/jobs/" + strings.Repeat("0", 24) + "/progress"
	chromedp.Listen(tb.ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			asked.Add(1)
			// Not in the listener itself, which must not wait.
			go func() {
				_, _ = chromedp.Call(tb.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID, URL: gone})
			}()
		}
	})
	if _, err := chromedp.Call(tb.ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*/returns/jobs/*/progress"}}}); err != nil {
		t.Fatal(err)
	}
	tb.open(t, app.URL()+"/councils/202/returns")
	tb.mu.Lock()
	tb.requests = nil
	tb.mu.Unlock()
	if err := chromedp.Do(tb.ctx,
		chromedp.SetUploadFiles("#file", []string{file}),
		chromedp.Click("form[data-upload-form] button[type=submit]"),
	); err != nil {
		t.Fatal(err)
	}
	var job, text string
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		state, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]string](`[location.pathname,
			document.querySelector('[data-job]') ? document.querySelector('[data-job]').getAttribute('data-job-state') || '' : '',
			document.getElementById('job-stage') ? document.getElementById('job-stage').textContent : '']`))
		if err == nil && len(state) == 3 {
			if strings.HasPrefix(state[0], "/returns/submissions/") {
				t.Fatal("the upload finished before its progress page was shown")
			}
			if strings.HasPrefix(state[0], "/returns/jobs/") && state[1] == "stopped" {
				job, text = state[0], state[2]
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the progress page never said the upload was gone: %q (%v)", state, err)
		}
	}
	if !strings.Contains(text, "no longer being checked") || !strings.Contains(text, "upload the file again") {
		t.Errorf("the page says %q; want it to say the upload is gone and what to do", text)
	}
	// It has stopped asking: nothing more in well over the time between
	// two requests (0.4 s) and between two retries (1.5 s).
	n := asked.Load()
	if err := chromedp.Do(tb.ctx, chromedp.Sleep(4*time.Second)); err != nil {
		t.Fatal(err)
	}
	if more := asked.Load() - n; more > 0 {
		t.Errorf("the page asked %d more times after saying the upload was gone", more)
	}
	tb.checkPage(t, app.URL(), "returns-job-gone", 0)

	// Let the upload itself finish before the next test, which shares the
	// server: its own page goes on to the report once it has.
	if _, err := chromedp.Call(tb.ctx, fetch.Disable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(4 * time.Minute); ; time.Sleep(500 * time.Millisecond) {
		if err := chromedp.Do(tb.ctx, chromedp.Navigate(app.URL()+job)); err == nil {
			if path, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`location.pathname`)); err == nil && strings.HasPrefix(path, "/returns/submissions/") {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the upload never finished")
		}
	}
}
