package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
)

// runHealthcheck asks a running server's /healthz and fails unless it
// answers 200: the container image has no curl, so the binary checks itself.
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fl.SetOutput(stderr)
	url := fl.String("url", "", "health endpoint to ask (default http://127.0.0.1:PORT/healthz, PORT that of -addr)")
	cfg, err := config.Parse(config.Healthcheck, fl, args)
	if err != nil {
		return err
	}
	if *url == "" {
		*url = healthURL(cfg.Addr)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("health check: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health check: %s answered %s", *url, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// healthURL is the health endpoint of a server listening on addr, asked
// on the loopback address; port 8080 when addr names none.
func healthURL(addr string) string {
	port := "8080"
	if _, p, err := net.SplitHostPort(addr); err == nil && p != "" {
		port = p
	}
	return "http://127.0.0.1:" + port + "/healthz"
}
