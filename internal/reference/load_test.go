package reference

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/data"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// embedded loads the reference data compiled into the binary. These tests
// need no published files, so they run everywhere.
func embedded(t *testing.T) *Data {
	t.Helper()
	d, err := Load(data.Reference)
	if err != nil {
		t.Fatalf("Load(data.Reference): %v", err)
	}
	return d
}

func TestLoadEmbeddedHashIsStable(t *testing.T) {
	a, b := embedded(t), embedded(t)
	if a.Hash() == "" || len(a.Hash()) != 64 {
		t.Fatalf("Hash = %q, want 64 hex digits", a.Hash())
	}
	if a.Hash() != b.Hash() {
		t.Errorf("two loads of the same files hash differently")
	}
	if (&Data{}).Hash() != "" {
		t.Errorf("a Data not made by Load should have no hash")
	}
}

func TestThereAre153CurrentCouncilsSortedByName(t *testing.T) {
	d := embedded(t)
	cur := d.CurrentCouncils()
	if len(cur) != 153 {
		t.Fatalf("current councils = %d, want 153", len(cur))
	}
	if !slices.IsSortedFunc(cur, func(a, b domain.Council) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("CurrentCouncils is not sorted by name")
	}
	for _, c := range cur {
		if !strings.HasPrefix(c.RegionCode, "E12") || c.RegionName == "" {
			t.Errorf("%d %s: region %q %q, want an E12 code and a name", c.Number, c.Name, c.RegionCode, c.RegionName)
		}
	}
	camden, ok := d.CouncilByNumber(202)
	if !ok || camden.Name != "Camden" || camden.RegionCode != LondonRegion || camden.RegionName != "London" {
		t.Errorf("Camden = %+v, want region E12000007 London (not Inner London)", camden)
	}
	ne, _ := d.CouncilByNumber(805)
	if ne.RegionName != "North East" {
		t.Errorf("Hartlepool region = %q, want North East", ne.RegionName)
	}
}

func TestEachCouncilHasTenNeighboursThatAreCurrentCouncils(t *testing.T) {
	d := embedded(t)
	for _, c := range d.CurrentCouncils() {
		ns := d.NeighboursOf(c.Number)
		if len(ns) != 10 {
			t.Errorf("%d %s has %d neighbours, want 10", c.Number, c.Name, len(ns))
			continue
		}
		for i, n := range ns {
			if n.Rank != i+1 {
				t.Errorf("%d: neighbour %d has rank %d", c.Number, i, n.Rank)
			}
			nc, ok := d.CouncilByNumber(n.Neighbour)
			if !ok || !nc.Current {
				t.Errorf("%d: neighbour %d is not a current council", c.Number, n.Neighbour)
			}
		}
	}
}

func TestEveryCouncilHas2024PopulationSummingToEngland(t *testing.T) {
	d := embedded(t)
	var sum int64
	for _, c := range d.CurrentCouncils() {
		n, ok := d.Population(LevelCouncil, strconv.Itoa(c.Number), 2024)
		if !ok || n <= 0 {
			t.Errorf("%d %s has no 2024 population", c.Number, c.Name)
		}
		sum += n
	}
	england, ok := d.Population(LevelNational, EnglandCode, 2024)
	if !ok {
		t.Fatal("no England 2024 population")
	}
	if sum != england {
		t.Errorf("councils' 2024 total = %d, England = %d", sum, england)
	}
	if _, ok := d.Population(LevelRegional, LondonRegion, 2024); !ok {
		t.Error("no London 2024 population")
	}
	// Barnsley is keyed by its LA number although ONS still uses its old
	// ONS code.
	if _, ok := d.Population(LevelCouncil, "370", 2024); !ok {
		t.Error("no Barnsley (370) 2024 population")
	}
	// Unpublished values ("x") are left out, not written as zero.
	if _, ok := d.Population(LevelCouncil, "837", 2018); ok {
		t.Error("Bournemouth 2018 population is 'x' at source but was written")
	}
	for _, p := range d.Populations {
		if p.Year < 2012 || p.Year > 2024 {
			t.Errorf("population year %d outside 2012-2024", p.Year)
		}
	}
}

