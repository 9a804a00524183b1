package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// SECURITY R5: `resilience backup` copies a database in use, and the copy
// starts as a working server with the same figures (the restore drill).
func TestBackupCommandWhileServing(t *testing.T) {
	dir := t.TempDir()
	app := startApp(t, dir, func(a *App) { a.DemoCouncils = []int{202} })
	dest := filepath.Join(dir, "copy.db")
	var out strings.Builder
	if err := run(context.Background(), []string{"backup", "-database", app.Database, "-o", dest}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "integrity check ok") {
		t.Errorf("output = %q", out.String())
	}
	if err := run(context.Background(), []string{"backup", "-database", app.Database, "-o", dest}, nil, io.Discard, io.Discard); err == nil {
		t.Error("a backup over an existing file succeeded")
	}
	restored := startApp(t, t.TempDir(), func(a *App) { a.Database = dest; a.NoDemo = true })
	c := signedIn(t, restored, domain.RoleLGA)
	status, body, _ := getAs(t, c, restored.URL()+"/api/v1/councils/202/series?indicator=CSC_CIN")
	if status != 200 || !strings.Contains(body, `"CSC_CIN"`) || strings.Count(body, `"month"`) < 12 {
		t.Errorf("the restored server's series: status %d: %.300s", status, body)
	}
}
