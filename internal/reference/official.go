package reference

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// OfficialMeasure is one column of DfE's EES files that the product keeps.
// The returns package reads uploaded EES files with the same mapping, so a
// figure means the same whether it came from data/reference or an upload.
type OfficialMeasure struct {
	Measure   string // our name, e.g. "cin_at31"
	Column    string // the EES column, found by name in whichever file has it
	Indicator string // the monthly indicator it sits beside, or ""
	PeriodEnd string // month and day the figure is at or up to: "03-31", "09-30"
	// Count is true for counts (as opposed to rates and ratios); a count
	// reported jointly by two councils cannot be given to either.
	Count bool
}

// officialMeasures are the DfE figures written to official.csv. Children in
// need census figures are for the year to 31 March; workforce census
// figures are at 30 September.
var officialMeasures = []OfficialMeasure{
	{"cin_at31", "At31_episodes", "CSC_CIN", "03-31", true},
	{"referrals", "referral_count", "CSC_REFERRALS", "03-31", true},
	// Re-referrals are shown, as DfE publishes them, as a percentage of
	// referrals, so DfE's percentage is the figure that sits beside them;
	// the count is kept for analysts.
	{"rereferrals", "rereferral_count", "", "03-31", true},
	{"rereferral_percent", "rereferral_percent", "CSC_REREFERRALS", "03-31", false},
	// Plans started in the year is an annual flow; no monthly indicator
	// counts plan starts, so it has none.
	{"cpp_started", "CPP_start", "", "03-31", true},
	{"sw_vacancy_rate", "vacancy_rate_fte", "WF_VACANCY", "09-30", false},
	{"sw_agency_rate", "agency_rate_fte", "WF_AGENCY", "09-30", false},
	{"sw_caseload", "caseload_fte", "WF_CASELOAD", "09-30", false},
	{"sw_absence_rate", "absence_rate_fte", "WF_ABSENCE", "09-30", false},
	{"sw_fte", "inpost_fte", "", "09-30", true},
}

// OfficialMeasures returns the DfE columns the product keeps, in the order
// official.csv lists them. It is a copy: callers may not change the
// mapping.
func OfficialMeasures() []OfficialMeasure { return slices.Clone(officialMeasures) }

// officialKey identifies one official figure.
type officialKey struct {
	measure, level, area string
	year                 int
}

// officialEntry is a figure with where it came from.
type officialEntry struct {
	v     domain.OfficialValue
	joint bool // from a row shared by several councils
	where string
}

// officialSet gathers figures from every official file.
type officialSet struct {
	m       map[officialKey]officialEntry
	found   map[string]bool // measures seen in some file
	unknown map[string]string
	errs    []string
}

// read adds the figures of one EES tidy file.
func (s *officialSet) read(t *table, cs *councilSet) error {
	if s.m == nil {
		s.m, s.found, s.unknown = map[officialKey]officialEntry{}, map[string]bool{}, map[string]string{}
	}
	var ms []OfficialMeasure
	for _, m := range officialMeasures {
		if t.has(m.Column) {
			ms = append(ms, m)
			s.found[m.Measure] = true
		}
	}
	if len(ms) == 0 {
		return nil // a file with nothing we keep
	}
	for {
		ok, err := t.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		level := geoLevel(t.get("geographic_level"))
		if level == "" {
			continue
		}
		year, ok := parseYear(t.get("time_period"))
		if !ok {
			return t.errorf("time_period %q is not a year", t.get("time_period"))
		}
		var areas []string
		switch level {
		case LevelNational:
			a := strings.ToUpper(t.get("country_code"))
			if a == "" {
				a = EnglandCode
			}
			areas = []string{a}
		case LevelRegional:
			a := strings.ToUpper(t.get("region_code"))
			if !regionRE.MatchString(a) {
				return t.errorf("region_code %q is not a region (E12/E13)", a)
			}
			areas = []string{a}
		case LevelCouncil:
			// DfE reports some councils jointly ("314 / 318" Kingston and
			// Richmond, through Achieving for Children; "940 / 941" the
			// Northamptonshires' workforce). Each member gets the figure.
			nums := strings.Split(t.get("old_la_code"), "/")
			codes := strings.Split(t.get("new_la_code"), "/")
			for i, num := range nums {
				num = strings.TrimSpace(num)
				code := ""
				if len(codes) == len(nums) {
					code = strings.TrimSpace(codes[i])
				}
				n, ok := cs.resolve(num, code)
				if !ok {
					id := num
					if id == "" {
						id = code
					}
					if _, seen := s.unknown[id]; !seen {
						s.unknown[id] = fmt.Sprintf("%s %s (%s)", id, t.get("la_name"), t.where())
					}
					continue
				}
				areas = append(areas, strconv.Itoa(n))
			}
		}
		joint := len(areas) > 1
		for _, m := range ms {
			cell := t.get(m.Column)
			if cell == "" {
				continue // nothing published, not even a marker
			}
			base := domain.OfficialValue{Measure: m.Measure, Indicator: m.Indicator, Level: level, Year: year,
				PeriodEnd: fmt.Sprintf("%04d-%s", year, m.PeriodEnd)}
			if v, err := strconv.ParseFloat(cell, 64); err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
				base.Value = &v
			} else {
				base.Marker = strings.ToLower(cell) // c, x, z, low, u ...
			}
			if joint && m.Count && base.Value != nil {
				// A rate shared by two councils is each council's rate; a
				// count is not each council's count, so it is marked
				// unavailable ("x") for each rather than double counted.
				base.Value, base.Marker = nil, "x"
			}
			for _, a := range areas {
				v := base
				v.Area = a
				s.add(officialEntry{v: v, joint: joint, where: t.where()})
			}
		}
	}
}