func TestBOMAndTrailingSpacesHandled(t *testing.T) {
	d := embedded(t)
	// The neighbour file starts with a byte-order mark: had it leaked into
	// the first header, old_la_code would not be found and nothing would
	// load. Barking and Dagenham (301) is the file's first council.
	ns := d.NeighboursOf(301)
	if len(ns) == 0 {
		t.Fatal("no neighbours for 301, the neighbour file's first council")
	}
	if ns[0].Closeness != "Close" {
		t.Errorf("301's first neighbour closeness = %q, want %q", ns[0].Closeness, "Close")
	}
	for _, n := range d.Neighbours {
		if n.Closeness != strings.TrimSpace(n.Closeness) || strings.Contains(n.Closeness, "\ufeff") {
			t.Fatalf("closeness %q has stray spaces or a BOM", n.Closeness)
		}
	}
	for _, c := range d.Councils {
		if c.Number < 100 || c.Number > 999 {
			t.Errorf("la_number %d is not a DfE number", c.Number)
		}
	}
}

func TestCombinedAndOverseasRowsAreNotCouncils(t *testing.T) {
	d := embedded(t)
	for _, c := range d.Councils {
		if strings.Contains(c.Name, "/") || strings.Contains(c.ONSCode, "/") {
			t.Errorf("combined row kept as a council: %+v", c)
		}
	}
	if c, ok := d.CouncilByNumber(702); ok {
		t.Errorf("overseas row 702 kept: %+v", c)
	}
	if c, ok := d.CouncilByCode("z"); ok {
		t.Errorf("overseas code z kept: %+v", c)
	}
	// The members of combined rows are councils in their own right.
	for _, n := range []int{314, 318, 940, 941, 942, 943} {
		if c, ok := d.CouncilByNumber(n); !ok || !c.Current {
			t.Errorf("%d should be a current council", n)
		}
	}
}

func TestPredecessorsKeptWithSuccessors(t *testing.T) {
	d := embedded(t)
	for n, want := range map[int]string{928: "940 941", 909: "942 943", 835: "838 839", 836: "839", 837: "839"} {
		c, ok := d.CouncilByNumber(n)
		switch {
		case !ok:
			t.Errorf("predecessor %d not kept", n)
		case c.Current || c.EndDate == "" || c.Successors != want:
			t.Errorf("%d %s: current=%v end=%q successors=%q, want former, ended, %q", n, c.Name, c.Current, c.EndDate, c.Successors, want)
		}
	}
	if c, _ := d.CouncilByNumber(928); c.EndDate != "2021-03-31" {
		t.Errorf("Northamptonshire ended %q, want 2021-03-31", c.EndDate)
	}
	if c, ok := d.CouncilByCode("E10000021"); !ok || c.Number != 928 {
		t.Errorf("E10000021 = %+v, want Northamptonshire 928", c)
	}
	pre := d.PredecessorsOf(940)
	if len(pre) != 1 || pre[0].Number != 928 {
		t.Errorf("PredecessorsOf(940) = %+v, want Northamptonshire", pre)
	}
	// Reused numbers are one council, not a predecessor and a successor.
	for _, n := range []int{815, 933, 825, 929, 390, 370, 373} {
		if c, ok := d.CouncilByNumber(n); !ok || !c.Current {
			t.Errorf("%d should be one current council", n)
		}
	}
	// 'x' rows are not kept.
	for _, c := range d.Codes {
		if c.ONSCode == "E10000005" || c.ONSCode == "E10000010" {
			t.Errorf("code %s of an 'x' row kept", c.ONSCode)
		}
	}
}

