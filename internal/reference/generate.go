package reference

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Generate reads DfE's and ONS's published files in fromDir (the layout of
// ../shared/reference: dfe_las.csv, ons_population_0_17_*.csv,
// dfe_statistical_neighbours_*.csv and official/*.csv) and writes the
// project's own reference files into toDir (normally data/reference).
//
// Output is deterministic (sorted, fixed formatting) so that a regenerated
// directory only differs where the published data did. Everything is built
// in memory first, so bad input leaves toDir untouched; each file is then
// written under a temporary name and renamed into place.
func Generate(fromDir, toDir string) error {
	files, err := build(fromDir)
	if err != nil {
		return err
	}
	return writeFiles(toDir, files)
}

// outFile is one generated file.
type outFile struct {
	name string
	data []byte
}

// sources are the published files Generate reads, relative to fromDir.
type sources struct {
	las, population, neighbours string
	official                    []string
}

// findSources locates the published files. The population and neighbour
// files carry their years in their names, so the latest by name is used:
// a new DfE/ONS release can be dropped in beside the old one.
func findSources(dir string) (sources, error) {
	var s sources
	latest := func(pattern string) (string, error) {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return "", err
		}
		if len(m) == 0 {
			return "", fmt.Errorf("reference: no file matching %s in %s", pattern, dir)
		}
		slices.Sort(m)
		return filepath.Rel(dir, m[len(m)-1])
	}
	var err error
	if s.las, err = latest("dfe_las*.csv"); err != nil {
		return s, err
	}
	if s.population, err = latest("ons_population_0_17_*.csv"); err != nil {
		return s, err
	}
	if s.neighbours, err = latest("dfe_statistical_neighbours_*.csv"); err != nil {
		return s, err
	}
	m, err := filepath.Glob(filepath.Join(dir, "official", "*.csv"))
	if err != nil {
		return s, err
	}
	if len(m) == 0 {
		return s, fmt.Errorf("reference: no official/*.csv in %s", dir)
	}
	slices.Sort(m)
	for _, p := range m {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return s, err
		}
		s.official = append(s.official, filepath.ToSlash(rel))
	}
	return s, nil
}

// build reads every source and returns the files to write.
func build(fromDir string) ([]outFile, error) {
	src, err := findSources(fromDir)
	if err != nil {
		return nil, err
	}
	open := func(rel string, required ...string) (*table, func(), error) {
		f, err := os.Open(filepath.Join(fromDir, rel))
		if err != nil {
			return nil, nil, err
		}
		t, err := newTable(filepath.ToSlash(rel), f, false, required...)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return t, func() { f.Close() }, nil
	}

	// The population file comes first because it names the regions.
	t, done, err := open(src.population, "time_period", "geographic_level", "country_code", "region_code", "region_name", "old_la_code", "new_la_code", "population_estimate")
	if err != nil {
		return nil, err
	}
	raw, regions, err := readPopulation(t)
	done()
	if err != nil {
		return nil, err
	}

	t, done, err = open(src.las, "new_la_code", "la_name", "date_of_operation", "date_of_termination", "parent_geography_code", "status", "old_la_code")
	if err != nil {
		return nil, err
	}
	cs, err := readCouncils(t, regions)
	done()
	if err != nil {
		return nil, err
	}

	pops, err := resolvePopulation(src.population, raw, cs)
	if err != nil {
		return nil, err
	}

	t, done, err = open(src.neighbours, neighbourColumns()...)
	if err != nil {
		return nil, err
	}
	nbs, err := readNeighbours(t, cs)
	done()
	if err != nil {
		return nil, err
	}

	var off officialSet
	for _, rel := range src.official {
		t, done, err := open(rel, "time_period", "geographic_level")
		if err != nil {
			return nil, err
		}
		err = off.read(t, cs)
		done()
		if err != nil {
			return nil, err
		}
	}
	offRows, err := off.result()
	if err != nil {
		return nil, err
	}

	var files []outFile
	add := func(name string, header []string, rows [][]string) error {
		b, err := encodeCSV(header, rows)
		if err != nil {
			return fmt.Errorf("reference: writing %s: %w", name, err)
		}
		files = append(files, outFile{name, b})
		return nil
	}
	if err := errors.Join(
		add(CouncilsFile, councilsHeader, councilRows(cs.councils)),
		add(CodesFile, codesHeader, codeRows(cs.codes)),
		add(PopulationsFile, populationsHeader, populationRows(pops)),
		add(NeighboursFile, neighboursHeader, neighbourRows(nbs)),
		add(IndicatorsFile, indicatorsHeader, indicatorRows(Catalogue())),
		add(TimelineFile, timelineHeader, timelineRows(Timeline())),
		add(OfficialFile, officialHeader, officialRows(offRows)),
	); err != nil {
		return nil, err
	}
	fw, err := frameworkJSON(Framework())
	if err != nil {
		return nil, fmt.Errorf("reference: writing %s: %w", FrameworkFile, err)
	}
	files = append(files, outFile{FrameworkFile, fw}, outFile{NoticeFile, notice(src)})
	return files, nil
}

