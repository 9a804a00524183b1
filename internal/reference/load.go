package reference

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Load reads the reference files from fsys, where they sit at
// reference/<name> (as in data.Reference, the embedded data/reference).
// Every row is checked as it is read, and references between files
// (neighbours, successors, codes, populations and official figures to
// councils; subsets and official figures to indicators) are checked once
// all are read. Errors name the file and line.
//
// The Data returned is meant to be shared read-only: its lookups are built
// once, here, and would not see later changes to its slices.
func Load(fsys fs.FS) (*Data, error) {
	l := &loader{d: &Data{}, councils: map[int]domain.Council{}, indicators: map[string]bool{}, seen: map[string]int{}}
	sum := sha256.New()
	type step struct {
		name   string
		header []string
		row    func(*table) error
		done   func(*table) error
	}
	steps := []step{
		{CouncilsFile, councilsHeader, l.council, l.councilsDone},
		{CodesFile, codesHeader, l.code, l.codesDone},
		{PopulationsFile, populationsHeader, l.population, nil},
		{NeighboursFile, neighboursHeader, l.neighbour, l.neighboursDone},
		{IndicatorsFile, indicatorsHeader, l.indicator, l.indicatorsDone},
		{TimelineFile, timelineHeader, l.event, nil},
		{OfficialFile, officialHeader, l.official, nil},
	}
	for _, s := range steps {
		p := path.Join("reference", s.name)
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("reference: %w", err)
		}
		// The hash covers each file's name, length and bytes, so moving a
		// row from one file to another changes it too.
		fmt.Fprintf(sum, "%s\x00%d\x00", s.name, len(b))
		sum.Write(b)
		t, err := newTable(p, bytes.NewReader(b), true, s.header...)
		if err != nil {
			return nil, err
		}
		l.lines = l.lines[:0]
		clear(l.seen)
		for {
			ok, err := t.next()
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			l.lines = append(l.lines, t.line)
			if err := s.row(t); err != nil {
				return nil, err
			}
		}
		if s.done != nil {
			if err := s.done(t); err != nil {
				return nil, err
			}
		}
	}
	p := path.Join("reference", FrameworkFile)
	b, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("reference: %w", err)
	}
	fmt.Fprintf(sum, "%s\x00%d\x00", FrameworkFile, len(b))
	sum.Write(b)
	if l.d.Framework, err = readFramework(p, b, l.indicators); err != nil {
		return nil, err
	}
	l.d.idx = buildIndex(l.d)
	l.d.idx.hash = hex.EncodeToString(sum.Sum(nil))
	return l.d, nil
}

// loader holds what Load has read so far, so that each file can be checked
// against the files before it.
type loader struct {
	d          *Data
	councils   map[int]domain.Council
	indicators map[string]bool
	seen       map[string]int // keys already used in the current file, and their lines
	lines      []int          // the line of each row of the current file
}

// unique reports an error if key has been seen before in this file.
func (l *loader) unique(t *table, key string) error {
	if line, dup := l.seen[key]; dup {
		return t.errorf("%s repeats line %d", key, line)
	}
	l.seen[key] = t.line
	return nil
}

// isCouncil checks that n is a council, current if need be.
func (l *loader) isCouncil(t *table, col string, n int, current bool) error {
	c, ok := l.councils[n]
	switch {
	case !ok:
		return t.errorf("%s %d is not in %s", col, n, CouncilsFile)
	case current && !c.Current:
		return t.errorf("%s %d (%s) is not a current council", col, n, c.Name)
	}
	return nil
}

// atLine makes an error for a row already read, by its index.
func (l *loader) atLine(t *table, i int, format string, args ...any) error {
	return fmt.Errorf("%s line %d: %s", t.name, l.lines[i], fmt.Sprintf(format, args...))
}

// Cell readers for our own files: they check as they read, and their
// errors name the file, line and column.

func intCell(t *table, col string, lo, hi int64) (int64, error) {
	s := t.get(col)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, t.errorf("%s %q is not a whole number", col, s)
	}
	if n < lo || n > hi {
		return 0, t.errorf("%s %d is outside %d to %d", col, n, lo, hi)
	}
	return n, nil
}

func laCell(t *table, col string) (int, error) {
	n, ok := laNumber(t.get(col))
	if !ok {
		return 0, t.errorf("%s %q is not a three-digit LA number", col, t.get(col))
	}
	return n, nil
}