func TestRecodedCouncilsResolveByOldAndNewCodes(t *testing.T) {
	d := embedded(t)
	for _, tc := range []struct {
		code    string
		number  int
		current string
	}{
		{"E08000016", 370, "E08000038"}, {"E08000038", 370, "E08000038"},
		{"E08000019", 373, "E08000039"}, {"E08000039", 373, "E08000039"},
		{"E10000023", 815, "E06000065"}, {"E06000065", 815, "E06000065"},
		{"e08000016 ", 370, "E08000038"},
	} {
		c, ok := d.CouncilByCode(tc.code)
		if !ok || c.Number != tc.number || c.ONSCode != tc.current || !c.Current {
			t.Errorf("CouncilByCode(%q) = %+v, %v; want %d with current code %s", tc.code, c, ok, tc.number, tc.current)
		}
	}
	if c, _ := d.CouncilByNumber(370); c.StartDate != "2009-01-01" {
		t.Errorf("Barnsley start = %s, want 2009-01-01: re-coding is not a new council", c.StartDate)
	}
	if _, ok := d.CouncilByCode("E99999999"); ok {
		t.Error("an unknown code resolved")
	}
}

func TestCatalogueHas24ValidIndicators(t *testing.T) {
	cat := Catalogue()
	if len(cat) != 24 {
		t.Fatalf("catalogue has %d indicators, want 24", len(cat))
	}
	codes := map[string]domain.Indicator{}
	for i, ind := range cat {
		if _, dup := codes[ind.Code]; dup {
			t.Errorf("duplicate code %s", ind.Code)
		}
		codes[ind.Code] = ind
		if ind.Position != i+1 {
			t.Errorf("%s position %d, want %d", ind.Code, ind.Position, i+1)
		}
		if !slices.Contains(domain.Areas, ind.Area) ||
			!slices.Contains([]string{domain.UnitCount, domain.UnitPercent, domain.UnitRatio}, ind.Unit) ||
			!slices.Contains([]string{domain.KindFlow, domain.KindStock}, ind.Kind) ||
			!slices.Contains([]string{domain.HigherWorse, domain.HigherBetter, domain.Neutral}, ind.Polarity) ||
			!slices.Contains([]string{domain.DenomChildren, domain.DenomNone, domain.DenomReferrals}, ind.Denominator) {
			t.Errorf("%s has an invalid enum: %+v", ind.Code, ind)
		}
		if ind.Label == "" || len(ind.Definition) < 40 {
			t.Errorf("%s needs a label and a real definition", ind.Code)
		}
		if ind.Unit != domain.UnitCount && ind.Denominator != domain.DenomNone {
			t.Errorf("%s: a %s cannot be per children", ind.Code, ind.Unit)
		}
	}
	for _, ind := range cat {
		if ind.SubsetOf == "" {
			continue
		}
		if total, ok := codes[ind.SubsetOf]; !ok || total.Unit != ind.Unit || total.Code == ind.Code {
			t.Errorf("%s: subset_of %q does not resolve", ind.Code, ind.SubsetOf)
		}
	}
	for _, code := range []string{"EHE_KNOWN", "CSC_REFERRALS", "CSC_CIN", "CSC_CPP", "CSC_CLA"} {
		if !codes[code].Required {
			t.Errorf("%s should be required", code)
		}
	}
	// Re-referrals are shown as DfE publishes them: a percentage of
	// referrals.
	if rr := codes["CSC_REREFERRALS"]; rr.PercentOf() != "CSC_REFERRALS" || rr.DisplayUnit() != "% of referrals" || !rr.ShownAsPercent() {
		t.Errorf("CSC_REREFERRALS: percent of %q, unit %q; want a percentage of referrals", rr.PercentOf(), rr.DisplayUnit())
	}
	for code, total := range map[string]string{"CSC_CPP": "CSC_CIN", "CSC_CLA": "CSC_CIN", "CSC_REREFERRALS": "CSC_REFERRALS", "EHE_NEW_HEALTH": "EHE_NEW"} {
		if codes[code].SubsetOf != total {
			t.Errorf("%s subset_of = %q, want %s", code, codes[code].SubsetOf, total)
		}
	}
	// The embedded file holds exactly this catalogue.
	d := embedded(t)
	if !slices.Equal(d.Indicators, cat) {
		t.Error("indicators.csv differs from Catalogue()")
	}
	if ind, ok := d.Indicator("WF_CASELOAD"); !ok || ind.Unit != domain.UnitRatio {
		t.Errorf("Indicator(WF_CASELOAD) = %+v, %v", ind, ok)
	}
}