// writeFiles writes each file to a temporary name in dir and renames it
// into place, so a reader (or an interrupted run) never sees half a file.
func writeFiles(dir string, files []outFile) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var temps []string
	defer func() {
		if err != nil {
			for _, t := range temps {
				os.Remove(t)
			}
		}
	}()
	for _, f := range files {
		tmp, err := os.CreateTemp(dir, "."+f.name+".*.tmp")
		if err != nil {
			return err
		}
		temps = append(temps, tmp.Name())
		_, werr := tmp.Write(f.data)
		serr := tmp.Sync()
		cerr := tmp.Close()
		if err := errors.Join(werr, serr, cerr, os.Chmod(tmp.Name(), 0o644)); err != nil {
			return fmt.Errorf("reference: writing %s: %w", f.name, err)
		}
	}
	for i, f := range files {
		if err := os.Rename(temps[i], filepath.Join(dir, f.name)); err != nil {
			return err
		}
	}
	return nil
}

// notice is the attribution the Open Government Licence asks for, naming
// the files the data came from.
func notice(src sources) []byte {
	var b strings.Builder
	b.WriteString(`Reference data for the resilience dashboard

Contains public sector information licensed under the Open Government Licence v3.0.
https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/

The CSV files in this directory are generated; do not edit them by hand.
Regenerate them from the repository root with:

    resilience refdata --from ../shared/reference

Sources (as published by the Department for Education (DfE) and the Office
for National Statistics (ONS), kept in DfE's public analysis repositories):

`)
	fmt.Fprintf(&b, "- %s: DfE, local authority codes, names, dates and regions\n", src.las)
	fmt.Fprintf(&b, "- %s: ONS, mid-year population estimates, children aged 0 to 17\n", src.population)
	fmt.Fprintf(&b, "- %s: DfE, children's services statistical neighbours\n", src.neighbours)
	for _, o := range src.official {
		fmt.Fprintf(&b, "- %s: DfE, official statistics (Explore Education Statistics)\n", o)
	}
	b.WriteString(`
indicators.csv and timeline.csv are the project's own catalogue and timeline;
framework.json is the enabling-conditions framework for self-assessment, from
Isos Partnership's January 2021 update to the LGA Children and Young People
Board ("How local systems are responding to the Covid-19 pandemic").
Some indicator definitions quote DfE's LAIT data dictionary
(dfe_lait_data_dictionary.csv, DfE).
`)
	return []byte(b.String())
}

// Patterns for codes.
var (
	laNumberRE = regexp.MustCompile(`^[0-9]{3}$`)
	onsCodeRE  = regexp.MustCompile(`^E[0-9]{8}$`)
	regionRE   = regexp.MustCompile(`^E1[23][0-9]{6}$`)
)

