package returns

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
)

// handler reads the rows of a sheet whose layout has been found.
type handler interface {
	layout() Layout
	info() *sheetInfo
	// row reads one non-empty row below the header.
	row(num int, cells []string) error
	// done is called after the last row.
	done()
	// valueColumn reports whether a column holds figures, for the formula
	// scan.
	valueColumn(col int) bool
	// rowsPerLine is how many Rows one line of the sheet gives, for
	// reserving space; 0 when not worth it.
	rowsPerLine() int
}

// detect finds a sheet's layout from its first rows: the template first,
// then EES, long and wide. It returns the handler and the header's row
// number, or nil.
func (p *parser) detect(name string, head []bufRow) (handler, int) {
	keys := make([][]string, len(head))
	for i, r := range head {
		keys[i] = make([]string, len(r.cells))
		for j, c := range r.cells {
			keys[i][j] = headerKey(c)
		}
	}
	if h, n := p.detectTemplate(name, head, keys); h != nil {
		return h, n
	}
	for i, r := range head {
		k := keys[i]
		if columnOf(k, eesHeaders[:1]) >= 0 && columnOf(k, eesHeaders[1:]) >= 0 {
			if h := p.newEES(name, r.num, k); h != nil {
				return h, r.num
			}
			continue
		}
		council := councilColumns(k)
		if council.primary() < 0 {
			continue
		}
		month := columnOf(k, monthHeaders)
		ind, val := columnOf(k, indicatorHeaders), columnOf(k, valueHeaders)
		if ind >= 0 && val >= 0 {
			return p.newLong(name, head[:i], r.num, council, month, ind, val, columnOf(k, noteHeaders)), r.num
		}
		var cols []indColumn
		for j, key := range k {
			if j == council.number || j == council.code || j == council.name || j == month {
				continue
			}
			if x, ok := p.cat.byKey[key]; ok {
				cols = append(cols, indColumn{col: j, code: p.cat.inds[x].Code, head: strings.TrimSpace(r.cells[j])})
			}
		}
		if len(cols) > 0 {
			return p.newWide(name, head[:i], r.num, council, month, cols, columnOf(k, noteHeaders)), r.num
		}
	}
	return nil, 0
}

// councilCols are the columns that may name a council; -1 when absent.
type councilCols struct{ number, code, name int }

func councilColumns(k []string) councilCols {
	return councilCols{columnOf(k, councilNumberHeaders), columnOf(k, councilCodeHeaders), columnOf(k, councilNameHeaders)}
}

// primary is the column messages point at for the council.
func (c councilCols) primary() int {
	switch {
	case c.number >= 0:
		return c.number
	case c.code >= 0:
		return c.code
	}
	return c.name
}

// pick returns the council text of a row: the number if given, else the
// ONS code, else the council column.
func (c councilCols) pick(cells []string) string {
	for _, i := range []int{c.number, c.code, c.name} {
		if v := strings.TrimSpace(cell(cells, i)); v != "" {
			return v
		}
	}
	return ""
}

// labelled finds a label (first non-empty cell of a row) in rows and
// returns the next non-empty cell after it and where that is.
func labelled(rows []bufRow, labels ...string) (val, where string, found bool) {
	for _, r := range rows {
		li := slices.IndexFunc(r.cells, func(c string) bool { return strings.TrimSpace(c) != "" })
		if li < 0 || !slices.Contains(labels, headerKey(r.cells[li])) {
			continue
		}
		for j := li + 1; j < len(r.cells); j++ {
			if v := strings.TrimSpace(r.cells[j]); v != "" {
				return v, cellName(j, r.num), true
			}
		}
		return "", cellName(li+1, r.num), true
	}
	return "", "", false
}

// ---- Template ----

// templateHandler reads the product's own return: metadata by label, then
// one indicator per row below the Code/Value header.
type templateHandler struct {
	p                        *parser
	sheet                    uint16
	code, label, value, note int
	council                  int
	councilRaw, monthRaw     uint32
	month                    int32
}