func dateCell(t *table, col string, optional bool) (string, error) {
	s := t.get(col)
	if s == "" && optional {
		return "", nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return "", t.errorf("%s %q is not a date (YYYY-MM-DD)", col, s)
	}
	return s, nil
}

func flagCell(t *table, col string) (bool, error) {
	switch t.get(col) {
	case "1":
		return true, nil
	case "0":
		return false, nil
	}
	return false, t.errorf("%s %q is not 1 or 0", col, t.get(col))
}

func textCell(t *table, col string) (string, error) {
	s := t.get(col)
	if s == "" {
		return "", t.errorf("%s is empty", col)
	}
	return s, nil
}

func oneOf(t *table, col string, allowed ...string) (string, error) {
	s := t.get(col)
	for _, a := range allowed {
		if s == a {
			return s, nil
		}
	}
	return "", t.errorf("%s %q is not one of %s", col, s, strings.Join(allowed, ", "))
}

func codeCell(t *table, col string) (string, error) {
	s := t.get(col)
	if !onsCodeRE.MatchString(s) {
		return "", t.errorf("%s %q is not an ONS code", col, s)
	}
	return s, nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) council(t *table) error {
	var c domain.Council
	var err [9]error
	c.Number, err[0] = laCell(t, "la_number")
	c.ONSCode, err[1] = codeCell(t, "ons_code")
	c.Name, err[2] = textCell(t, "name")
	c.RegionCode, err[3] = codeCell(t, "region_code")
	c.RegionName, err[4] = textCell(t, "region_name")
	c.Current, err[5] = flagCell(t, "current")
	c.StartDate, err[6] = dateCell(t, "start_date", false)
	c.EndDate, err[7] = dateCell(t, "end_date", true)
	c.Successors = strings.Join(strings.Fields(t.get("successors")), " ")
	for _, s := range strings.Fields(c.Successors) {
		if _, ok := laNumber(s); !ok && err[8] == nil {
			err[8] = t.errorf("successors %q: %q is not an LA number", c.Successors, s)
		}
	}
	if e := firstErr(err[:]...); e != nil {
		return e
	}
	switch {
	case !strings.HasPrefix(c.RegionCode, "E12"):
		return t.errorf("region_code %s is not a region (E12...)", c.RegionCode)
	case c.Current && (c.EndDate != "" || c.Successors != ""):
		return t.errorf("current council %d has an end date or successors", c.Number)
	case !c.Current && (c.EndDate == "" || c.Successors == ""):
		return t.errorf("former council %d needs an end date and successors", c.Number)
	case c.EndDate != "" && c.EndDate < c.StartDate:
		return t.errorf("end_date %s is before start_date %s", c.EndDate, c.StartDate)
	}
	if e := l.unique(t, "la_number "+strconv.Itoa(c.Number)); e != nil {
		return e
	}
	l.councils[c.Number] = c
	l.d.Councils = append(l.d.Councils, c)
	return nil
}

// councilsDone checks that successors are current councils.
func (l *loader) councilsDone(t *table) error {
	if len(l.d.Councils) == 0 {
		return fmt.Errorf("%s: no councils", t.name)
	}
	for i, c := range l.d.Councils {
		for _, s := range strings.Fields(c.Successors) {
			n, _ := laNumber(s)
			if succ, ok := l.councils[n]; !ok || !succ.Current {
				return l.atLine(t, i, "successor %d of %d is not a current council", n, c.Number)
			}
		}
	}
	return nil
}

func (l *loader) code(t *table) error {
	var c domain.CouncilCode
	var err [4]error
	c.ONSCode, err[0] = codeCell(t, "ons_code")
	c.Number, err[1] = laCell(t, "la_number")
	c.ValidFrom, err[2] = dateCell(t, "valid_from", false)
	c.ValidTo, err[3] = dateCell(t, "valid_to", true)
	if e := firstErr(err[:]...); e != nil {
		return e
	}
	if c.ValidTo != "" && c.ValidTo < c.ValidFrom {
		return t.errorf("valid_to %s is before valid_from %s", c.ValidTo, c.ValidFrom)
	}
	if e := firstErr(l.isCouncil(t, "la_number", c.Number, false), l.unique(t, "ons_code "+c.ONSCode)); e != nil {
		return e
	}
	l.d.Codes = append(l.d.Codes, c)
	return nil
}

