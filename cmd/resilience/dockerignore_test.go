package main

import (
	"os"
	"path"
	"strings"
	"testing"
)

// The Docker build context leaves out the git history, local databases
// and build and test output, but keeps everything the binary embeds.
func TestDockerIgnoreKeepsContextSmallAndSafe(t *testing.T) {
	b, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatalf("no .dockerignore at the repository root: %v", err)
	}
	var patterns []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			t.Fatalf("exception %q: keep the file simple enough for this test", line)
		}
		patterns = append(patterns, strings.TrimPrefix(line, "/"))
	}
	// ignored follows Docker's rules closely enough for these patterns: a
	// pattern matches a path or any folder above it; "**/" matches any
	// depth, including none.
	ignored := func(p string) bool {
		parts := strings.Split(p, "/")
		for i := 1; i <= len(parts); i++ {
			prefix := strings.Join(parts[:i], "/")
			for _, pat := range patterns {
				if ok, _ := path.Match(pat, prefix); ok {
					return true
				}
				if rest, found := strings.CutPrefix(pat, "**/"); found {
					for j := 0; j < i; j++ {
						if ok, _ := path.Match(rest, strings.Join(parts[j:i], "/")); ok {
							return true
						}
					}
				}
			}
		}
		return false
	}
	for _, p := range []string{".git/HEAD", "data/resilience.db", "data/resilience.db-wal", "data/resilience.db-shm",
		"test-output/home.png", "bin/resilience", "node_modules/sass/package.json", "scripts/node_modules/x/y.js"} {
		if !ignored(p) {
			t.Errorf("%s is sent to the Docker build; want it left out", p)
		}
	}
	for _, p := range []string{"go.mod", "go.sum", "data/data.go", "data/reference/councils.csv", "cmd/resilience/main.go",
		"assets/static/js/upload.js", "assets/templates/layout.html", "internal/store/migrations/sqlite/00002_users.sql", "internal/store/migrations/postgres/00002_users.sql", "Dockerfile"} {
		if ignored(p) {
			t.Errorf("%s is left out of the Docker build; the image needs it", p)
		}
	}
}