func (p *parser) detectTemplate(name string, head []bufRow, keys [][]string) (handler, int) {
	codeKey, valueKey := headerKey(HeaderCode), headerKey(HeaderValue)
	for i, r := range head {
		k := keys[i]
		code, value := slices.Index(k, codeKey), slices.Index(k, valueKey)
		if code < 0 || value < 0 {
			continue
		}
		// A header with a council or month column is a long table, even
		// on a sheet named Return.
		if councilColumns(k).primary() >= 0 || columnOf(k, monthHeaders) >= 0 {
			return nil, 0
		}
		meta := head[:i]
		version, versionCell, hasVersion := labelled(meta, headerKey(LabelTemplateVersion))
		council, councilCell, hasCouncil := labelled(meta, headerKey(LabelCouncilNumber))
		month, monthCell, _ := labelled(meta, headerKey(LabelMonth))
		if !isReturnSheet(name) && !hasVersion && !hasCouncil {
			return nil, 0
		}
		o := p.out
		o.TemplateVersion, o.TemplateVersionCell = version, versionCell
		o.TemplateCouncil, o.TemplateCouncilCell = council, councilCell
		o.TemplateMonth, o.TemplateMonthCell = month, monthCell
		h := &templateHandler{p: p, sheet: p.figs.sheetIndex(name), code: code, value: value,
			label: slices.Index(k, headerKey(HeaderIndicator)), note: slices.Index(k, headerKey(HeaderNote))}
		if council != "" {
			h.councilRaw, h.council = p.cat.councilText(council)
		}
		var m domain.Month
		h.monthRaw, m = p.cat.month(month)
		h.month = monthKey(m)
		return h, r.num
	}
	return nil, 0
}

func (h *templateHandler) layout() Layout { return LayoutTemplate }
func (h *templateHandler) info() *sheetInfo {
	return &sheetInfo{layout: LayoutTemplate, councilCol: -1, monthCol: -1, indicatorCol: h.code}
}
func (h *templateHandler) valueColumn(col int) bool { return col == h.value }
func (h *templateHandler) rowsPerLine() int         { return 0 }
func (h *templateHandler) done()                    {}

func (h *templateHandler) row(num int, cells []string) error {
	code := strings.TrimSpace(cell(cells, h.code))
	raw := cell(cells, h.value)
	if code == "" && isBlank(raw) {
		return nil // a blank line, an area heading or a footnote
	}
	indRaw := code
	if indRaw == "" {
		indRaw = strings.TrimSpace(cell(cells, h.label))
	}
	f := h.p.figs
	g := fig{sheet: h.sheet, col: int32(h.value), row: int32(num), council: int32(h.council), councilRaw: h.councilRaw,
		month: h.month, monthRaw: h.monthRaw, note: f.str(strings.TrimSpace(cell(cells, h.note)))}
	g.indicatorRaw, g.indicator = h.p.cat.indicator(indRaw)
	v, ok := parseNumber(raw)
	g.raw = f.rawIndex(raw, ok)
	return h.p.add(g, v, ok)
}

// ---- Long and wide ----

// sheetMonth finds the month of a sheet without a month column: a Month
// label above the header, or the sheet's name ("2021-01", "Jan 2021",
// "Returns Jan 2021").
func sheetMonth(name string, above []bufRow) (raw, from string) {
	if v, where, ok := labelled(above, monthHeaders...); ok && v != "" {
		return v, where
	}
	if _, ok := parseMonth(name); ok {
		return strings.TrimSpace(name), "the sheet name"
	}
	f := strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == '_' })
	for i := range f {
		if _, ok := parseMonth(f[i]); ok && len(f[i]) >= 7 {
			return f[i], "the sheet name"
		}
		if i+1 < len(f) {
			if s := f[i] + " " + f[i+1]; !isNumber(f[i]) {
				if _, ok := parseMonth(s); ok {
					return s, "the sheet name"
				}
			}
		}
	}
	return "", ""
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// bulk holds what long and wide sheets share.
type bulk struct {
	p          *parser
	sheet      uint16
	council    councilCols
	month      int
	note       int
	fixedMonth string // the sheet's month when there is no month column
	fixedRaw   uint32
	fixedM     int32
}

