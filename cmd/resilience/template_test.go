package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/returns"
)

// openTemplate opens a written template and returns its council name, LA
// number and month as the Return sheet holds them.
func openTemplate(t *testing.T, f *excelize.File) (name, number, month string) {
	t.Helper()
	get := func(cell string) string {
		v, err := f.GetCellValue(returns.ReturnSheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	return get("B3"), get("B4"), get("B5")
}

func TestTemplateCommandWritesTheWorkbook(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "camden.xlsx")
	var stdout, stderr bytes.Buffer
	if err := runTemplate(ctx, []string{"--council", "202", "--month", "2021-01", "-o", path}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	if out := stdout.String(); strings.Count(out, "\n") != 1 || !strings.Contains(out, path) || !strings.Contains(out, "Camden") || !strings.Contains(out, "January 2021") {
		t.Errorf("stdout %q; want one line naming the council, month and file", out)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("the written file does not open: %v", err)
	}
	defer f.Close()
	if name, number, month := openTemplate(t, f); name != "Camden" || number != "202" || month != "2021-01" {
		t.Errorf("the template is for %s, %s, %s; want Camden, 202, 2021-01", name, number, month)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v, %v; want 0644", fi.Mode(), err)
	}
	assertOnlyFiles(t, dir, "camden.xlsx")
}

// A former council has a template for the months it existed:
// Northamptonshire for March 2021, its last month.
func TestTemplateCommandForAFormerCouncil(t *testing.T) {
	path := filepath.Join(t.TempDir(), "northants.xlsx")
	var stdout, stderr bytes.Buffer
	if err := runTemplate(context.Background(), []string{"--council", "928", "--month", "2021-03", "-o", path}, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if name, number, month := openTemplate(t, f); name != "Northamptonshire" || number != "928" || month != "2021-03" {
		t.Errorf("the template is for %s, %s, %s; want Northamptonshire, 928, 2021-03", name, number, month)
	}
}

func TestTemplateCommandByONSCodeIntoAFolder(t *testing.T) {
	dir := t.TempDir()
	var stdout bytes.Buffer
	// North Northamptonshire, by its ONS code, into a folder: the file
	// takes the download name.
	if err := runTemplate(context.Background(), []string{"-council", "E06000061", "-month", "2021-04", "-o", dir}, &stdout, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	want := "resilience-return-940-2021-04.xlsx"
	assertOnlyFiles(t, dir, want)
	f, err := excelize.OpenFile(filepath.Join(dir, want))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if name, number, month := openTemplate(t, f); name != "North Northamptonshire" || number != "940" || month != "2021-04" {
		t.Errorf("the template is for %s, %s, %s", name, number, month)
	}
}

func TestTemplateCommandToStandardOutput(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := runTemplate(context.Background(), []string{"-council", "202", "-month", "2021-01", "-o", "-"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&stdout)
	if err != nil {
		t.Fatalf("standard output is not a workbook: %v", err)
	}
	defer f.Close()
	if name, _, month := openTemplate(t, f); name != "Camden" || month != "2021-01" {
		t.Errorf("the template is for %s, %s", name, month)
	}
	if !strings.Contains(stderr.String(), "standard output") {
		t.Errorf("stderr %q; want it to say what was written", stderr.String())
	}
}

func TestTemplateCommandRefuses(t *testing.T) {
	next := domain.LastComplete(time.Now()).Add(1).String()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown council", []string{"-council", "999", "-month", "2021-01"}, "no council"},
		{"unknown code", []string{"-council", "E99999999", "-month", "2021-01"}, "no council"},
		{"former council after it ended", []string{"-council", "928", "-month", "2021-04"}, "Northamptonshire (928) did not exist in April 2021: it existed Jan 2009 to Mar 2021, and it was succeeded by North Northamptonshire (940) and West Northamptonshire (941)"},
		{"before 2017", []string{"-council", "202", "-month", "2016-12"}, "too early"},
		{"this month", []string{"-council", "202", "-month", next}, "has not ended"},
		{"far future", []string{"-council", "202", "-month", "2999-01"}, "has not ended"},
		{"not a month", []string{"-council", "202", "-month", "2021-13"}, "YYYY-MM"},
		{"before the council began", []string{"-council", "940", "-month", "2021-03"}, "North Northamptonshire (940) did not exist in March 2021: it existed from Apr 2021, and it replaced Northamptonshire (928)"},
		{"no council", []string{"-month", "2021-01"}, "all needed"},
		{"no month", []string{"-council", "202"}, "all needed"},
		{"no output", []string{"-council", "202", "-month", "2021-01", "-o", ""}, "all needed"},
		{"stray argument", []string{"-council", "202", "-month", "2021-01", "extra"}, "unexpected argument"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := c.args
			if !strings.Contains(strings.Join(args, " "), "-o") {
				args = append([]string{"-o", filepath.Join(dir, "out.xlsx")}, args...)
			}
			var stdout bytes.Buffer
			err := runTemplate(context.Background(), args, &stdout, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one saying %q", err, c.want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q after a refusal", stdout.String())
			}
			assertOnlyFiles(t, dir)
		})
	}
}

func TestTemplateCommandLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.xlsx")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := runTemplate(ctx, []string{"-council", "202", "-month", "2021-01", "-o", path}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Fatal("a cancelled command wrote its file")
	}
	assertOnlyFiles(t, dir)
}

// assertOnlyFiles checks that dir holds exactly the named files: no
// temporary file is left behind.
func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %q; want %q", dir, got, names)
	}
}