// laNumber reads a DfE LA number: exactly three digits. Anything else ("x",
// "z", "940 / 941") is not a council's own number.
func laNumber(s string) (int, bool) {
	if !laNumberRE.MatchString(s) {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// isoDate reads DfE's dd/mm/yyyy dates (or ISO ones) and writes them ISO.
func isoDate(s string) (string, error) {
	for _, layout := range []string{"02/01/2006", time.DateOnly, "2/1/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), nil
		}
	}
	return "", fmt.Errorf("%q is not a date (dd/mm/yyyy)", s)
}

// geoLevel maps EES's geographic_level to ours; other levels ("Local
// authority district", "Parliamentary constituency" ...) give "".
func geoLevel(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "national":
		return LevelNational
	case "regional":
		return LevelRegional
	case "local authority":
		return LevelCouncil
	}
	return ""
}

// parseYear reads an EES time_period: a year ("2025") or an academic or
// financial year ("202425"), which is given as the year it ends in.
func parseYear(s string) (int, bool) {
	switch len(s) {
	case 4:
		y, err := strconv.Atoi(s)
		return y, err == nil && y >= 1900
	case 6:
		y, err1 := strconv.Atoi(s[:4])
		z, err2 := strconv.Atoi(s[4:])
		if err1 != nil || err2 != nil || (y+1)%100 != z || y < 1900 {
			return 0, false
		}
		return y + 1, true
	}
	return 0, false
}

// levelRank orders levels national, regional, council.
func levelRank(l string) int {
	switch l {
	case LevelNational:
		return 0
	case LevelRegional:
		return 1
	}
	return 2
}

// compareArea orders areas within a level: council areas numerically, the
// others as text.
func compareArea(level, a, b string) int {
	if level == LevelCouncil {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		if x != y {
			return x - y
		}
	}
	return strings.Compare(a, b)
}

// populationRows writes populations sorted by level, area and year.
func populationRows(pops []domain.Population) [][]string {
	slices.SortFunc(pops, func(a, b domain.Population) int {
		if c := levelRank(a.Level) - levelRank(b.Level); c != 0 {
			return c
		}
		if c := compareArea(a.Level, a.Area, b.Area); c != 0 {
			return c
		}
		return a.Year - b.Year
	})
	rows := make([][]string, 0, len(pops))
	for _, p := range pops {
		rows = append(rows, []string{p.Level, p.Area, strconv.Itoa(p.Year), strconv.FormatInt(p.Children, 10)})
	}
	return rows
}

// neighbourRows writes neighbours sorted by council and rank.
func neighbourRows(nbs []domain.Neighbour) [][]string {
	slices.SortFunc(nbs, func(a, b domain.Neighbour) int {
		if a.Council != b.Council {
			return a.Council - b.Council
		}
		return a.Rank - b.Rank
	})
	rows := make([][]string, 0, len(nbs))
	for _, n := range nbs {
		rows = append(rows, []string{strconv.Itoa(n.Council), strconv.Itoa(n.Rank), strconv.Itoa(n.Neighbour), n.Closeness})
	}
	return rows
}

// indicatorRows writes the catalogue in position order.
func indicatorRows(cat []domain.Indicator) [][]string {
	slices.SortFunc(cat, func(a, b domain.Indicator) int { return a.Position - b.Position })
	rows := make([][]string, 0, len(cat))
	for _, i := range cat {
		rows = append(rows, []string{i.Code, i.Area, i.Label, i.Definition, i.Unit, i.Kind, i.Polarity, i.Denominator,
			boolCell(i.Required), i.SubsetOf, strconv.Itoa(i.Position)})
	}
	return rows
}

// timelineRows writes the timeline in ID order.
func timelineRows(evs []domain.TimelineEvent) [][]string {
	slices.SortFunc(evs, func(a, b domain.TimelineEvent) int { return int(a.ID - b.ID) })
	rows := make([][]string, 0, len(evs))
	for _, e := range evs {
		rows = append(rows, []string{strconv.FormatInt(e.ID, 10), e.Start, e.End, e.Kind, e.Label, e.Description})
	}
	return rows
}

// boolCell writes a flag as 1 or 0.
func boolCell(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
