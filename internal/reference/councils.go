package reference

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// councilSet is the councils Generate keeps and every ONS code that leads
// to one of them.
type councilSet struct {
	councils []domain.Council     // sorted by LA number
	codes    []domain.CouncilCode // sorted by ONS code
	byNumber map[int]domain.Council
	byCode   map[string]int
}

// laRow is one row of dfe_las.csv.
type laRow struct {
	where                      string
	code, name, region, status string
	number                     int
	opened, ended              string // ISO, ended empty while live
}

// readCouncils builds the councils from dfe_las.csv.
//
// A current council is a live row with a three-digit DfE number and a real
// ONS code. Skipped: the combined rows ("940 / 941": DfE reports some
// councils jointly, they are not councils), the British Forces overseas row
// (ONS code "z", number 702) and terminated rows numbered "x".
//
// A terminated row whose number a live council still uses (North Yorkshire
// 815, Barnsley 370 ...) is the same council under an older ONS code: its
// code becomes an alias. A terminated row whose number nobody uses any more
// (Northamptonshire 928, Cumbria 909 ...) is kept as a predecessor, with
// current=false, so that older official figures still have a home.
func readCouncils(t *table, regionNames map[string]string) (*councilSet, error) {
	live := map[int]laRow{}
	ended := map[int][]laRow{}
	for {
		ok, err := t.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		r := laRow{where: t.where(), code: strings.ToUpper(t.get("new_la_code")), name: t.get("la_name"),
			region: strings.ToUpper(t.get("parent_geography_code")), status: strings.ToLower(t.get("status"))}
		num := t.get("old_la_code")
		if strings.Contains(num, "/") || strings.Contains(r.code, "/") || strings.Contains(r.name, " / ") {
			continue // combined row
		}
		n, ok := laNumber(num)
		if !ok || !onsCodeRE.MatchString(r.code) {
			continue // "x" numbers, the overseas row
		}
		r.number = n
		if r.opened, err = isoDate(t.get("date_of_operation")); err != nil {
			return nil, t.errorf("date_of_operation: %v", err)
		}
		switch r.status {
		case "live":
			if old, dup := live[n]; dup {
				if old.code == r.code && old.name == r.name {
					continue // the same row twice
				}
				return nil, t.errorf("LA number %d is live twice (also %s)", n, old.where)
			}
			live[n] = r
		case "terminated":
			if r.ended, err = isoDate(t.get("date_of_termination")); err != nil {
				return nil, t.errorf("date_of_termination: %v", err)
			}
			ended[n] = append(ended[n], r)
		default:
			return nil, t.errorf("status %q is neither live nor terminated", r.status)
		}
	}
	if len(live) == 0 {
		return nil, fmt.Errorf("%s: no live councils", t.name)
	}

	cs := &councilSet{byNumber: map[int]domain.Council{}, byCode: map[string]int{}}
	region := func(r laRow) (string, string, error) {
		code := r.region
		if strings.HasPrefix(code, "E13") {
			code = LondonRegion // Inner/Outer London are parts of London
		}
		if !strings.HasPrefix(code, "E12") || !regionRE.MatchString(code) {
			return "", "", fmt.Errorf("%s: parent_geography_code %q is not a region (E12...)", r.where, r.region)
		}
		name, ok := regionNames[code]
		if !ok {
			return "", "", fmt.Errorf("%s: region %s has no row in the population file, so no name", r.where, code)
		}
		return code, name, nil
	}
	// Numbers in order, so that errors are the same on every run.
	var order []int
	for n := range live {
		order = append(order, n)
	}
	for n := range ended {
		if _, ok := live[n]; !ok {
			order = append(order, n)
		}
	}
	slices.Sort(order)
	for _, n := range order {
		rows := ended[n]
		main, isLive := live[n]
		if isLive {
			rows = append(rows, main)
		} else {
			// A predecessor is described by its last row.
			main = slices.MaxFunc(rows, func(a, b laRow) int { return strings.Compare(a.ended, b.ended) })
		}
		code, name, err := region(main)
		if err != nil {
			return nil, err
		}
		c := domain.Council{Number: n, ONSCode: main.code, Name: main.name, RegionCode: code, RegionName: name,
			Current: isLive, EndDate: main.ended}
		// The council began when its LA number first appears: Barnsley's
		// live row starts on 1 May 2025 only because it was re-coded.
		c.StartDate = slices.MinFunc(rows, func(a, b laRow) int { return strings.Compare(a.opened, b.opened) }).opened
		cs.byNumber[n] = c
		for _, r := range rows {
			if old, dup := cs.byCode[r.code]; dup {
				return nil, fmt.Errorf("%s: ONS code %s is used by LA %d and LA %d", r.where, r.code, old, n)
			}
			cs.byCode[r.code] = n
			cs.codes = append(cs.codes, domain.CouncilCode{ONSCode: r.code, Number: n, ValidFrom: r.opened, ValidTo: r.ended})
		}
	}
	for _, n := range order {
		c := cs.byNumber[n]
		if c.Current {
			continue
		}
		succ, err := successorsOf(c, cs.byNumber, knownSuccessors)
		if err != nil {
			return nil, err
		}
		c.Successors = joinNumbers(succ)
		cs.byNumber[c.Number] = c
	}
	for _, n := range order {
		cs.councils = append(cs.councils, cs.byNumber[n])
	}
	slices.SortFunc(cs.codes, func(a, b domain.CouncilCode) int { return strings.Compare(a.ONSCode, b.ONSCode) })
	return cs, nil
}

