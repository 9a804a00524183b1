package returns

import "github.com/resilience-dashboard/resilience/internal/domain"

// Changes compares a file's figures with those held, for the council-months
// it covers that already hold a return (a resubmission): each figure whose
// value differs, or that the return held did not have, is listed with the
// old and new values, up to limit; the rest are counted. The held figures
// are vc's: Previous at the month after gives the figure held for a month.
func Changes(p *Parsed, vc Context, limit int) domain.Changes {
	var out domain.Changes
	if vc.Previous == nil {
		return out
	}
	f := p.compact()
	// held caches whether a council-month holds a return: any indicator
	// of the catalogue with a figure for it.
	type cm struct{ council, month int }
	held := map[cm]bool{}
	holds := func(council int, m domain.Month) bool {
		k := cm{council, m.Index()}
		h, ok := held[k]
		if !ok {
			for _, ind := range vc.Catalogue.Indicators {
				if at, _, found := vc.Previous(council, ind.Code, m.Add(1)); found && at == m {
					h = true
					break
				}
			}
			held[k] = h
			if h {
				out.Replaced++
			}
		}
		return h
	}
	for i := range f.list {
		if !f.usable(i) {
			continue
		}
		g := &f.list[i]
		council, m, code := int(g.council), f.month(i), f.strs[g.indicator]
		if !holds(council, m) {
			continue
		}
		at, old, found := vc.Previous(council, code, m.Add(1))
		found = found && at == m
		if found && old == g.value {
			continue
		}
		if len(out.List) >= limit {
			out.More++
			continue
		}
		c := domain.Change{Sheet: f.sheet(i), Cell: f.cell(i), Council: council, Indicator: code, Month: m.String(), New: g.value}
		if found {
			c.Old = &old
		}
		out.List = append(out.List, c)
	}
	return out
}