func TestTimelineSeededFromProduct(t *testing.T) {
	d := embedded(t)
	if !slices.Equal(d.Timeline, Timeline()) {
		t.Error("timeline.csv differs from Timeline()")
	}
	byLabel := map[string]domain.TimelineEvent{}
	for _, e := range d.Timeline {
		byLabel[e.Label] = e
		if e.Kind == EventKind && e.End != e.Start {
			t.Errorf("%s: a single-day event must end when it starts", e.Label)
		}
	}
	for label, want := range map[string][2]string{
		"Schools close to most pupils": {"2020-03-20", "2020-03-20"},
		"First national lockdown":      {"2020-03-23", "2020-05-31"},
		"Second national lockdown":     {"2020-11-05", "2020-12-02"},
		"Third national lockdown":      {"2021-01-06", "2021-03-08"},
		"Initial response":             {"2020-03-01", "2020-04-30"},
		"Adapting to lockdown":         {"2020-05-01", "2020-08-31"},
	} {
		if e := byLabel[label]; e.Start != want[0] || e.End != want[1] {
			t.Errorf("%s = %s..%s, want %s..%s", label, e.Start, e.End, want[0], want[1])
		}
	}
}

func TestOfficialValuesAndMarkers(t *testing.T) {
	d := embedded(t)
	find := func(measure, level, area string, year int) (domain.OfficialValue, bool) {
		for _, o := range d.Official {
			if o.Measure == measure && o.Level == level && o.Area == area && o.Year == year {
				return o, true
			}
		}
		return domain.OfficialValue{}, false
	}
	o, ok := find("cin_at31", LevelCouncil, "202", 2025)
	if !ok || o.Value == nil || *o.Value != 1808 || o.Indicator != "CSC_CIN" || o.PeriodEnd != "2025-03-31" {
		t.Errorf("Camden cin_at31 2025 = %+v, want 1808 at 2025-03-31 for CSC_CIN", o)
	}
	if o, ok := find("sw_vacancy_rate", LevelNational, EnglandCode, 2025); !ok || o.Value == nil || o.PeriodEnd != "2025-09-30" {
		t.Errorf("England vacancy rate 2025 = %+v", o)
	}
	if o, _ := find("cpp_started", LevelCouncil, "202", 2025); o.Indicator != "" {
		t.Errorf("cpp_started should have no indicator, has %q", o.Indicator)
	}
	markers := map[string]int{}
	for _, o := range d.Official {
		if o.Value == nil {
			markers[o.Marker]++
		}
	}
	for _, m := range []string{"c", "x", "z", "low"} {
		if markers[m] == 0 {
			t.Errorf("no official value is suppressed with marker %q (markers: %v)", m, markers)
		}
	}
	// Kingston and Richmond report their workforce jointly: each gets the
	// shared rate, and the joint headcount is not given to either.
	for _, n := range []string{"314", "318"} {
		r, ok1 := find("sw_vacancy_rate", LevelCouncil, n, 2024)
		f, ok2 := find("sw_fte", LevelCouncil, n, 2024)
		if !ok1 || r.Value == nil {
			t.Errorf("%s: no shared vacancy rate 2024", n)
		}
		if !ok2 || f.Value != nil || f.Marker != "x" {
			t.Errorf("%s: joint FTE should be marked x, got %+v", n, f)
		}
	}
	a, _ := find("sw_vacancy_rate", LevelCouncil, "314", 2024)
	b, _ := find("sw_vacancy_rate", LevelCouncil, "318", 2024)
	if a.Value == nil || b.Value == nil || *a.Value != *b.Value {
		t.Error("Kingston and Richmond should share the joint vacancy rate")
	}
}

// damaged copies the generated files, applies edit to one of them and
// returns the directory to Load.
func damaged(t *testing.T, name string, edit func(lines []string) []string) fs.FS {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, data.Reference); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, "reference", name)
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := edit(strings.Split(string(b), "\n"))
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return os.DirFS(root)
}

