package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The serve command prints its address, logs one line per request and,
// when its context ends (as on SIGTERM), shuts down cleanly.
func TestServePrintsAddressLogsRequestsAndShutsDownGracefully(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "serve.db")
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-database", db, "-no-demo"}, nil, &stdout, &stderr)
	}()
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	deadline := time.Now().Add(30 * time.Second)
	var base string
	for base == "" && time.Now().Before(deadline) {
		base = addr.FindString(stdout.String())
		time.Sleep(20 * time.Millisecond)
	}
	if base == "" {
		t.Fatalf("no address printed; stdout %q stderr %q", stdout.String(), stderr.String())
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz: %d", resp.StatusCode)
	}
	logs := stderr.String()
	if n := strings.Count(logs, "path=/healthz"); n != 1 {
		t.Errorf("%d log lines for one request; want 1:\n%s", n, logs)
	}
	if !strings.Contains(logs, "status=200") || !strings.Contains(logs, "request_id=") {
		t.Errorf("request log lacks status or request id:\n%s", logs)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v after shutdown; want nil", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}
