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

func TestPredecessorsLifetimesAndSuccessors(t *testing.T) {
	root := generate(t)
	d, err := Load(os.DirFS(root))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		number     int
		first      string
		last       string
		successors []int
	}{
		{837, "2009-01", "2019-03", []int{839}},      // Bournemouth
		{836, "2009-01", "2019-03", []int{839}},      // Poole
		{835, "2009-01", "2019-03", []int{838, 839}}, // Dorset county, Christchurch to BCP
		{928, "2009-01", "2021-03", []int{940, 941}}, // Northamptonshire
		{909, "2009-01", "2023-03", []int{942, 943}}, // Cumbria
		{839, "2019-04", "", nil},
		{838, "2019-04", "", nil},
		{940, "2021-04", "", nil},
		{943, "2023-04", "", nil},
		{370, "2009-01", "", nil}, // Barnsley keeps its number across the 2025 re-coding
		{815, "2009-01", "", nil}, // North Yorkshire keeps its number across 2023
	} {
		c, ok := d.CouncilByNumber(tc.number)
		if !ok {
			t.Errorf("council %d not kept", tc.number)
			continue
		}
		last := ""
		if !c.LastMonth().IsZero() {
			last = c.LastMonth().String()
		}
		if c.FirstMonth().String() != tc.first || last != tc.last {
			t.Errorf("%d %s: lifetime %s to %q, want %s to %q", tc.number, c.Name, c.FirstMonth(), last, tc.first, tc.last)
		}
		if got := c.SuccessorNumbers(); !slices.Equal(got, tc.successors) {
			t.Errorf("%d %s: successors %v, want %v", tc.number, c.Name, got, tc.successors)
		}
	}
	// Without the table, a predecessor's successors come from the data:
	// councils of its region starting the day after it ended.
	byNumber := map[int]domain.Council{}
	for _, c := range d.Councils {
		byNumber[c.Number] = c
	}
	got, err := successorsOf(byNumber[928], byNumber, nil)
	if err != nil || !slices.Equal(got, []int{940, 941}) {
		t.Errorf("derived successors of 928 = %v, %v; want [940 941]", got, err)
	}
	for _, n := range []int{940, 941} {
		var preds []int
		for _, p := range d.PredecessorsOf(n) {
			preds = append(preds, p.Number)
		}
		if !slices.Equal(preds, []int{928}) {
			t.Errorf("predecessors of %d = %v, want [928]", n, preds)
		}
	}
}