func TestLoadRejectsMalformedFileNamingFileAndLine(t *testing.T) {
	// Each case damages line 5 (the fourth data row) of one file.
	set := func(col int, value string) func([]string) []string {
		return func(lines []string) []string {
			f := strings.Split(lines[4], ",")
			f[col] = value
			lines[4] = strings.Join(f, ",")
			return lines
		}
	}
	for _, tc := range []struct {
		name, file string
		edit       func([]string) []string
		want       string
	}{
		{"ErrCouncilNumber", CouncilsFile, set(0, "abc"), "la_number"},
		{"ErrCurrentFlag", CouncilsFile, set(5, "yes"), "current"},
		{"ErrCodeUnknownCouncil", CodesFile, set(1, "999"), "999"},
		{"ErrPopulationLevel", PopulationsFile, set(0, "county"), "level"},
		{"ErrPopulationNotNumber", PopulationsFile, set(3, "x"), "children"},
		{"ErrNeighbourNotCouncil", NeighboursFile, set(2, "702"), "702"},
		{"ErrTimelineDate", TimelineFile, set(1, "2020-13-01"), "starts"},
		{"ErrOfficialValue", OfficialFile, set(6, "lots"), "value"},
		{"ErrWrongFieldCount", CouncilsFile, func(l []string) []string { l[4] += ",extra"; return l }, "wrong number of fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(damaged(t, tc.file, tc.edit))
			if err == nil {
				t.Fatal("Load accepted a damaged file")
			}
			where := fmt.Sprintf("reference/%s line 5", tc.file)
			t.Log(err)
			if !strings.Contains(err.Error(), where) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to name %q and %q", err, where, tc.want)
			}
		})
	}
	t.Run("ErrMissingColumn", func(t *testing.T) {
		_, err := Load(damaged(t, IndicatorsFile, func(l []string) []string {
			l[0] = strings.Replace(l[0], "polarity", "polarty", 1)
			return l
		}))
		if err == nil || !strings.Contains(err.Error(), "reference/indicators.csv line 1") || !strings.Contains(err.Error(), "polarity") {
			t.Errorf("error = %v, want the missing column named", err)
		}
	})
	t.Run("ErrMissingFile", func(t *testing.T) {
		root := t.TempDir()
		if err := os.CopyFS(root, data.Reference); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(root, "reference", OfficialFile)); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(os.DirFS(root)); err == nil || !strings.Contains(err.Error(), OfficialFile) {
			t.Errorf("error = %v, want the missing file named", err)
		}
	})
	t.Run("OKColumnsReordered", func(t *testing.T) {
		// Reading is by header name: swapping two columns changes nothing.
		fsys := damaged(t, TimelineFile, func(l []string) []string {
			for i, line := range l {
				if f := strings.SplitN(line, ",", 3); len(f) == 3 {
					l[i] = f[1] + "," + f[0] + "," + f[2]
				}
			}
			return l
		})
		d, err := Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Timeline, Timeline()) {
			t.Error("reordered timeline loaded differently")
		}
	})
}

func TestLookupsSeeRowsEditedInPlace(t *testing.T) {
	// Other packages' tests edit rows after Load (a council renamed to a
	// script tag); every lookup must show the edited row.
	d := embedded(t)
	for i := range d.Councils {
		if d.Councils[i].Number == 202 {
			d.Councils[i].Name = "</script>"
		}
	}
	if c, _ := d.CouncilByCode("E09000007"); c.Name != "</script>" {
		t.Errorf("CouncilByCode shows %q", c.Name)
	}
	found := false
	for _, c := range d.CurrentCouncils() {
		found = found || c.Name == "</script>"
	}
	if !found {
		t.Error("CurrentCouncils does not show the edited name")
	}
	// A Data built by hand works too.
	hand := &Data{Councils: []domain.Council{{Number: 202, ONSCode: "E09000007", Name: "Camden", Current: true}}}
	if c, ok := hand.CouncilByNumber(202); !ok || c.Name != "Camden" {
		t.Errorf("hand-built CouncilByNumber = %+v, %v", c, ok)
	}
}
