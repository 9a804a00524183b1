package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/resilience-dashboard/resilience/internal/config"
	"github.com/resilience-dashboard/resilience/internal/pgtest"
)

// The documented nginx example (deploy/nginx.conf) fits the settings it
// sits in front of: two instances in its upstream, a body limit that lets
// the default largest upload through (and not much more), timeouts no
// shorter than the instances' own five minutes, the Host and client
// address passed on, and only real settings in the environment it
// documents. Where nginx is installed, it must also accept the file.
func TestNginxExampleFitsTheSettings(t *testing.T) {
	raw, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := string(raw)
	var body []string // the directives, comments taken out
	for _, line := range strings.Split(conf, "\n") {
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			body = append(body, line)
		}
	}
	directives := strings.Join(body, "\n")

	up := regexp.MustCompile(`(?s)upstream resilience \{(.*?)\}`).FindStringSubmatch(directives)
	if up == nil {
		t.Fatal("no upstream resilience { … } block")
	}
	servers := regexp.MustCompile(`(?m)^server (\S+:\d+)`).FindAllStringSubmatch(up[1], -1)
	if len(servers) != 2 || servers[0][1] == servers[1][1] {
		t.Errorf("upstream servers %v; want two instances", servers)
	}
	if !strings.Contains(directives, "proxy_pass http://resilience;") {
		t.Error("nothing is proxied to the upstream")
	}

	size := regexp.MustCompile(`client_max_body_size (\d+)m;`).FindStringSubmatch(directives)
	if size == nil {
		t.Fatal("no client_max_body_size in megabytes")
	}
	mb, _ := strconv.Atoi(size[1])
	if def := config.Default().MaxUploadMB; mb < def || mb > def+2 {
		t.Errorf("client_max_body_size %dm; want the default -max-upload-mb (%d) plus at most 2 MB for the form around the file", mb, def)
	}
	for _, d := range []string{"client_body_timeout", "proxy_read_timeout", "proxy_send_timeout"} {
		m := regexp.MustCompile(d + ` (\d+)s;`).FindStringSubmatch(directives)
		if m == nil {
			t.Errorf("no %s in seconds", d)
			continue
		}
		if s, _ := strconv.Atoi(m[1]); time.Duration(s)*time.Second < 5*time.Minute {
			t.Errorf("%s %ss; the instances allow an upload 5 minutes, so want at least 300s", d, m[1])
		}
	}
	for _, want := range []string{"proxy_set_header Host $host;", "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"} {
		if !strings.Contains(directives, want) {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(directives, "non_idempotent") {
		t.Error("proxy_next_upstream non_idempotent would send an upload to both instances")
	}

	// The environment the file documents: real settings, PostgreSQL, https.
	var known []string
	for _, s := range config.Settings() {
		known = append(known, s.Env)
	}
	for _, v := range regexp.MustCompile(`RESILIENCE_[A-Z_]+`).FindAllString(conf, -1) {
		if !slices.Contains(known, v) {
			t.Errorf("the example names %s, which is not a setting", v)
		}
	}
	for _, want := range []string{"RESILIENCE_DATABASE=postgres://", "RESILIENCE_BASE_URL=https://", "RESILIENCE_TRUSTED_PROXIES="} {
		if !strings.Contains(conf, want) {
			t.Errorf("the example's environment lacks %s", want)
		}
	}

	nginx, err := exec.LookPath("nginx")
	if err != nil {
		t.Log("nginx is not installed: the file was checked as text only (apt-get install nginx to have nginx -t check it too)")
		return
	}
	dir := t.TempDir()
	crt, key := selfSigned(t, dir)
	test := strings.NewReplacer("/etc/nginx/tls/resilience.crt", crt, "/etc/nginx/tls/resilience.key", key).Replace(conf)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(test), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(nginx, "-t", "-q", "-c", path, "-p", dir+"/").CombinedOutput()
	if err != nil {
		t.Errorf("nginx -t refuses deploy/nginx.conf: %v\n%s", err, out)
	}
}

// selfSigned writes a throwaway certificate and key for nginx -t.
func selfSigned(t *testing.T, dir string) (string, string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "resilience.example.gov.uk"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	crt, key := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	if err := os.WriteFile(crt, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600); err != nil {
		t.Fatal(err)
	}
	return crt, key
}

// The container image serves SQLite by default and PostgreSQL when
// RESILIENCE_DATABASE says so: a static binary (no libc in distroless),
// the database only in the ENV line (so `docker run -e
// RESILIENCE_DATABASE=postgres://…` replaces it; nothing else names the
// file), temporary files in /tmp, and a health check that asks /healthz
// over HTTP rather than opening the SQLite file. The image's environment,
// with the database a PostgreSQL address, starts a server whose health
// check passes, the check itself reading no database setting.
func TestDockerfileServesSQLiteOrPostgres(t *testing.T) {
	raw, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(raw)
	if !strings.Contains(df, "CGO_ENABLED=0 go build") {
		t.Error("the binary is not built static (CGO_ENABLED=0); the distroless static image has no C library")
	}
	hc := regexp.MustCompile(`(?s)HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*?\])`).FindStringSubmatch(df)
	if hc == nil || hc[1] != `["/usr/local/bin/resilience", "healthcheck"]` {
		t.Errorf("HEALTHCHECK %v; want the binary's own healthcheck, which asks /healthz over HTTP", hc)
	}
	env := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\s*(?:ENV\s+)?(RESILIENCE_[A-Z_]+|TMPDIR)=(\S+?)\s*\\?$`).FindAllStringSubmatch(df, -1) {
		env[m[1]] = m[2]
	}
	if env["RESILIENCE_DATABASE"] != "/data/resilience.db" || env["TMPDIR"] != "/tmp" || env["RESILIENCE_ADDR"] != ":8080" {
		t.Fatalf("the image's environment %v; want the SQLite default /data/resilience.db, TMPDIR=/tmp and :8080", env)
	}
	if n := strings.Count(df, "resilience.db"); n != 1 {
		t.Errorf("the Dockerfile names resilience.db %d times; only the ENV default should, so a postgres:// address replaces it", n)
	}
	for _, line := range strings.Split(df, "\n") {
		if (strings.HasPrefix(line, "ENTRYPOINT") || strings.HasPrefix(line, "CMD")) && strings.Contains(line, "database") {
			t.Errorf("%q fixes the database; RESILIENCE_DATABASE would not replace it", line)
		}
	}
	for _, s := range config.Settings() {
		if s.Env == "RESILIENCE_DATABASE" && slices.Contains(s.Commands, config.Healthcheck) {
			t.Error("healthcheck takes the database setting; it should only ask /healthz")
		}
	}

	// The image's environment, listening on a free loopback port, with
	// the database a PostgreSQL address.
	dbURL := pgtest.URL(t)
	t.Setenv("RESILIENCE_DATABASE", dbURL)
	t.Setenv("RESILIENCE_ADDR", "127.0.0.1:0")
	t.Setenv("TMPDIR", t.TempDir())
	app, err := newApp(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	app.Stdout, app.DemoCouncils = io.Discard, []int{202}
	if err := app.Start(context.Background()); err != nil {
		t.Fatalf("serve with RESILIENCE_DATABASE=postgres://…: %v", err)
	}
	t.Cleanup(func() { app.Close() })
	addr := strings.TrimPrefix(app.URL(), "http://")
	t.Setenv("RESILIENCE_ADDR", addr)
	t.Setenv("RESILIENCE_DATABASE", "postgres://nobody@127.0.0.1:1/none") // never asked
	var out bytes.Buffer
	if err := run(context.Background(), []string{"healthcheck"}, nil, &out, io.Discard); err != nil || strings.TrimSpace(out.String()) != "ok" {
		t.Errorf("healthcheck against the server on PostgreSQL: %v %q", err, out.String())
	}
}