// codesDone checks that every council's own code is listed for it, so
// CouncilByCode finds every council.
func (l *loader) codesDone(t *table) error {
	byCode := map[string]int{}
	for _, c := range l.d.Codes {
		byCode[c.ONSCode] = c.Number
	}
	for _, c := range l.d.Councils {
		if n, ok := byCode[c.ONSCode]; !ok || n != c.Number {
			return fmt.Errorf("%s: council %d's ONS code %s is not listed for it", t.name, c.Number, c.ONSCode)
		}
	}
	return nil
}

func (l *loader) population(t *table) error {
	var p domain.Population
	var err [4]error
	var year int64
	p.Level, err[0] = oneOf(t, "level", LevelNational, LevelRegional, LevelCouncil)
	p.Area, err[1] = textCell(t, "area")
	year, err[2] = intCell(t, "year", 1900, 2200)
	p.Children, err[3] = intCell(t, "children", 0, math.MaxInt64)
	if e := firstErr(err[:]...); e != nil {
		return e
	}
	p.Year = int(year)
	if e := firstErr(l.checkArea(t, p.Level, p.Area), l.unique(t, fmt.Sprintf("%s %s %d", p.Level, p.Area, p.Year))); e != nil {
		return e
	}
	l.d.Populations = append(l.d.Populations, p)
	return nil
}

// checkArea checks an area's form for its level, and that a council area
// is a council.
func (l *loader) checkArea(t *table, level, area string) error {
	switch level {
	case LevelCouncil:
		n, ok := laNumber(area)
		if !ok {
			return t.errorf("area %q is not an LA number", area)
		}
		return l.isCouncil(t, "area", n, false)
	case LevelRegional:
		if !regionRE.MatchString(area) {
			return t.errorf("area %q is not a region code (E12/E13)", area)
		}
	case LevelNational:
		if !onsCodeRE.MatchString(area) {
			return t.errorf("area %q is not an ONS code", area)
		}
	}
	return nil
}

func (l *loader) neighbour(t *table) error {
	var n domain.Neighbour
	var err [4]error
	var rank int64
	n.Council, err[0] = laCell(t, "la_number")
	rank, err[1] = intCell(t, "rank", 1, 10)
	n.Neighbour, err[2] = laCell(t, "neighbour")
	n.Closeness, err[3] = textCell(t, "closeness")
	if e := firstErr(err[:]...); e != nil {
		return e
	}
	n.Rank = int(rank)
	if e := firstErr(
		l.isCouncil(t, "la_number", n.Council, true),
		l.isCouncil(t, "neighbour", n.Neighbour, true),
		l.unique(t, fmt.Sprintf("council %d rank %d", n.Council, n.Rank)),
		l.unique(t, fmt.Sprintf("council %d neighbour %d", n.Council, n.Neighbour)),
	); e != nil {
		return e
	}
	if n.Council == n.Neighbour {
		return t.errorf("council %d is its own neighbour", n.Council)
	}
	l.d.Neighbours = append(l.d.Neighbours, n)
	return nil
}

// neighboursDone checks that a council with neighbours has all ten (ranks
// are unique and 1 to 10, so ten rows means ranks 1 to 10).
func (l *loader) neighboursDone(t *table) error {
	count := map[int]int{}
	for _, n := range l.d.Neighbours {
		count[n.Council]++
	}
	for i, n := range l.d.Neighbours {
		if count[n.Council] != 10 {
			return l.atLine(t, i, "council %d has %d neighbours, not 10", n.Council, count[n.Council])
		}
	}
	return nil
}