// base is a row's council, month and note; council is the row's council
// text (councilCols.pick).
func (b *bulk) base(council string, cells []string) fig {
	g := fig{sheet: b.sheet}
	var council0 int
	g.councilRaw, council0 = b.p.cat.councilText(council)
	g.council = int32(council0)
	if b.month >= 0 {
		var m domain.Month
		g.monthRaw, m = b.p.cat.month(strings.TrimSpace(cell(cells, b.month)))
		g.month = monthKey(m)
	} else {
		g.monthRaw, g.month = b.fixedRaw, b.fixedM
	}
	if b.note >= 0 {
		g.note = b.p.figs.str(strings.TrimSpace(cell(cells, b.note)))
	}
	return g
}

func (b *bulk) info(l Layout) *sheetInfo {
	from := ""
	if b.month < 0 {
		from = b.fixedMonth
	}
	return &sheetInfo{layout: l, councilCol: b.council.primary(), monthCol: b.month, monthFrom: from, indicatorCol: -1}
}

func (p *parser) newBulk(name string, above []bufRow, council councilCols, month, note int) bulk {
	b := bulk{p: p, sheet: p.figs.sheetIndex(name), council: council, month: month, note: note}
	if month < 0 {
		b.fixedMonth, _ = sheetMonth(name, above)
		var m domain.Month
		b.fixedRaw, m = p.cat.month(b.fixedMonth)
		b.fixedM = monthKey(m)
	}
	return b
}

// longHandler reads one figure per row.
type longHandler struct {
	bulk
	ind, value int
}

func (p *parser) newLong(name string, above []bufRow, hdr int, council councilCols, month, ind, value, note int) *longHandler {
	return &longHandler{bulk: p.newBulk(name, above, council, month, note), ind: ind, value: value}
}

func (h *longHandler) layout() Layout { return LayoutLong }
func (h *longHandler) info() *sheetInfo {
	info := h.bulk.info(LayoutLong)
	info.indicatorCol = h.ind
	return info
}
func (h *longHandler) valueColumn(col int) bool { return col == h.value }
func (h *longHandler) rowsPerLine() int         { return 1 }
func (h *longHandler) done()                    {}

func (h *longHandler) row(num int, cells []string) error {
	indRaw := strings.TrimSpace(cell(cells, h.ind))
	raw := cell(cells, h.value)
	council := h.council.pick(cells)
	if indRaw == "" && isBlank(raw) && council == "" {
		return nil
	}
	g := h.base(council, cells)
	g.indicatorRaw, g.indicator = h.p.cat.indicator(indRaw)
	g.col, g.row = int32(h.value), int32(num)
	v, ok := parseNumber(raw)
	g.raw = h.p.figs.rawIndex(raw, ok)
	return h.p.add(g, v, ok)
}

// indColumn is one indicator column of a wide sheet.
type indColumn struct {
	col        int
	code, head string
	// The table indexes of code and head.
	codeIdx, headIdx uint32
}

// wideHandler reads a row per council (and month) with a column per
// indicator.
type wideHandler struct {
	bulk
	cols    []indColumn
	isValue map[int]bool
}

func (p *parser) newWide(name string, above []bufRow, hdr int, council councilCols, month int, cols []indColumn, note int) *wideHandler {
	h := &wideHandler{bulk: p.newBulk(name, above, council, month, note), cols: cols, isValue: map[int]bool{}}
	for i, c := range cols {
		h.cols[i].codeIdx, h.cols[i].headIdx = p.cat.code(c.code), p.figs.str(c.head)
		h.isValue[c.col] = true
	}
	return h
}

