package reference

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// update regenerates the committed data/reference from ../shared/reference:
//
//	go test ./internal/reference -run TestGeneratedFilesMatchCommitted -update
var update = flag.Bool("update", false, "regenerate data/reference from ../shared/reference")

// sharedDir finds DfE's and ONS's published files, which live beside the
// repository (../shared/reference), not in it. Without them the tests that
// regenerate are skipped, except in CI, where they must be there.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "reference")
	if _, err := os.Stat(filepath.Join(dir, "dfe_las.csv")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("../shared/reference not found: %v", err)
		}
		t.Skipf("../shared/reference not found: %v", err)
	}
	return dir
}

// generate runs Generate from the shared files into a temporary
// directory laid out like the embedded one, and returns its root.
func generate(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := Generate(sharedDir(t), filepath.Join(root, "reference")); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return root
}

// copyDir copies the shared files so a test can damage its copy.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
	return to
}

func TestGenerateThenLoad(t *testing.T) {
	root := generate(t)
	d, err := Load(os.DirFS(root))
	if err != nil {
		t.Fatalf("Load of generated files: %v", err)
	}
	if got := len(d.CurrentCouncils()); got != 153 {
		t.Errorf("current councils = %d, want 153", got)
	}
	if d.Hash() == "" {
		t.Error("Hash is empty after Load")
	}
	// Nothing but the files themselves is left behind.
	entries, err := os.ReadDir(filepath.Join(root, "reference"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := append(slices.Clone(dataFiles), NoticeFile)
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("generated files = %v, want %v", names, want)
	}
}

func TestGeneratedFilesMatchCommitted(t *testing.T) {
	if *update {
		if err := Generate(sharedDir(t), filepath.Join("..", "..", "data", "reference")); err != nil {
			t.Fatalf("Generate: %v", err)
		}
		t.Log("data/reference regenerated; rebuild to embed it")
		return
	}
	root := generate(t)
	generated, err := os.ReadDir(filepath.Join(root, "reference"))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := fs.ReadDir(data.Reference, "reference")
	if err != nil {
		t.Fatal(err)
	}
	names := func(es []fs.DirEntry) []string {
		var s []string
		for _, e := range es {
			s = append(s, e.Name())
		}
		slices.Sort(s)
		return s
	}
	if g, c := names(generated), names(committed); !slices.Equal(g, c) {
		t.Fatalf("generated files %v, committed %v", g, c)
	}
	for _, e := range generated {
		got, err := os.ReadFile(filepath.Join(root, "reference", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		want, err := fs.ReadFile(data.Reference, "reference/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
			for i := range max(len(gl), len(wl)) {
				if i >= len(gl) || i >= len(wl) || gl[i] != wl[i] {
					t.Errorf("%s differs from committed data/reference at line %d; run go test ./internal/reference -run TestGeneratedFilesMatchCommitted -update", e.Name(), i+1)
					break
				}
			}
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := generate(t), generate(t)
	for _, name := range append(slices.Clone(dataFiles), NoticeFile) {
		x, err1 := os.ReadFile(filepath.Join(a, "reference", name))
		y, err2 := os.ReadFile(filepath.Join(b, "reference", name))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

func TestGeneratedFilesHaveNoBOMAndEndInNewline(t *testing.T) {
	root := generate(t)
	for _, name := range dataFiles {
		b, err := os.ReadFile(filepath.Join(root, "reference", name))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(b, []byte("\ufeff")) {
			t.Errorf("%s starts with a byte-order mark", name)
		}
		if !bytes.HasSuffix(b, []byte("\n")) || bytes.Contains(b, []byte("\r")) {
			t.Errorf("%s: want \\n line endings and a final newline", name)
		}
	}
}

func TestGenerateReportsUnknownLANumbers(t *testing.T) {
	from := copyDir(t, sharedDir(t))
	p := filepath.Join(from, "official", "children_in_need_2013_2025.csv")
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	// A copy of Camden's 2025 row under a number no council has.
	var extra string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "2025,") && strings.Contains(line, ",202,E09000007,Camden,") {
			extra = strings.Replace(line, ",202,E09000007,Camden,", ",999,E09999999,Nowhere,", 1)
		}
	}
	if extra == "" {
		t.Fatal("Camden 2025 row not found")
	}
	if err := os.WriteFile(p, append(b, []byte(extra+"\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "reference")
	err = Generate(from, to)
	if err == nil || !strings.Contains(err.Error(), "999 Nowhere") {
		t.Fatalf("Generate error = %v, want one naming LA 999 Nowhere", err)
	}
	if _, statErr := os.Stat(to); !os.IsNotExist(statErr) {
		t.Errorf("Generate wrote %s despite the error", to)
	}
}

func TestSuccessorsDerivedFromDataMatchKnownReorganisations(t *testing.T) {
	root := generate(t)
	d, err := Load(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	// Derivation alone (same region, starting the day after) must agree
	// with the table kept as a fallback, or one of them is wrong.
	byNumber := map[int]domain.Council{}
	for _, c := range d.Councils {
		byNumber[c.Number] = c
	}
	for n, want := range knownSuccessors {
		p, ok := byNumber[n]
		if !ok {
			t.Errorf("predecessor %d not kept", n)
			continue
		}
		got, err := successorsOf(p, byNumber, nil)
		if err != nil {
			t.Errorf("%d: %v", n, err)
		} else if !slices.Equal(got, want) {
			t.Errorf("%d %s: derived successors %v, table says %v", n, p.Name, got, want)
		}
	}
}