// knownSuccessors records which councils replaced each predecessor in the
// reorganisations since 2009, where the data alone cannot tell: dfe_las.csv
// dates every new council but does not say which old councils it came
// from. In 2019 Bournemouth, Poole and Christchurch (a district of Dorset
// county) became Bournemouth, Christchurch and Poole, and the rest of the
// county became Dorset; so Bournemouth and Poole lead to BCP alone and the
// county to both. successorsOf uses this table first and derives the
// successors of any predecessor it does not name from the data.
var knownSuccessors = map[int][]int{
	820: {822, 823}, // Bedfordshire (2009): Bedford, Central Bedfordshire
	875: {895, 896}, // Cheshire (2009): Cheshire East, Cheshire West and Chester
	835: {838, 839}, // Dorset county (2019): Dorset; Christchurch went to BCP
	836: {839},      // Poole (2019): Bournemouth, Christchurch and Poole
	837: {839},      // Bournemouth (2019): Bournemouth, Christchurch and Poole
	928: {940, 941}, // Northamptonshire (2021): North, West Northamptonshire
	909: {942, 943}, // Cumbria (2023): Cumberland, Westmorland and Furness
}

// successorsOf finds the current councils that replaced a predecessor:
// those the table names, failing that those in the same region starting
// the day after it ended.
func successorsOf(p domain.Council, councils map[int]domain.Council, known map[int][]int) ([]int, error) {
	end, err := time.Parse(time.DateOnly, p.EndDate)
	if err != nil {
		return nil, fmt.Errorf("reference: predecessor %d %s has no end date", p.Number, p.Name)
	}
	next := end.AddDate(0, 0, 1).Format(time.DateOnly)
	var succ []int
	for _, n := range known[p.Number] {
		if c, ok := councils[n]; ok && c.Current {
			succ = append(succ, n)
		}
	}
	if len(succ) == 0 {
		for _, c := range councils {
			if c.Current && c.RegionCode == p.RegionCode && c.StartDate == next {
				succ = append(succ, c.Number)
			}
		}
	}
	if len(succ) == 0 {
		return nil, fmt.Errorf("reference: cannot tell which councils replaced %d %s (ended %s): add it to knownSuccessors",
			p.Number, p.Name, p.EndDate)
	}
	slices.Sort(succ)
	return succ, nil
}

// joinNumbers writes LA numbers space-separated.
func joinNumbers(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, " ")
}

// resolve finds the kept council an EES row names, by its DfE number when
// it has one and otherwise by its ONS code (current or retired).
func (cs *councilSet) resolve(number, code string) (int, bool) {
	if n, ok := laNumber(number); ok {
		_, kept := cs.byNumber[n]
		return n, kept
	}
	if number == "" {
		if n, ok := cs.byCode[strings.ToUpper(code)]; ok {
			return n, true
		}
	}
	return 0, false
}

// councilRows writes councils in LA number order.
func councilRows(cs []domain.Council) [][]string {
	rows := make([][]string, 0, len(cs))
	for _, c := range cs {
		rows = append(rows, []string{strconv.Itoa(c.Number), c.ONSCode, c.Name, c.RegionCode, c.RegionName,
			boolCell(c.Current), c.StartDate, c.EndDate, c.Successors})
	}
	return rows
}

// codeRows writes council codes in ONS code order.
func codeRows(codes []domain.CouncilCode) [][]string {
	rows := make([][]string, 0, len(codes))
	for _, c := range codes {
		rows = append(rows, []string{c.ONSCode, strconv.Itoa(c.Number), c.ValidFrom, c.ValidTo})
	}
	return rows
}