func (h *wideHandler) layout() Layout           { return LayoutWide }
func (h *wideHandler) info() *sheetInfo         { return h.bulk.info(LayoutWide) }
func (h *wideHandler) valueColumn(col int) bool { return h.isValue[col] }
func (h *wideHandler) rowsPerLine() int         { return len(h.cols) }
func (h *wideHandler) done()                    {}

func (h *wideHandler) row(num int, cells []string) error {
	council := h.council.pick(cells)
	any := council != ""
	for _, c := range h.cols {
		if !isBlank(cell(cells, c.col)) {
			any = true
			break
		}
	}
	if !any {
		return nil
	}
	base := h.base(council, cells)
	for _, c := range h.cols {
		g := base
		g.indicator, g.indicatorRaw = c.codeIdx, c.headIdx
		g.col, g.row = int32(c.col), int32(num)
		raw := cell(cells, c.col)
		v, ok := parseNumber(raw)
		g.raw = h.p.figs.rawIndex(raw, ok)
		if err := h.p.add(g, v, ok); err != nil {
			return err
		}
	}
	return nil
}

// ---- EES ----

// eesHandler reads DfE's tidy layout into official figures, with the same
// rules as the reference package: joint rows ("314 / 318") give a rate to
// each member and mark a count unavailable ("x"); a council's own figure
// beats a joint one.
type eesHandler struct {
	p        *parser
	sheet    string
	cols     map[string]int
	measures []eesMeasure
}

type eesMeasure struct {
	reference.OfficialMeasure
	col int
}

// officialKey identifies one official figure.
type officialKey struct {
	measure, level, area string
	year                 int
}

// officialSeen is where a figure sits in Parsed.Official and where it was
// read.
type officialSeen struct {
	at    int
	joint bool
	cell  string
}

var eesRegion = regexp.MustCompile(`^E1[23][0-9]{6}$`)

func (p *parser) newEES(name string, hdr int, k []string) handler {
	h := &eesHandler{p: p, sheet: name, cols: map[string]int{}}
	for j, key := range k {
		if _, dup := h.cols[key]; !dup && key != "" {
			h.cols[key] = j
		}
	}
	for _, m := range reference.OfficialMeasures() {
		if j, ok := h.cols[headerKey(m.Column)]; ok {
			h.measures = append(h.measures, eesMeasure{m, j})
		}
	}
	if len(h.measures) == 0 {
		var want []string
		for _, m := range reference.OfficialMeasures() {
			want = append(want, m.Column)
		}
		p.tried = append(p.tried, fmt.Sprintf("%s: an EES file, but with none of the columns kept (%s)", sheetLabel(name), strings.Join(want, ", ")))
		return nil
	}
	if p.official == nil {
		p.official, p.unknownees = map[officialKey]officialSeen{}, map[string]int{}
	}
	return h
}

func sheetLabel(name string) string {
	if name == "" {
		return "the CSV file"
	}
	return "sheet “" + name + "”"
}

func (h *eesHandler) layout() Layout { return LayoutEES }
func (h *eesHandler) info() *sheetInfo {
	return &sheetInfo{layout: LayoutEES, councilCol: -1, monthCol: -1, indicatorCol: -1}
}
func (h *eesHandler) valueColumn(int) bool { return false }
func (h *eesHandler) rowsPerLine() int     { return 0 }