func (l *loader) indicator(t *table) error {
	var i domain.Indicator
	var err [10]error
	var pos int64
	i.Code, err[0] = textCell(t, "code")
	i.Area, err[1] = oneOf(t, "area", domain.Areas...)
	i.Label, err[2] = textCell(t, "label")
	i.Definition, err[3] = textCell(t, "definition")
	i.Unit, err[4] = oneOf(t, "unit", domain.UnitCount, domain.UnitPercent, domain.UnitRatio)
	i.Kind, err[5] = oneOf(t, "kind", domain.KindFlow, domain.KindStock)
	i.Polarity, err[6] = oneOf(t, "polarity", domain.HigherWorse, domain.HigherBetter, domain.Neutral)
	i.Denominator, err[7] = textCell(t, "denominator")
	i.Required, err[8] = flagCell(t, "required")
	pos, err[9] = intCell(t, "position", 1, 10000)
	if e := firstErr(err[:]...); e != nil {
		return e
	}
	i.SubsetOf = t.get("subset_of")
	i.Position = int(pos)
	if i.Denominator != domain.DenomNone && i.Unit != domain.UnitCount {
		return t.errorf("%s: only counts can be per 10,000 children or a percentage of another count", i.Code)
	}
	if e := firstErr(l.unique(t, "code "+i.Code), l.unique(t, "position "+strconv.Itoa(i.Position))); e != nil {
		return e
	}
	l.indicators[i.Code] = true
	l.d.Indicators = append(l.d.Indicators, i)
	return nil
}

// indicatorsDone checks that every subset names another indicator, of the
// same unit (a count can only be part of a count).
func (l *loader) indicatorsDone(t *table) error {
	unit := map[string]string{}
	for _, i := range l.d.Indicators {
		unit[i.Code] = i.Unit
	}
	for k, i := range l.d.Indicators {
		// A denominator is children, none, or another count indicator
		// (shown as a percentage of it).
		if of := i.PercentOf(); of != "" {
			if u, ok := unit[of]; !ok || of == i.Code || u != domain.UnitCount {
				return l.atLine(t, k, "denominator %q is not %s, %s or another count indicator", of, domain.DenomChildren, domain.DenomNone)
			}
		}
		if i.SubsetOf == "" {
			continue
		}
		if u, ok := unit[i.SubsetOf]; !ok || i.SubsetOf == i.Code || u != i.Unit {
			return l.atLine(t, k, "subset_of %q is not another indicator of the same unit", i.SubsetOf)
		}
	}
	return nil
}

func (l *loader) event(t *table) error {
	var e domain.TimelineEvent
	var err [5]error
	e.ID, err[0] = intCell(t, "id", 1, math.MaxInt64)
	e.Start, err[1] = dateCell(t, "starts", false)
	e.End, err[2] = dateCell(t, "ends", false)
	e.Kind, err[3] = oneOf(t, "kind", EventKind, LockdownKind, PhaseKind)
	e.Label, err[4] = textCell(t, "label")
	if x := firstErr(err[:]...); x != nil {
		return x
	}
	e.Description = t.get("description")
	switch {
	case e.End < e.Start:
		return t.errorf("ends %s is before starts %s", e.End, e.Start)
	case e.Kind == EventKind && e.End != e.Start:
		return t.errorf("an event is one day: ends must equal starts")
	}
	if x := l.unique(t, "id "+strconv.FormatInt(e.ID, 10)); x != nil {
		return x
	}
	l.d.Timeline = append(l.d.Timeline, e)
	return nil
}

func (l *loader) official(t *table) error {
	var o domain.OfficialValue
	var err [4]error
	var year int64
	o.Measure, err[0] = textCell(t, "measure")
	o.Level, err[1] = oneOf(t, "level", LevelNational, LevelRegional, LevelCouncil)
	year, err[2] = intCell(t, "year", 1900, 2200)
	o.PeriodEnd, err[3] = dateCell(t, "period_end", false)
	if e := firstErr(err[:]...); e != nil {
		return e
	}
	o.Year = int(year)
	o.Indicator = t.get("indicator")
	o.Area = t.get("area")
	o.Marker = t.get("marker")
	if o.Indicator != "" && !l.indicators[o.Indicator] {
		return t.errorf("indicator %q is not in %s", o.Indicator, IndicatorsFile)
	}
	if e := firstErr(l.checkArea(t, o.Level, o.Area),
		l.unique(t, fmt.Sprintf("%s %s %s %d", o.Measure, o.Level, o.Area, o.Year))); e != nil {
		return e
	}
	switch v := t.get("value"); {
	case v == "" && o.Marker == "":
		return t.errorf("value and marker are both empty")
	case v != "" && o.Marker != "":
		return t.errorf("value %q has a marker %q; a marker stands in for a value", v, o.Marker)
	case v != "":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return t.errorf("value %q is not a number", v)
		}
		o.Value = &f
	}
	l.d.Official = append(l.d.Official, o)
	return nil
}