// add records a figure. A council's own figure beats one shared with a
// neighbour; two different own figures for the same thing are an error.
func (s *officialSet) add(e officialEntry) {
	k := officialKey{e.v.Measure, e.v.Level, e.v.Area, e.v.Year}
	old, dup := s.m[k]
	switch {
	case !dup, old.joint && !e.joint:
		s.m[k] = e
	case e.joint && !old.joint, sameOfficial(old.v, e.v):
		// keep the council's own, or the identical one
	default:
		s.errs = append(s.errs, fmt.Sprintf("%s: %s for %s %s in %d differs from %s", e.where, e.v.Measure,
			e.v.Level, e.v.Area, e.v.Year, old.where))
	}
}

// sameOfficial reports whether two figures say the same thing.
func sameOfficial(a, b domain.OfficialValue) bool {
	if (a.Value == nil) != (b.Value == nil) || a.Marker != b.Marker {
		return false
	}
	return a.Value == nil || *a.Value == *b.Value
}

// result returns the figures sorted, or an error listing every conflict and
// every LA the files name that is not a council.
func (s *officialSet) result() ([]domain.OfficialValue, error) {
	var missing []string
	for _, m := range officialMeasures {
		if !s.found[m.Measure] {
			missing = append(missing, m.Column)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("official: no file has column(s) %s", strings.Join(missing, ", "))
	}
	if len(s.unknown) > 0 {
		ids := make([]string, 0, len(s.unknown))
		for id := range s.unknown {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for i, id := range ids {
			ids[i] = s.unknown[id]
		}
		return nil, fmt.Errorf("official: rows for LA numbers that are not councils in dfe_las.csv: %s", strings.Join(ids, "; "))
	}
	if len(s.errs) > 0 {
		slices.Sort(s.errs)
		return nil, fmt.Errorf("official: conflicting figures: %s", strings.Join(s.errs, "; "))
	}
	out := make([]domain.OfficialValue, 0, len(s.m))
	for _, e := range s.m {
		out = append(out, e.v)
	}
	rank := map[string]int{}
	for i, m := range officialMeasures {
		rank[m.Measure] = i
	}
	slices.SortFunc(out, func(a, b domain.OfficialValue) int {
		if c := rank[a.Measure] - rank[b.Measure]; c != 0 {
			return c
		}
		if c := levelRank(a.Level) - levelRank(b.Level); c != 0 {
			return c
		}
		if c := compareArea(a.Level, a.Area, b.Area); c != 0 {
			return c
		}
		return a.Year - b.Year
	})
	return out, nil
}

// officialRows writes official figures; numbers in their shortest exact
// form, so 15.2 stays 15.2.
func officialRows(vs []domain.OfficialValue) [][]string {
	rows := make([][]string, 0, len(vs))
	for _, v := range vs {
		val := ""
		if v.Value != nil {
			val = strconv.FormatFloat(*v.Value, 'f', -1, 64)
		}
		rows = append(rows, []string{v.Measure, v.Indicator, v.Level, v.Area, strconv.Itoa(v.Year), v.PeriodEnd, val, v.Marker})
	}
	return rows
}