func (h *eesHandler) get(cells []string, col string) string {
	j, ok := h.cols[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(strings.ReplaceAll(cell(cells, j), "\ufeff", ""))
}

func (h *eesHandler) where(col string, num int) string {
	j, ok := h.cols[col]
	if !ok {
		j = 0
	}
	return cellName(j, num)
}

func (h *eesHandler) row(num int, cells []string) error {
	level := eesLevel(h.get(cells, "geographic level"))
	if level == "" {
		return nil // districts, constituencies and the like
	}
	year, ok := eesYear(h.get(cells, "time period"))
	if !ok {
		h.p.message(RuleBadMonth, h.sheet, h.where("time period", num), "period|"+h.get(cells, "time period"),
			fmt.Sprintf("the time period %s is not a year (such as 2025) or a financial or academic year (such as 202425). Correct it, or remove the row.", quote(h.get(cells, "time period"))))
		return nil
	}
	var areas []string
	switch level {
	case reference.LevelNational:
		a := strings.ToUpper(h.get(cells, "country code"))
		if a == "" {
			a = reference.EnglandCode
		}
		areas = []string{a}
	case reference.LevelRegional:
		a := strings.ToUpper(h.get(cells, "region code"))
		if !eesRegion.MatchString(a) {
			h.p.message(RuleUnknownCouncil, h.sheet, h.where("region code", num), "region|"+a,
				fmt.Sprintf("the region code %s is not an English region (E12… or E13…). Correct it, or remove the row.", quote(a)))
			return nil
		}
		areas = []string{a}
	case reference.LevelCouncil:
		nums := strings.Split(h.get(cells, "old la code"), "/")
		codes := strings.Split(h.get(cells, "new la code"), "/")
		for i, n := range nums {
			n = strings.TrimSpace(n)
			code := ""
			if len(codes) == len(nums) {
				code = strings.TrimSpace(codes[i])
			}
			id := n
			if id == "" {
				id = code
			}
			v := 0
			if id != "" {
				v = h.p.cat.resolveArea(id)
			}
			if v == 0 {
				key := strings.TrimSpace(id + " " + h.get(cells, "la name"))
				if _, seen := h.p.unknownees[key]; !seen {
					if len(h.p.unknownOrd) == 0 {
						h.p.skippedSheet = h.sheet
					}
					h.p.unknownOrd = append(h.p.unknownOrd, key)
				}
				h.p.unknownees[key]++
				continue
			}
			areas = append(areas, strconv.Itoa(v))
		}
	}
	joint := len(areas) > 1
	for _, m := range h.measures {
		raw := h.get(cells, headerKey(m.Column))
		if raw == "" {
			continue // nothing published, not even a marker
		}
		base := domain.OfficialValue{Measure: m.Measure, Indicator: m.Indicator, Level: level, Year: year,
			PeriodEnd: fmt.Sprintf("%04d-%s", year, m.PeriodEnd)}
		if v, ok := parseNumber(raw); ok {
			base.Value = h.p.value(v)
		} else if marker, ok := eesMarker(raw); ok {
			base.Marker = marker
		} else {
			h.p.message(RuleNotNumber, h.sheet, cellName(m.col, num), "ees|"+m.Column+"|"+strings.ToLower(raw),
				fmt.Sprintf("the %s figure is %s, which is neither a number nor one of the EES codes for a figure not given (c, x, z, low, u). Correct the cell, or remove the row.", m.Column, quote(raw)))
			continue
		}
		if joint && m.Count && base.Value != nil {
			// A count shared by two councils is neither council's count.
			base.Value, base.Marker = nil, "x"
		}
		for _, a := range areas {
			v := base
			v.Area = a
			if level == reference.LevelCouncil && !h.existed(v, joint, cellName(m.col, num)) {
				continue
			}
			h.add(v, joint, cellName(m.col, num))
		}
	}
	return nil
}

// eesMarkers are the codes EES publishes in place of a figure: c
// confidential, x unavailable, z not applicable, low a rounded-down small
// figure, u low reliability.
var eesMarkers = map[string]bool{"c": true, "x": true, "z": true, "low": true, "u": true}

// eesMarker reads an EES marker, in any case and with spaces around it.
func eesMarker(raw string) (string, bool) {
	m := strings.ToLower(strings.TrimSpace(raw))
	return m, eesMarkers[m]
}

// existed checks that an official council figure falls in the council's
// lifetime, by the month of its period end (31 March, or 30 September for
// the workforce): a published figure outside it is an error (E16), while
// a marker alone (z, not applicable) is simply not kept.
func (h *eesHandler) existed(v domain.OfficialValue, joint bool, where string) bool {
	n, err := strconv.Atoi(v.Area)
	if err != nil {
		return true
	}
	c, ok := h.p.cat.lives[n]
	if !ok || len(v.PeriodEnd) < 7 {
		return true
	}
	m, err := domain.ParseMonth(v.PeriodEnd[:7])
	if err != nil || c.ExistedIn(m) {
		return true
	}
	if v.Value == nil || joint {
		return false
	}
	h.p.message(RuleOutsideLifetime, h.sheet, where, "ees|"+v.Area+"|"+v.PeriodEnd,
		fmt.Sprintf("%s is given for %s (%d) at %s, but the council existed %s. Give the figure under the council that existed then, or remove the row.",
			v.Measure, c.Name, c.Number, m.Start().Format("January 2006"), c.Lifetime()))
	return false
}

// add keeps a figure: a council's own beats a joint one; an identical
// repeat is dropped; two different own figures are a duplicate (E12).
func (h *eesHandler) add(v domain.OfficialValue, joint bool, where string) {
	k := officialKey{v.Measure, v.Level, v.Area, v.Year}
	old, dup := h.p.official[k]
	switch {
	case !dup:
		h.p.official[k] = officialSeen{len(h.p.out.Official), joint, where}
		h.p.out.Official = append(h.p.out.Official, v)
	case old.joint && !joint:
		h.p.out.Official[old.at] = v
		h.p.official[k] = officialSeen{old.at, joint, where}
	case joint && !old.joint, sameOfficial(h.p.out.Official[old.at], v):
	default:
		h.p.message(RuleDuplicate, h.sheet, where, "",
			fmt.Sprintf("%s for %s %s in %d is given twice with different figures (first in %s). Remove one of the rows.", v.Measure, v.Level, v.Area, v.Year, old.cell))
	}
}

func sameOfficial(a, b domain.OfficialValue) bool {
	if (a.Value == nil) != (b.Value == nil) || a.Marker != b.Marker {
		return false
	}
	return a.Value == nil || *a.Value == *b.Value
}

func (h *eesHandler) done() {}

// checkSkippedAreas raises Q05, once, for the areas of an EES file that
// are not councils the dashboard can place: their figures were skipped.
func (p *parser) checkSkippedAreas() {
	if len(p.unknownOrd) == 0 {
		return
	}
	rows := 0
	for _, n := range p.unknownees {
		rows += n
	}
	list := p.unknownOrd
	more := ""
	if len(list) > 10 {
		more = fmt.Sprintf(" and %d more", len(list)-10)
		list = list[:10]
	}
	p.message(RuleSkippedAreas, p.skippedSheet, "", "",
		fmt.Sprintf("%s %s areas that are not current councils, so their figures were skipped: %s%s. This is expected for councils that no longer exist; otherwise check the codes.",
			formatNumber(float64(rows)), plural(rows, "row names", "rows name"), strings.Join(list, "; "), more))
	p.unknownOrd, p.unknownees = nil, map[string]int{}
}

// eesLevel maps EES's geographic_level to the reference levels; other
// levels give "".
func eesLevel(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "national":
		return reference.LevelNational
	case "regional":
		return reference.LevelRegional
	case "local authority":
		return reference.LevelCouncil
	}
	return ""
}

// eesYear reads an EES time_period: "2025", or "202425" as the year it
// ends in, as the reference package does.
func eesYear(s string) (int, bool) {
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

// message adds a structural message found while reading; messages with
// the same key are folded into one.
func (p *parser) message(rule, sheet, where, key, text string) {
	p.msgs.add(rule, sheet, where, nil, key, text)
}
