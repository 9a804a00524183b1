package returns

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Rule is one validation rule (SECURITY V1): its ID, its severity (an
// error blocks a return; a query lets it through only with an
// explanation), its title (its line in the documentation) and its check.
// The table of rules drives validation: Validate and Parse run each
// rule's check at the point its hooks name, and every message takes its
// rule's severity from the table. Adding a rule is adding a row with its
// check.
type Rule struct {
	ID, Severity, Title string

	// A rule's check is one or more hooks; within each, rules run in the
	// table's order.
	//
	// file judges the file once, before its figures (the template's
	// version, an EES file's scope).
	file func(v *validator)
	// figure judges one figure, or the template's council and month read
	// as one, at its stage. It reports false when it found the rule's
	// error, which ends the stage for that figure.
	stage  stage
	figure func(v *validator, s *subject) bool
	// end judges the file once, after every figure and its queries
	// (required rows missing, a year against DfE's figure).
	end func(v *validator)
	// parse runs once Parse has read a file, for rules about what the
	// file holds as a whole. The rules an EES file's rows break (E02,
	// E10, E11, E12, E16) are raised by that reader as it meets them.
	parse func(p *parser)
}

// Rule IDs. They are stable: explanations and documentation refer to
// them.
const (
	RuleMissing          = "E01"
	RuleNotNumber        = "E02"
	RuleNegative         = "E03"
	RuleFractional       = "E04"
	RulePercent          = "E05"
	RuleWrongCouncil     = "E06"
	RuleFuture           = "E07"
	RuleTooEarly         = "E08"
	RuleUnknownIndicator = "E09"
	RuleUnknownCouncil   = "E10"
	RuleBadMonth         = "E11"
	RuleDuplicate        = "E12"
	RuleTemplateVersion  = "E13"
	RuleNoCachedValue    = "E14"
	RuleUnrecognised     = "E15"
	RuleOutsideLifetime  = "E16"

	RuleChange       = "Q01"
	RuleSubset       = "Q02"
	RuleOutlier      = "Q03"
	RuleFormula      = "Q04"
	RuleSkippedAreas = "Q05"
)

// stage is when a figure check runs; a figure goes through the stages in
// this order (validator.run).
type stage uint8

const (
	stageNone stage = iota
	// stageCouncil: the council is known, and one the user may submit
	// for.
	stageCouncil
	// stageMonth: the month can be read and a return may cover it.
	stageMonth
	// stageLifetime: the council existed in the month, once both passed.
	stageLifetime
	// stageIndicator: the indicator is in the catalogue; a figure that
	// fails goes no further.
	stageIndicator
	// stageValue: the value itself.
	stageValue
	// stageDuplicate: the council, indicator and month appear once.
	stageDuplicate
	// stageQuery: the queries on a figure without an error.
	stageQuery
	stages
)

// rules is the table, in the order the checks run; Rules gives it in the
// documentation's order, by ID. init fills it, because its checks refer
// back to it for the severities of their messages.
var rules []Rule

// ruleSeverity maps a rule's ID to its severity. stageChecks holds each
// stage's figure checks; fileChecks, endChecks and parseChecks the other
// hooks; all in the table's order.
var (
	ruleSeverity          map[string]string
	stageChecks           [stages][]func(*validator, *subject) bool
	fileChecks, endChecks []func(*validator)
	parseChecks           []func(*parser)
)

func init() {
	rules = []Rule{
		{ID: RuleTemplateVersion, Severity: domain.SeverityError, Title: "The template version is not the current one",
			file: (*validator).checkTemplateVersion},
		{ID: RuleUnknownCouncil, Severity: domain.SeverityError, Title: "The council (DfE LA number or ONS code) is not one the dashboard knows",
			stage: stageCouncil, figure: (*validator).checkUnknownCouncil},
		{ID: RuleWrongCouncil, Severity: domain.SeverityError, Title: "The return is for a council this user may not submit for",
			stage: stageCouncil, figure: (*validator).checkWrongCouncil, file: (*validator).checkOfficialScope},
		{ID: RuleBadMonth, Severity: domain.SeverityError, Title: "The month cannot be read",
			stage: stageMonth, figure: (*validator).checkBadMonth},
		{ID: RuleFuture, Severity: domain.SeverityError, Title: "The month is in the future or has not ended yet",
			stage: stageMonth, figure: (*validator).checkFuture},
		{ID: RuleTooEarly, Severity: domain.SeverityError, Title: "The month is before January 2017",
			stage: stageMonth, figure: (*validator).checkTooEarly},
		{ID: RuleOutsideLifetime, Severity: domain.SeverityError, Title: "The council did not exist in that month: it was created or abolished in a reorganisation (the message names its dates and its successors or predecessors)",
			stage: stageLifetime, figure: (*validator).checkOutsideLifetime},
		{ID: RuleUnknownIndicator, Severity: domain.SeverityError, Title: "The indicator is not in the catalogue",
			stage: stageIndicator, figure: (*validator).checkUnknownIndicator},
		{ID: RuleNoCachedValue, Severity: domain.SeverityError, Title: "A value cell holds a formula with no saved result",
			stage: stageValue, figure: (*validator).checkNoCachedValue},
		{ID: RuleFormula, Severity: domain.SeverityQuery, Title: "A value cell holds a formula",
			stage: stageValue, figure: (*validator).checkFormula},
		{ID: RuleMissing, Severity: domain.SeverityError, Title: "A required indicator has no value in a council's monthly template return (bulk files may carry any subset of indicators, councils and months)",
			stage: stageValue, figure: (*validator).checkBlankRequired, end: (*validator).checkMissingRows},
		{ID: RuleNotNumber, Severity: domain.SeverityError, Title: "A value is not a number",
			stage: stageValue, figure: (*validator).checkNotNumber},
		{ID: RuleNegative, Severity: domain.SeverityError, Title: "A count or ratio is negative",
			stage: stageValue, figure: (*validator).checkNegative},
		{ID: RuleFractional, Severity: domain.SeverityError, Title: "A count is not a whole number",
			stage: stageValue, figure: (*validator).checkFractional},
		{ID: RulePercent, Severity: domain.SeverityError, Title: "A percentage is outside 0 to 100",
			stage: stageValue, figure: (*validator).checkPercent},
		{ID: RuleDuplicate, Severity: domain.SeverityError, Title: "The same council, indicator and month appear twice",
			stage: stageDuplicate, figure: (*validator).checkDuplicate},
		// One figure's queries are one message, naming its rules in this
		// order, under the first one's key.
		{ID: RuleSubset, Severity: domain.SeverityQuery, Title: "A subset is larger than its total (CPP or CLA above CIN, re-referrals above referrals, new EHE for health above new EHE)",
			stage: stageQuery, figure: (*validator).checkSubset},
		{ID: RuleChange, Severity: domain.SeverityQuery, Title: "The value changed by more than the tolerance (25% unless configured) from the last accepted month, the latest earlier month in the file or held, within the three before it; not queried: a count that changed by less than 10 (configurable) or by no more than chance variation (3 × √count), a percentage that changed by less than 2 points (configurable)",
			stage: stageQuery, figure: (*validator).checkChange},
		{ID: RuleOutlier, Severity: domain.SeverityQuery, Title: "The value is far outside the council's own history (more than 4 standard deviations from its average over at least 12 months); not queried: a count within 10, or a percentage within 2 points, of that average (the same minimums as Q01)",
			stage: stageQuery, figure: (*validator).checkOutlier},
		{ID: RuleReconcile, Severity: domain.SeverityQuery, Title: "The financial year's monthly figures differ from DfE's published figure by more than the tolerance",
			end: (*validator).reconcile},
		{ID: RuleUnrecognised, Severity: domain.SeverityError, Title: "No sheet has the headers of a known layout",
			parse: (*parser).checkUnrecognised},
		{ID: RuleSkippedAreas, Severity: domain.SeverityQuery, Title: "Official figures for areas that are not current councils were skipped",
			parse: (*parser).checkSkippedAreas},
	}
	indexRules()
}

// indexRules builds the severities and the hooks' lists from the table.
func indexRules() {
	ruleSeverity = make(map[string]string, len(rules))
	stageChecks, fileChecks, endChecks, parseChecks = [stages][]func(*validator, *subject) bool{}, nil, nil, nil
	for _, r := range rules {
		ruleSeverity[r.ID] = r.Severity
		if r.file != nil {
			fileChecks = append(fileChecks, r.file)
		}
		if r.figure != nil {
			stageChecks[r.stage] = append(stageChecks[r.stage], r.figure)
		}
		if r.end != nil {
			endChecks = append(endChecks, r.end)
		}
		if r.parse != nil {
			parseChecks = append(parseChecks, r.parse)
		}
	}
}

// Rules returns the rule table in the documentation's order, by ID: E01
// to E16, then Q01 to Q06.
func Rules() []Rule {
	out := slices.Clone(rules)
	slices.SortFunc(out, func(a, b Rule) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// severity is a rule's severity, from the table. An ID not in it (there
// is none) blocks, as an error would.
func severity(id string) string {
	if s, ok := ruleSeverity[id]; ok {
		return s
	}
	return domain.SeverityError
}

// Context is what validation compares a file with.
type Context struct {
	Catalogue Catalogue
	Now       time.Time
	// ScopeCouncil is 0 when the user may submit for any council (LGA,
	// admin, command line), else the only council they may submit for.
	ScopeCouncil int
	// Previous returns the last accepted value of indicator for council
	// before month: the value of the latest earlier month held, and that
	// month (SECURITY V2).
	Previous func(council int, indicator string, month domain.Month) (at domain.Month, value float64, ok bool)
	// History returns the council's accepted values of the indicator
	// before month (any order).
	History func(council int, indicator string, month domain.Month) []float64
	// Tolerance is the relative change that raises a query (0.25 is 25%);
	// 0 means 0.25. A change of exactly the tolerance does not.
	Tolerance float64
	// MinAbsChange: a count's change smaller than this never raises Q01,
	// so small numbers (16 → 8) do not; 0 means 10, a negative value means
	// none. Percentages have their own minimum; ratios are judged by the
	// tolerance alone.
	MinAbsChange float64
	// MinChangePoints: a percentage's change smaller than this many
	// percentage points never raises Q01 (absence 1.0% → 1.5% does not);
	// 0 means 2, a negative value means none.
	MinChangePoints float64
	// OutlierSDs is how many standard deviations from the council's mean
	// raise Q03; 0 means 4. It needs at least 12 points of history.
	OutlierSDs float64
	// NoiseSDs spares counts whose month-on-month change is within
	// NoiseSDs × √count, chance variation, from Q01 (16 → 6 is within
	// 3 × √16 = 12). 0 means 3; a negative value turns it off.
	NoiseSDs float64
	// Official returns DfE's published annual figures of an indicator for
	// a council, Held the accepted value of a month, and CouncilName a
	// council's name, for Q06 (reconcile_rule.go); Official nil leaves Q06
	// out. ReconcileTolerance is the difference from DfE's figure that
	// raises it (0.05 is 5%); 0 means 0.05, a negative value turns Q06 off.
	Official           func(council int, indicator string) []domain.OfficialValue
	Held               func(council int, indicator string, month domain.Month) (float64, bool)
	CouncilName        func(council int) string
	ReconcileTolerance float64
}

// Defaults of Context beyond the configuration's (defaults.go).
const (
	defaultOutlierSDs = 4
	minHistory        = 12
)

// maxPerRule caps the messages one rule lists, so a bulk file with the
// same mistake on 400,000 rows gives a readable report; the rest are
// counted in one closing message of the same rule.
const maxPerRule = 200

// maxQueriesPerRule is maxPerRule for queries, which are explained rather
// than corrected: a bulk load's report lists this many of each rule, a
// page at a time, for explaining in groups.
const maxQueriesPerRule = 1000

// Validate checks a parsed file against the rules and returns every
// error and query, errors first. Parse's own messages (in p.Messages) are
// not repeated.
func Validate(p *Parsed, vc Context) []domain.Message {
	if vc.Tolerance == 0 {
		vc.Tolerance = defaultTolerance
	}
	if vc.MinAbsChange == 0 {
		vc.MinAbsChange = defaultMinAbsChange
	} else if vc.MinAbsChange < 0 {
		vc.MinAbsChange = 0
	}
	if vc.MinChangePoints == 0 {
		vc.MinChangePoints = defaultMinPoints
	} else if vc.MinChangePoints < 0 {
		vc.MinChangePoints = 0
	}
	if vc.NoiseSDs == 0 {
		vc.NoiseSDs = defaultNoiseSDs
	}
	if vc.OutlierSDs == 0 {
		vc.OutlierSDs = defaultOutlierSDs
	}
	if vc.Now.IsZero() {
		vc.Now = time.Now()
	}
	f := p.compact()
	v := &validator{p: p, f: f, vc: vc, out: newCollector(),
		inds: map[string]int{}, pos: map[uint32]int{}, lastText: notInterned, spans: map[int]span{}}
	// The months a return may cover, whatever its council.
	v.first, v.last = domain.ReturnMonths(domain.Council{}, vc.Now)
	for i, ind := range vc.Catalogue.Indicators {
		v.inds[ind.Code] = i
	}
	v.seen = newSeenIndex(f, len(vc.Catalogue.Indicators), v.first.Index(), v.last.Index())
	v.run()
	return v.out.result()
}

// validator holds one validation's state.
type validator struct {
	p  *Parsed
	f  *figures
	vc Context
	// first and last bound the months any return may cover.
	first, last domain.Month
	// spans caches each council's months (returnMonths).
	spans map[int]span
	out   *collector
	inds  map[string]int // code → position in the catalogue
	// pos caches, by the text-table index of a figure's indicator code,
	// its position in the catalogue (-1 when it is not there); lastText
	// and lastPos are the latest look-up, since figures come in runs.
	pos      map[uint32]int
	lastText uint32
	lastPos  int
	// seen maps council, indicator and month to the first figure with
	// them.
	seen *seenIndex
	// bad marks figures with an error of their own, left out of the
	// comparisons that raise queries.
	bad []bool
	// row and subject are the figure being checked.
	row     vrow
	subject subject
}

// vrow is one figure as the rules read it: a Row whose cell name is
// written only when a message needs it, with its value inline.
type vrow struct {
	f *figures // nil for a row made for a message
	i int

	Sheet                               string
	Council                             int
	CouncilRaw, Indicator, IndicatorRaw string
	Month                               domain.Month
	MonthRaw, Raw, Note                 string
	Value                               float64
	HasValue, Formula, NoCachedValue    bool
}

// Cell names the figure's value cell.
func (r *vrow) Cell() string {
	if r.f == nil {
		return ""
	}
	return r.f.cell(r.i)
}

// at reads figure i.
func (v *validator) at(i int) vrow {
	f := v.f
	g := &f.list[i]
	return vrow{f: f, i: i, Sheet: f.sheets[g.sheet], Council: int(g.council), CouncilRaw: f.strs[g.councilRaw],
		Indicator: f.strs[g.indicator], IndicatorRaw: f.strs[g.indicatorRaw], Month: f.month(i), MonthRaw: f.strs[g.monthRaw],
		Raw: f.strs[g.raw], Note: f.strs[g.note], Value: g.value, HasValue: g.flags&figValue != 0,
		Formula: g.flags&figFormula != 0, NoCachedValue: g.flags&figNoCache != 0}
}

// seenIndex maps a council, an indicator's position and a month index to
// the first figure with them. A bulk file fills it with 440,000 keys and
// looks each up several times, so, where the file's councils, the
// catalogue and the months that can be submitted (January 2017 to the
// last complete month) make a table no larger than about twice the
// figures, it is that table, indexed directly; keys outside it (a month
// with an error, or a file too sparse for the table) go to a map.
type seenIndex struct {
	slots  map[int]int // council → its block of the table
	nInds  int
	lo, n  int     // the months of the table: lo to lo+n-1
	table  []int32 // figure + 1; 0 for none
	sparse map[obsKey]int32
	// lastCouncil and lastSlot are the latest look-up of slots
	// (figures come in runs of one council).
	lastCouncil, lastSlot int
}

// obsKey packs a council, an indicator's position and a month index into
// one integer, for the map.
type obsKey uint64

func obsKeyOf(council, ind, month int) obsKey {
	return obsKey((uint64(council)&0xFFFFF)<<37 | (uint64(ind)&0xFFF)<<25 | uint64(month+1)&0x1FFFFFF)
}

func newSeenIndex(f *figures, nInds, lo, hi int) *seenIndex {
	s := &seenIndex{slots: map[int]int{}, nInds: nInds, lo: lo, n: max(hi-lo+1, 0), sparse: map[obsKey]int32{}, lastSlot: -1}
	last := int32(-1)
	for i := range f.list {
		if c := f.list[i].council; c != last {
			last = c
			if _, ok := s.slots[int(c)]; !ok {
				s.slots[int(c)] = len(s.slots)
			}
		}
	}
	if size := len(s.slots) * nInds * s.n; size > 0 && size <= 2*len(f.list)+4096 {
		s.table = make([]int32, size)
	} else {
		s.slots = map[int]int{}
		s.sparse = make(map[obsKey]int32, len(f.list))
	}
	return s
}

// at is the position of a key in the table, or -1.
func (s *seenIndex) at(council, ind, month int) int {
	if s.table == nil || month < s.lo || month >= s.lo+s.n || ind < 0 || ind >= s.nInds {
		return -1
	}
	slot := s.lastSlot
	if council != s.lastCouncil || slot < 0 {
		var ok bool
		if slot, ok = s.slots[council]; !ok {
			return -1
		}
		s.lastCouncil, s.lastSlot = council, slot
	}
	return (slot*s.nInds+ind)*s.n + month - s.lo
}

func (s *seenIndex) get(council, ind, month int) (int, bool) {
	if k := s.at(council, ind, month); k >= 0 {
		i := s.table[k]
		return int(i) - 1, i != 0
	}
	i, ok := s.sparse[obsKeyOf(council, ind, month)]
	return int(i), ok
}

func (s *seenIndex) put(council, ind, month, i int) {
	if k := s.at(council, ind, month); k >= 0 {
		s.table[k] = int32(i + 1)
		return
	}
	s.sparse[obsKeyOf(council, ind, month)] = int32(i)
}

func (v *validator) indicator(code string) (domain.Indicator, int, bool) {
	i, ok := v.inds[code]
	if !ok {
		return domain.Indicator{}, 0, false
	}
	return v.vc.Catalogue.Indicators[i], i, true
}

// indicatorAt is indicator for figure i's code.
func (v *validator) indicatorAt(i int) (domain.Indicator, int, bool) {
	t := v.f.list[i].indicator
	pos := v.lastPos
	if t != v.lastText {
		var ok bool
		if pos, ok = v.pos[t]; !ok {
			pos = -1
			if _, p, known := v.indicator(v.f.strs[t]); known {
				pos = p
			}
			v.pos[t] = pos
		}
		v.lastText, v.lastPos = t, pos
	}
	if pos < 0 {
		return domain.Indicator{}, 0, false
	}
	return v.vc.Catalogue.Indicators[pos], pos, true
}

func (v *validator) run() {
	p, f := v.p, v.f
	template := p.Layout == LayoutTemplate
	v.bad = make([]bool, len(f.list))
	for _, check := range fileChecks {
		check(v)
	}
	okCouncil, okMonth := true, true
	if template {
		okCouncil, okMonth = v.templateMeta()
	}
	// One subject, reused figure after figure: the checks are called
	// through the table, so a subject of each figure's own would be
	// allocated on the heap 440,000 times for a national file.
	s, r := &v.subject, &v.row
	for i := range f.list {
		*r = v.at(i)
		*s = subject{r: r, i: i, councilAt: loc{which: 0}, monthAt: loc{which: 1}}
		if !template {
			okCouncil, okMonth = v.stage(stageCouncil, s), v.stage(stageMonth, s)
			if okCouncil && okMonth {
				okCouncil = v.stage(stageLifetime, s)
			}
		}
		s.ind, s.pos, s.known = v.indicatorAt(i)
		if !v.stage(stageIndicator, s) {
			v.bad[i] = true
			continue
		}
		if !v.stage(stageValue, s) {
			v.bad[i] = true
		}
		if !okCouncil || !okMonth {
			v.bad[i] = true
			if !template {
				continue
			}
		}
		if !v.stage(stageDuplicate, s) {
			v.bad[i] = true
			continue
		}
		v.seen.put(r.Council, s.pos, r.Month.Index(), i)
	}
	// A template whose council or month is wrong has nothing to compare.
	if okCouncil && okMonth || !template {
		v.queries()
	}
	for _, check := range endChecks {
		check(v)
	}
}

// subject is what a figure check judges: one figure, or the template's
// council and month read as one.
type subject struct {
	r *vrow
	// i is the figure's place in the file; -1 for the template's council
	// and month.
	i int
	// ind and pos are the figure's indicator and its place in the
	// catalogue; known is false when the catalogue does not have it.
	ind   domain.Indicator
	pos   int
	known bool
	// councilAt and monthAt are where messages about the council and
	// the month point; councilLabel and monthLabel are the template's
	// labels for them ("" for a bulk row).
	councilAt, monthAt       loc
	councilLabel, monthLabel string
}

// stage runs a stage's checks on s in the table's order, stopping at the
// first error; it reports whether s passed them all.
func (v *validator) stage(st stage, s *subject) bool {
	for _, check := range stageChecks[st] {
		if !check(v, s) {
			return false
		}
	}
	return true
}

// templateMeta checks the template's council and month once.
func (v *validator) templateMeta() (okCouncil, okMonth bool) {
	p := v.p
	var r vrow
	if len(v.f.list) > 0 {
		r = v.at(0)
	} else {
		r.CouncilRaw, r.MonthRaw = p.TemplateCouncil, p.TemplateMonth
		r.Council = newCatIndex(v.vc.Catalogue, newFigures(false)).resolveCouncil(p.TemplateCouncil)
		r.Month, _ = parseMonth(p.TemplateMonth)
	}
	r.Sheet, r.Indicator = p.Sheet, ""
	s := subject{r: &r, i: -1, councilAt: fixedCell(p.TemplateCouncilCell), monthAt: fixedCell(p.TemplateMonthCell),
		councilLabel: LabelCouncilNumber, monthLabel: LabelMonth}
	okCouncil, okMonth = v.stage(stageCouncil, &s), v.stage(stageMonth, &s)
	if okCouncil && okMonth {
		okCouncil = v.stage(stageLifetime, &s)
	}
	return okCouncil, okMonth
}

// checkTemplateVersion raises E13 for a template that is not the current
// version.
func (v *validator) checkTemplateVersion() {
	p := v.p
	if p.Layout != LayoutTemplate {
		return
	}
	if got := strings.TrimSpace(p.TemplateVersion); got != TemplateVersion {
		text := fmt.Sprintf("the template version is %s, but returns must use version %s. Download this month's template from the dashboard, copy your figures into it, and upload that.", quote(got), TemplateVersion)
		if got == "" {
			text = fmt.Sprintf("no template version was found (the cell beside “%s”). Download this month's template from the dashboard, copy your figures into it, and upload that.", LabelTemplateVersion)
		}
		if v.out.admit(RuleTemplateVersion, "") {
			v.out.put(RuleTemplateVersion, p.Sheet, p.TemplateVersionCell, nil, "",
				text)
		}
	}
}

// checkOfficialScope raises E06 for official statistics loaded by a
// council's own staff: an EES file covers every council.
func (v *validator) checkOfficialScope() {
	p := v.p
	if p.Layout == LayoutEES && v.vc.ScopeCouncil != 0 && len(p.Official) > 0 {
		if v.out.admit(RuleWrongCouncil, "") {
			v.out.put(RuleWrongCouncil, p.Sheet, "", nil, "",
				"official statistics (EES files) cover every council, so only LGA officers may load them. Ask the LGA to load this file.")
		}
	}
}

// loc is where a message about a figure's council or month points: a
// fixed cell (the template's metadata), or the figure's council (which=0)
// or month (1) cell, or its value cell (-2). It is named only when a
// message is written.
type loc struct {
	fixed string
	which int
}

func fixedCell(c string) loc { return loc{fixed: c, which: -1} }

// where names l for figure r.
func (v *validator) where(r *vrow, l loc) string {
	if l.which == -1 {
		return l.fixed
	}
	return v.rowCell(r, l.which)
}

// rowCell names the cell of a row's council (which=0), month (1) or
// indicator code (-2: the long layout's indicator column, the template's
// Code column, or a wide sheet's header above the value, since its
// indicator is its column) from how Parse read the sheet, falling back to
// the value cell.
func (v *validator) rowCell(r *vrow, which int) string {
	info := v.p.sheets[r.Sheet]
	if info == nil {
		return r.Cell()
	}
	col, row, ok := splitCell(r.Cell())
	if !ok {
		return r.Cell()
	}
	switch which {
	case 0:
		col = info.councilCol
	case 1:
		col = info.monthCol
	case -2:
		if info.indicatorCol < 0 {
			if info.layout != LayoutWide || info.headerRow <= 0 {
				return r.Cell()
			}
			return cellName(col, info.headerRow)
		}
		col = info.indicatorCol
	default:
		return r.Cell()
	}
	if col < 0 {
		return r.Cell()
	}
	return cellName(col, row)
}

// checkUnknownCouncil raises E10 for a council that is blank or not one
// the dashboard knows.
func (v *validator) checkUnknownCouncil(s *subject) bool {
	r, at, label := s.r, s.councilAt, s.councilLabel
	switch {
	case strings.TrimSpace(r.CouncilRaw) == "" && label != "":
		if v.out.admit(RuleUnknownCouncil, "") {
			m := noCouncil(r)
			v.out.put(RuleUnknownCouncil, r.Sheet, v.where(r, at), &m, "",
				fmt.Sprintf("no DfE LA number was found (the cell beside “%s”). Enter your council's three-digit DfE number, for example 202, or download the template again.", label))
		}
		return false
	case strings.TrimSpace(r.CouncilRaw) == "":
		if v.out.admit(RuleUnknownCouncil, r.Sheet+"|") {
			m := noCouncil(r)
			v.out.put(RuleUnknownCouncil, r.Sheet, v.where(r, at), &m, r.Sheet+"|",
				"the council is blank. Enter the council's DfE LA number (for example 202) or ONS code (for example E09000007).")
		}
		return false
	case r.Council == 0:
		if v.out.admit(RuleUnknownCouncil, r.Sheet+"|"+r.CouncilRaw) {
			m := noCouncil(r)
			v.out.put(RuleUnknownCouncil, r.Sheet, v.where(r, at), &m, r.Sheet+"|"+r.CouncilRaw,
				fmt.Sprintf("%s is not the DfE LA number or ONS code of a council. Check the code (for example 202 or E09000007).", quote(r.CouncilRaw)))
		}
		return false
	}
	return true
}

// checkWrongCouncil raises E06 for a council the user may not submit
// for.
func (v *validator) checkWrongCouncil(s *subject) bool {
	r := s.r
	if v.vc.ScopeCouncil == 0 || r.Council == 0 || r.Council == v.vc.ScopeCouncil {
		return true
	}
	if v.out.admit(RuleWrongCouncil, r.Sheet+"|"+strconv.Itoa(r.Council)) {
		v.out.put(RuleWrongCouncil, r.Sheet, v.where(r, s.councilAt), r, r.Sheet+"|"+strconv.Itoa(r.Council),
			fmt.Sprintf("this return is for council %d, but you may only submit returns for council %d. Check you have the right file, or ask the LGA to load it.", r.Council, v.vc.ScopeCouncil))
	}
	return false
}

// noCouncil is r for a message whose council is not one: the message's
// council is only set when it is one.
func noCouncil(r *vrow) vrow {
	m := *r
	m.Council = 0
	return m
}

// span is the months a return for a council may cover.
type span struct{ first, last domain.Month }

// returnMonths is domain.ReturnMonths for a council of the catalogue,
// kept per council (figures come in runs of one); ok is false for a
// council the catalogue does not hold.
func (v *validator) returnMonths(n int) (span, bool) {
	if sp, ok := v.spans[n]; ok {
		return sp, sp.first != (domain.Month{})
	}
	c, ok := v.vc.Catalogue.Councils[n]
	if !ok {
		v.spans[n] = span{}
		return span{}, false
	}
	var sp span
	sp.first, sp.last = domain.ReturnMonths(c, v.vc.Now)
	v.spans[n] = sp
	return sp, true
}

// checkOutsideLifetime raises E16 for a figure outside the months its
// council existed, which domain.ReturnMonths decides: a predecessor's
// figures end with its last month, a successor's begin with its first.
// Without the catalogue's councils nothing is checked.
func (v *validator) checkOutsideLifetime(s *subject) bool {
	r := s.r
	sp, ok := v.returnMonths(r.Council)
	if !ok || !r.Month.Before(sp.first) && !sp.last.Before(r.Month) {
		return true
	}
	c := v.vc.Catalogue.Councils[r.Council]
	key := r.Sheet + "|" + strconv.Itoa(r.Council) + "|" + r.Month.String()
	if !v.out.admit(RuleOutsideLifetime, key) {
		return false
	}
	when := r.Month.Start().Format("January 2006")
	text := fmt.Sprintf("%s did not exist in %s: it existed %s.", councilName(c), when, c.Lifetime())
	if first := c.FirstMonth(); !first.IsZero() && r.Month.Before(first) {
		if preds := v.vc.Catalogue.predecessorsOf(c.Number); len(preds) > 0 {
			text = fmt.Sprintf("%s did not exist in %s: it existed %s, succeeding %s. Enter figures before %s under %s.",
				councilName(c), when, c.Lifetime(), v.namesOf(preds), first.Start().Format("January 2006"), v.namesOf(preds))
		}
	} else if succ := c.SuccessorNumbers(); len(succ) > 0 {
		text = fmt.Sprintf("%s did not exist in %s: it existed %s and was succeeded by %s. Enter figures after %s under %s.",
			councilName(c), when, c.Lifetime(), v.namesOf(succ), c.LastMonth().Start().Format("January 2006"), v.namesOf(succ))
	}
	v.out.put(RuleOutsideLifetime, r.Sheet, v.where(r, s.councilAt), r, key, text)
	return false
}

// councilName writes a council as "Cumbria (909)".
func councilName(c domain.Council) string { return fmt.Sprintf("%s (%d)", c.Name, c.Number) }

// namesOf writes councils as "Cumberland (942) and Westmorland and
// Furness (943)".
func (v *validator) namesOf(ns []int) string {
	names := make([]string, 0, len(ns))
	for _, n := range ns {
		if c, ok := v.vc.Catalogue.Councils[n]; ok {
			names = append(names, councilName(c))
		} else {
			names = append(names, strconv.Itoa(n))
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// checkBadMonth raises E11 for a month that cannot be read.
func (v *validator) checkBadMonth(s *subject) bool {
	r, at, label := s.r, s.monthAt, s.monthLabel
	if !r.Month.IsZero() && r.Month.Month >= 1 && r.Month.Month <= 12 {
		return true
	}
	if !v.out.admit(RuleBadMonth, r.Sheet+"|"+r.MonthRaw) {
		return false
	}
	m := *r
	m.Month = domain.Month{}
	text := fmt.Sprintf("the month %s cannot be read. Write it as 2021-01 or Jan 2021, or use a date.", quote(r.MonthRaw))
	switch info := v.p.sheets[r.Sheet]; {
	case strings.TrimSpace(r.MonthRaw) == "" && label != "":
		text = fmt.Sprintf("no month was found (the cell beside “%s”). Enter the month the return is for, as 2021-01.", label)
	case strings.TrimSpace(r.MonthRaw) == "" && info != nil && info.monthCol < 0:
		text = "the sheet has no month: add a month column, a “Month” label above the header with the month beside it, or name the sheet after the month (for example 2021-01)."
	case strings.TrimSpace(r.MonthRaw) == "":
		text = "the month is blank. Enter the month as 2021-01 or Jan 2021."
	}
	v.out.put(RuleBadMonth, r.Sheet, v.where(r, at), &m, r.Sheet+"|"+r.MonthRaw, text)
	return false
}

// checkFuture raises E07 for a month after the last a return may cover
// (domain.ReturnMonths): one under way or to come.
func (v *validator) checkFuture(s *subject) bool {
	r := s.r
	if !v.last.Before(r.Month) {
		return true
	}
	if v.out.admit(RuleFuture, r.Sheet+"|"+r.Month.String()) {
		v.out.put(RuleFuture, r.Sheet, v.where(r, s.monthAt), r, r.Sheet+"|"+r.Month.String(),
			fmt.Sprintf("%s has not ended yet, so its figures cannot be final. The latest month you can submit is %s; check the month.", r.Month.Start().Format("January 2006"), v.last.Start().Format("January 2006")))
	}
	return false
}

// checkTooEarly raises E08 for a month before the first a return may
// cover (domain.ReturnMonths): January 2017.
func (v *validator) checkTooEarly(s *subject) bool {
	r := s.r
	if !r.Month.Before(v.first) {
		return true
	}
	if v.out.admit(RuleTooEarly, r.Sheet+"|"+r.Month.String()) {
		v.out.put(RuleTooEarly, r.Sheet, v.where(r, s.monthAt), r, r.Sheet+"|"+r.Month.String(),
			fmt.Sprintf("%s is before January 2017, the earliest month the dashboard holds. Check the month, or remove the figures.", r.Month.Start().Format("January 2006")))
	}
	return false
}

// checkUnknownIndicator raises E09 for an indicator code that is not in
// the catalogue, at the cell that holds the code.
func (v *validator) checkUnknownIndicator(s *subject) bool {
	if s.known {
		return true
	}
	r := s.r
	what := "is not an indicator code in the catalogue"
	if strings.TrimSpace(r.IndicatorRaw) == "" {
		what = "has no indicator code"
	}
	if v.out.admit(RuleUnknownIndicator, r.Sheet+"|"+r.IndicatorRaw) {
		v.out.put(RuleUnknownIndicator, r.Sheet, v.rowCell(r, -2), r, r.Sheet+"|"+r.IndicatorRaw,
			fmt.Sprintf("%s %s. Use a code from the template (for example CSC_REFERRALS), or remove the row.", displayRaw(r.IndicatorRaw, "the row"), what))
	}
	return false
}

// blankValue reports whether a figure's value cell is empty.
func blankValue(r *vrow) bool { return !r.HasValue && strings.TrimSpace(r.Raw) == "" }

// checkNoCachedValue raises E14 for a formula with no saved result.
func (v *validator) checkNoCachedValue(s *subject) bool {
	r := s.r
	if !r.NoCachedValue {
		return true
	}
	if v.out.admit(RuleNoCachedValue, "") {
		v.out.put(RuleNoCachedValue, r.Sheet, r.Cell(), r, "",
			fmt.Sprintf("%s is a formula with no saved result, so there is no figure to read (the file was saved by a program that does not calculate). Type the figure in as a number, or open the file in Excel, save it and upload it again.", name(s.ind)))
	}
	return false
}

// checkFormula raises Q04 for a value that comes from a formula.
func (v *validator) checkFormula(s *subject) bool {
	r := s.r
	if r.Formula && v.out.admit(RuleFormula, "") {
		v.out.put(RuleFormula, r.Sheet, r.Cell(), r, "",
			fmt.Sprintf("%s comes from a formula (the saved result, %s, is what was read). Check it is the figure you mean, or type the number in, then explain.", name(s.ind), displayValue(r)))
	}
	return true
}

// checkBlankRequired raises E01 for a required indicator left blank in a
// template return.
func (v *validator) checkBlankRequired(s *subject) bool {
	r := s.r
	if !s.ind.Required || v.p.Layout != LayoutTemplate || !blankValue(r) {
		return true
	}
	if v.out.admit(RuleMissing, "") {
		v.out.put(RuleMissing, r.Sheet, r.Cell(), r, "",
			fmt.Sprintf("%s is required but blank. Enter the figure; if you cannot, contact the LGA before submitting.", name(s.ind)))
	}
	return false
}

// checkNotNumber raises E02 for a value that is not a number.
func (v *validator) checkNotNumber(s *subject) bool {
	r := s.r
	if r.HasValue || blankValue(r) {
		return true
	}
	if v.out.admit(RuleNotNumber, "") {
		v.out.put(RuleNotNumber, r.Sheet, r.Cell(), r, "",
			fmt.Sprintf("%s is %s, which is not a number. Enter a number only (put any comment in the Note column).", name(s.ind), quote(r.Raw)))
	}
	return false
}

// checkNegative raises E03 for a negative count or ratio.
func (v *validator) checkNegative(s *subject) bool {
	r, ind := s.r, s.ind
	if !r.HasValue || !(r.Value < 0) || ind.Unit != domain.UnitCount && ind.Unit != domain.UnitRatio {
		return true
	}
	if v.out.admit(RuleNegative, "") {
		v.out.put(RuleNegative, r.Sheet, r.Cell(), r, "",
			fmt.Sprintf("%s is %s, but a %s cannot be negative. Enter the figure as 0 or more.", name(ind), formatNumber(r.Value), ind.Unit))
	}
	return false
}

// checkFractional raises E04 for a count that is not a whole number.
func (v *validator) checkFractional(s *subject) bool {
	r, ind := s.r, s.ind
	if !r.HasValue || ind.Unit != domain.UnitCount || r.Value == math.Trunc(r.Value) {
		return true
	}
	if v.out.admit(RuleFractional, "") {
		v.out.put(RuleFractional, r.Sheet, r.Cell(), r, "",
			fmt.Sprintf("%s is %s, but it is a count and must be a whole number. Enter the number of children or cases, without decimals.", name(ind), formatNumber(r.Value)))
	}
	return false
}

// checkPercent raises E05 for a percentage outside 0 to 100.
func (v *validator) checkPercent(s *subject) bool {
	r, ind := s.r, s.ind
	x := r.Value
	if !r.HasValue || ind.Unit != domain.UnitPercent || !(x < 0 || x > 100) {
		return true
	}
	hint := ""
	if x > 100 && x <= 10000 {
		hint = " (enter 12.5 for 12.5%)"
	}
	if v.out.admit(RulePercent, "") {
		v.out.put(RulePercent, r.Sheet, r.Cell(), r, "",
			fmt.Sprintf("%s is %s, but it is a percentage and must be between 0 and 100%s. Check the figure.", name(ind), formatNumber(x), hint))
	}
	return false
}

// checkDuplicate raises E12 for a council, indicator and month that an
// earlier figure of the file already gave.
func (v *validator) checkDuplicate(s *subject) bool {
	r := s.r
	j, dup := v.seen.get(r.Council, s.pos, r.Month.Index())
	if !dup {
		return true
	}
	if v.out.admit(RuleDuplicate, "") {
		v.out.put(RuleDuplicate, r.Sheet, r.Cell(), r, "",
			fmt.Sprintf("%s for %s is given twice (also in %s). Keep one and remove the other.", name(s.ind), v.councilMonth(r), refFrom(v.f.sheet(j), v.f.cell(j), r.Sheet)))
	}
	return false
}

// checkMissingRows raises E01 for required indicators with no row in a
// template return; blank cells were reported where they are. A bulk file
// may carry any subset of indicators, councils and months: what it
// carries merges into what is held, so it has nothing to miss.
func (v *validator) checkMissingRows() {
	if v.p.Layout != LayoutTemplate {
		return
	}
	f := v.f
	have := map[int]bool{}
	for i := range f.list {
		if _, pos, ok := v.indicatorAt(i); ok {
			have[pos] = true
		}
	}
	for i, ind := range v.vc.Catalogue.Indicators {
		if ind.Required && !have[i] {
			if v.out.admit(RuleMissing, "") {
				v.out.put(RuleMissing, v.p.Sheet, "", &vrow{Indicator: ind.Code}, "",
					fmt.Sprintf("%s is required but has no row. Download the template again and copy your figures into it, or add a row with its code.", name(ind)))
			}
		}
	}
}

// queries runs the query stage over the figures without errors.
func (v *validator) queries() {
	for i := range v.f.list {
		if v.bad[i] || !v.f.hasValue(i) {
			continue
		}
		s, r := &v.subject, &v.row
		*r = v.at(i)
		*s = subject{r: r, i: i, known: true}
		s.ind, s.pos, _ = v.indicatorAt(i)
		v.stage(stageQuery, s)
	}
}

// checkSubset, checkChange and checkOutlier raise Q02, Q01 and Q03.
func (v *validator) checkSubset(s *subject) bool {
	v.subset(s.r, s.ind, s.r.Value)
	return true
}

func (v *validator) checkChange(s *subject) bool {
	v.change(s.r, s.ind, s.pos, s.r.Value)
	return true
}

func (v *validator) checkOutlier(s *subject) bool {
	v.outlier(s.r, s.ind, s.r.Value)
	return true
}

// subset raises Q02 when a subset is larger than its total in the same
// council and month of this upload.
func (v *validator) subset(r *vrow, ind domain.Indicator, x float64) {
	if ind.SubsetOf == "" {
		return
	}
	total, tpos, ok := v.indicator(ind.SubsetOf)
	if !ok {
		return
	}
	j, ok := v.seen.get(r.Council, tpos, r.Month.Index())
	if !ok || v.bad[j] || !v.f.hasValue(j) {
		return
	}
	if t := v.f.list[j].value; x > t {
		if v.out.admit(RuleSubset, "") {
			v.out.put(RuleSubset, r.Sheet, r.Cell(), r, "",
				fmt.Sprintf("%s is %s, more than %s (%s, %s in %s), which includes it. Check both figures or explain why.",
					name(ind), formatNumber(x), lowerFirst(total.Label), total.Code, formatNumber(t), refFrom(v.f.sheet(j), v.f.cell(j), r.Sheet)))
		}
	}
}

// change raises Q01 when a figure moved by more than the tolerance from
// the last accepted month: the latest earlier month of this upload that
// holds the figure (a bulk load of several months) or, if a held month is
// later, the last accepted return. Exactly the tolerance is not a query;
// a count's change under MinAbsChange or within chance variation never
// is, nor a percentage's under MinChangePoints.
func (v *validator) change(r *vrow, ind domain.Indicator, pos int, x float64) {
	at, prev, inFile, ok := v.previous(r, ind, pos)
	if !ok {
		return
	}
	d := math.Abs(x - prev)
	if !beyond(d, v.vc.Tolerance*math.Abs(prev)) || ind.Unit == domain.UnitCount && d < v.vc.MinAbsChange ||
		ind.Unit == domain.UnitPercent && d < v.vc.MinChangePoints-1e-9 {
		return
	}
	// Small monthly counts move by chance: a count of about n varies by
	// about √n from month to month, so a change within NoiseSDs of that is
	// not queried however large in percentage terms (13 to 21 is +62% but
	// ordinary; 1,800 to 2,300 is not).
	if v.vc.NoiseSDs > 0 && ind.Unit == domain.UnitCount && d <= v.vc.NoiseSDs*math.Sqrt(math.Max(math.Max(x, prev), 1)) {
		return
	}
	if !v.out.admit(RuleChange, "") {
		return
	}
	from := at.Label() + ", the last accepted return"
	if inFile >= 0 {
		from = at.Label() + " in " + refFrom(v.f.sheet(inFile), v.f.cell(inFile), r.Sheet)
	}
	how := "up from 0"
	if prev != 0 {
		dir := "up"
		if x < prev {
			dir = "down"
		}
		how = fmt.Sprintf("%s %s%% from %s", dir, formatNumber(math.Round(100*d/math.Abs(prev))), formatNumber(prev))
	}
	v.out.put(RuleChange, r.Sheet, r.Cell(), r, "",
		fmt.Sprintf("%s is %s, %s (%s); changes of more than %s%% are queried. Check the figure, or explain the change.",
			name(ind), formatNumber(x), how, from, formatNumber(100*v.vc.Tolerance)))
}

// previous finds the figure a row is compared with: the latest earlier
// month of this file holding it without an error, unless the last
// accepted return held is later. inFile is that row, or -1 for a held
// return.
func (v *validator) previous(r *vrow, ind domain.Indicator, pos int) (at domain.Month, prev float64, inFile int, ok bool) {
	// Only a month within changeWindow of this one is compared: figures a
	// year apart (an annual series loaded in bulk) are a year's change,
	// not a month's, and Q03 judges them against the council's history.
	floor := max(domain.FirstMonth.Index(), r.Month.Index()-changeWindow)
	held := false
	if v.vc.Previous != nil {
		if m, p, found := v.vc.Previous(r.Council, ind.Code, r.Month); found && m.Before(r.Month) && m.Index() >= floor {
			at, prev, held = m, p, true
			floor = m.Index()
		}
	}
	// A file's own earlier month is newer than anything held for it, so it
	// wins when it is the same month or later.
	for idx := r.Month.Index() - 1; idx >= floor; idx-- {
		if j, found := v.seen.get(r.Council, pos, idx); found && v.f.hasValue(j) && !v.bad[j] {
			return v.f.month(j), v.f.list[j].value, j, true
		}
	}
	return at, prev, -1, held
}

// changeWindow is how many months back Q01 looks for the last accepted
// month: a return three months after the last one is still compared with
// it.
const changeWindow = 3

// beyond reports whether d is more than limit, so that a change of exactly
// the tolerance, give or take floating-point rounding, is not a query.
func beyond(d, limit float64) bool {
	return d > limit+1e-9*math.Max(1, math.Abs(limit))
}

// outlier raises Q03 for a value far outside the council's own history.
func (v *validator) outlier(r *vrow, ind domain.Indicator, x float64) {
	if v.vc.History == nil {
		return
	}
	h := v.vc.History(r.Council, ind.Code, r.Month)
	if len(h) < minHistory {
		return
	}
	var sum float64
	for _, y := range h {
		sum += y
	}
	mean := sum / float64(len(h))
	var ss float64
	for _, y := range h {
		ss += (y - mean) * (y - mean)
	}
	sd := math.Sqrt(ss / float64(len(h)-1))
	// The minimums that spare small changes from Q01 spare small
	// departures from the average too: a count of 1 where there are
	// usually none is not far outside anything that matters.
	d := math.Abs(x - mean)
	if !beyond(d, v.vc.OutlierSDs*sd) || ind.Unit == domain.UnitCount && d < v.vc.MinAbsChange ||
		ind.Unit == domain.UnitPercent && d < v.vc.MinChangePoints-1e-9 {
		return
	}
	if v.out.admit(RuleOutlier, "") {
		v.out.put(RuleOutlier, r.Sheet, r.Cell(), r, "",
			fmt.Sprintf("%s is %s, far outside this council's own figures (average %s over %d months, usually between %s and %s). Check the figure, or explain it.",
				name(ind), formatNumber(x), formatNumber(round1(mean)), len(h), formatNumber(round1(mean-2*sd)), formatNumber(round1(mean+2*sd))))
	}
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// councilMonth names a row's council and month for a message.
func (v *validator) councilMonth(r *vrow) string {
	if r.Council == 0 || r.Month.IsZero() {
		return "this return"
	}
	return fmt.Sprintf("council %d in %s", r.Council, r.Month.Label())
}

// collector gathers messages, folding repeats, merging the queries on
// one figure and capping each rule.
type collector struct {
	list       []domain.Message
	extra      []int          // per message: further cells folded into it
	byKey      map[string]int // rule|key → index in list
	byFigure   map[string]int // a figure's queries: figureKey → index in list
	perRule    map[string]int
	suppressed map[string]int
	order      []string // rules in the order first suppressed
}

func newCollector() *collector {
	return &collector{byKey: map[string]int{}, byFigure: map[string]int{}, perRule: map[string]int{}, suppressed: map[string]int{}}
}

// admit reports whether a message for rule (folded by key, when not
// empty) is to be listed, so that callers build its text only then. When
// it is not, it is counted: into the first message with the same key, or
// among those beyond the rule's cap.
func (c *collector) admit(rule, key string) bool {
	if key != "" {
		if i, ok := c.byKey[rule+"|"+key]; ok {
			c.extra[i]++
			return false
		}
	}
	limit := maxPerRule
	if severity(rule) == domain.SeverityQuery {
		limit = maxQueriesPerRule
	}
	if c.perRule[rule] >= limit {
		if c.suppressed[rule] == 0 {
			c.order = append(c.order, rule)
		}
		c.suppressed[rule]++
		return false
	}
	return true
}

// add records a message if admit allows it.
func (c *collector) add(rule, sheet, where string, r *vrow, key, text string) {
	if c.admit(rule, key) {
		c.put(rule, sheet, where, r, key, text)
	}
}

// put records a message that admit allowed. A query on a figure that
// already has one joins it: one cell, one message, naming every reason
// and every rule. A query on a figure whose Note is filled in is
// explained by that note, as the template's instructions promise.
func (c *collector) put(rule, sheet, where string, r *vrow, key, text string) {
	c.perRule[rule]++
	m := domain.Message{Rule: rule, Severity: severity(rule), Sheet: sheet, Cell: where,
		Text: locate(sheet, where, true) + upperFirst(text)}
	if r != nil {
		m.Council, m.Indicator = r.Council, r.Indicator
		if !r.Month.IsZero() {
			m.Month = r.Month.String()
		}
	}
	if m.Severity == domain.SeverityQuery && r != nil && r.f != nil {
		fk := figureKey(r, sheet, where)
		if i, ok := c.byFigure[fk]; ok {
			first := &c.list[i]
			if len(first.Rules) == 0 {
				first.Rules = []string{first.Rule}
			}
			first.Rules = append(first.Rules, rule)
			first.Text = strings.TrimRight(first.Text, " ") + " Also: " + upperFirst(text)
			return
		}
		c.byFigure[fk] = len(c.list)
		m.Explanation = noteExplanation(r.Note)
	}
	if key != "" {
		c.byKey[rule+"|"+key] = len(c.list)
	}
	c.list = append(c.list, m)
	c.extra = append(c.extra, 0)
}

// result finishes the messages, errors first.
func (c *collector) result() []domain.Message {
	for _, rule := range c.order {
		n := c.suppressed[rule]
		text := fmt.Sprintf("%s more cells break this rule and are not listed. Correct the ones above and upload the file again to see them", formatNumber(float64(n)))
		if severity(rule) == domain.SeverityQuery {
			text = fmt.Sprintf("%s more cells raise this query and are not listed. An explanation given here answers for all of them; or correct the figures and upload the file again to see them", formatNumber(float64(n)))
		}
		c.list = append(c.list, domain.Message{Rule: rule, Severity: severity(rule), Text: text})
		c.extra = append(c.extra, 0)
	}
	for i := range c.list {
		if n := c.extra[i]; n > 0 {
			c.list[i].Text = strings.TrimRight(c.list[i].Text, ". ") + fmt.Sprintf(". The same applies to %s more %s", formatNumber(float64(n)), plural(n, "cell", "cells"))
		}
		c.list[i].Text = strings.TrimRight(c.list[i].Text, " ")
		if !strings.HasSuffix(c.list[i].Text, ".") {
			c.list[i].Text += "."
		}
		c.list[i].Text += " [" + strings.Join(c.list[i].AllRules(), ", ") + "]"
	}
	slices.SortStableFunc(c.list, func(a, b domain.Message) int {
		return cmp.Compare(severityRank(a.Severity), severityRank(b.Severity))
	})
	return c.list
}

// figureKey identifies the figure a query is about: its council,
// indicator and month when all are known (one figure in any layout), or
// else its sheet and cell.
func figureKey(r *vrow, sheet, where string) string {
	if r.Council != 0 && r.Indicator != "" && !r.Month.IsZero() {
		return fmt.Sprintf("%d|%s|%d", r.Council, r.Indicator, r.Month.Index())
	}
	return sheet + "!" + where
}

// maxExplanation caps an explanation's length, in bytes.
const maxExplanation = 2000

// noteExplanation is a figure's note as the explanation of its queries:
// trimmed, and cut to maxExplanation bytes on a character boundary.
func noteExplanation(note string) string {
	return domain.TrimExplanation(note, maxExplanation)
}

func severityRank(s string) int {
	if s == domain.SeverityError {
		return 0
	}
	return 1
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// locate writes where a message points: "Return!E14: ", "'Jan 2021'!C3: ",
// "E14: " for a CSV file, "Return: " for a whole sheet. With colon false
// it writes just the reference, for use inside a sentence.
func locate(sheet, where string, colon bool) string {
	s := ""
	switch {
	case sheet != "" && where != "":
		s = sheetRef(sheet) + "!" + where
	case sheet != "":
		s = sheet
	case where != "":
		s = where
	}
	if !colon {
		if s == "" {
			return "this file"
		}
		return s
	}
	if s == "" {
		return ""
	}
	return s + ": "
}

// refFrom names a cell as seen from sheet from: "E13" on the same sheet,
// "'Jan 2021'!E13" on another.
func refFrom(sheet, cell, from string) string {
	if sheet == from && cell != "" {
		return cell
	}
	return locate(sheet, cell, false)
}

// sheetRef quotes a sheet name as Excel does in references when it is not
// plain letters and digits.
func sheetRef(s string) string {
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
	}
	return s
}

// upperFirst capitalises a message's first letter.
func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// name writes an indicator for a message: "Children looked after
// (CSC_CLA)".
func name(ind domain.Indicator) string {
	if ind.Label == "" {
		return ind.Code
	}
	return ind.Label + " (" + ind.Code + ")"
}

// lowerFirst lower-cases a label's first letter for use inside a
// sentence, unless it starts an abbreviation ("EHC plans").
func lowerFirst(s string) string {
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && (s[1] < 'A' || s[1] > 'Z') {
		return string(s[0]-'A'+'a') + s[1:]
	}
	return s
}

// displayRaw quotes raw text, or says what is missing.
func displayRaw(raw, none string) string {
	if strings.TrimSpace(raw) == "" {
		return none
	}
	return quote(raw)
}

// displayValue writes a row's value for a message.
func displayValue(r *vrow) string {
	if r.HasValue {
		return formatNumber(r.Value)
	}
	return quote(r.Raw)
}
