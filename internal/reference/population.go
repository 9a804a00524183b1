package reference

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// popRow is one usable row of the ONS population file, before its council
// is resolved.
type popRow struct {
	where        string
	level, area  string // area: ONS code for national and regional rows
	number, code string // council rows: DfE number and ONS code as given
	name         string
	year         int
	children     int64
}

// readPopulation reads the ONS file of children aged 0 to 17. It also
// returns the region names (E12 and E13 codes), which councils.csv uses.
// Values ONS does not publish ("x" for Bournemouth, Poole and Dorset before
// their reorganisation) are skipped, not written as zero.
func readPopulation(t *table) ([]popRow, map[string]string, error) {
	var rows []popRow
	regions := map[string]string{}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			break
		}
		level := geoLevel(t.get("geographic_level"))
		if level == "" {
			continue // a geography we do not use
		}
		year, ok := parseYear(t.get("time_period"))
		if !ok {
			return nil, nil, t.errorf("time_period %q is not a year", t.get("time_period"))
		}
		r := popRow{where: t.where(), level: level, year: year, name: t.get("la_name")}
		switch level {
		case LevelNational:
			r.area = strings.ToUpper(t.get("country_code"))
			if !onsCodeRE.MatchString(r.area) {
				return nil, nil, t.errorf("country_code %q is not an ONS code", r.area)
			}
		case LevelRegional:
			r.area = strings.ToUpper(t.get("region_code"))
			if !regionRE.MatchString(r.area) {
				return nil, nil, t.errorf("region_code %q is not a region (E12/E13)", r.area)
			}
			name := t.get("region_name")
			if name == "" {
				return nil, nil, t.errorf("region %s has no region_name", r.area)
			}
			if old, ok := regions[r.area]; ok && old != name {
				return nil, nil, t.errorf("region %s is named both %q and %q", r.area, old, name)
			}
			regions[r.area] = name
		case LevelCouncil:
			r.number, r.code = t.get("old_la_code"), t.get("new_la_code")
		}
		v := strings.ReplaceAll(t.get("population_estimate"), ",", "")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			if _, ferr := strconv.ParseFloat(v, 64); ferr == nil {
				return nil, nil, t.errorf("population_estimate %q is not a whole number", v)
			}
			continue // "x", "c" ...: not published
		}
		if n < 0 {
			return nil, nil, t.errorf("population_estimate %d is negative", n)
		}
		r.children = n
		rows = append(rows, r)
	}
	return rows, regions, nil
}

// resolvePopulation keys council rows by DfE LA number. The ONS file still
// gives Barnsley and Sheffield their pre-2025 ONS codes; the number does
// not change, which is why it is the key.
func resolvePopulation(file string, raw []popRow, cs *councilSet) ([]domain.Population, error) {
	type key struct {
		level, area string
		year        int
	}
	seen := map[key]popRow{}
	var out []domain.Population
	var unknown []string
	for _, r := range raw {
		area := r.area
		if r.level == LevelCouncil {
			n, ok := cs.resolve(r.number, r.code)
			if !ok {
				unknown = append(unknown, fmt.Sprintf("%s %s (%s)", r.number, r.name, r.where))
				continue
			}
			area = strconv.Itoa(n)
		}
		k := key{r.level, area, r.year}
		if old, dup := seen[k]; dup {
			if old.children == r.children {
				continue
			}
			return nil, fmt.Errorf("%s: %s %s %d has two values (%d at %s and %d)", r.where, r.level, area, r.year,
				old.children, old.where, r.children)
		}
		seen[k] = r
		out = append(out, domain.Population{Level: r.level, Area: area, Year: r.year, Children: r.children})
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("%s: rows for LAs that are not councils in dfe_las.csv: %s", file, strings.Join(unknown, "; "))
	}
	return out, nil
}

// neighbourColumns are the statistical neighbour file's columns: the
// council, then SN_1..SN_10 and their closeness labels SN_1P..SN_10P.
func neighbourColumns() []string {
	cols := []string{"old_la_code"}
	for i := 1; i <= 10; i++ {
		cols = append(cols, fmt.Sprintf("SN_%d", i), fmt.Sprintf("SN_%dP", i))
	}
	return cols
}

// readNeighbours reads DfE's statistical neighbour model: ten per council,
// each a current council. The file starts with a byte-order mark and its
// closeness labels end in spaces; the table reader deals with both.
func readNeighbours(t *table, cs *councilSet) ([]domain.Neighbour, error) {
	current := func(s string) (int, bool) {
		n, ok := laNumber(s)
		c, kept := cs.byNumber[n]
		return n, ok && kept && c.Current
	}
	seen := map[int]string{}
	var out []domain.Neighbour
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		n, ok := current(t.get("old_la_code"))
		if !ok {
			return nil, t.errorf("old_la_code %q is not a current council", t.get("old_la_code"))
		}
		if where, dup := seen[n]; dup {
			return nil, t.errorf("council %d already has neighbours at %s", n, where)
		}
		seen[n] = t.where()
		for rank := 1; rank <= 10; rank++ {
			col := fmt.Sprintf("SN_%d", rank)
			m, ok := current(t.get(col))
			if !ok {
				return nil, t.errorf("%s %q is not a current council", col, t.get(col))
			}
			if m == n {
				return nil, t.errorf("%s: council %d is its own neighbour", col, n)
			}
			closeness := strings.Join(strings.Fields(t.get(col+"P")), " ")
			if closeness == "" {
				return nil, t.errorf("%sP is empty", col)
			}
			out = append(out, domain.Neighbour{Council: n, Rank: rank, Neighbour: m, Closeness: closeness})
		}
	}
	return out, nil
}
