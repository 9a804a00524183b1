package returns

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Layout is how a file lays out its figures; Parse finds it from the
// headers, never from positions.
type Layout string

// The layouts Parse reads.
const (
	// LayoutTemplate is the product's own return: one council, one month,
	// one indicator per row (sheet ReturnSheet).
	LayoutTemplate Layout = "template"
	// LayoutWide has a row per council (and month) and a column per
	// indicator.
	LayoutWide Layout = "wide"
	// LayoutLong has a row per council, indicator and month.
	LayoutLong Layout = "long"
	// LayoutEES is DfE's Explore Education Statistics tidy layout, read
	// into official figures rather than monthly returns.
	LayoutEES Layout = "ees"
)

// Catalogue is what Parse and Validate check a file against.
type Catalogue struct {
	Indicators []domain.Indicator
	// Council resolves a DfE LA number ("202") or an ONS code, current or
	// retired ("E09000007", "E08000016"), to the LA number of a council,
	// current or former (Northamptonshire, 928). When nil, three-digit
	// numbers resolve to themselves and nothing else resolves.
	Council func(code string) (int, bool)
	// Councils holds every council, current and former, by LA number, so
	// that a figure outside a council's lifetime is refused (E16). When
	// nil, lifetimes are not checked.
	Councils map[int]domain.Council
	// OfficialArea resolves the area of an official (EES) figure: any
	// council the product knows, including predecessors such as
	// Northamptonshire (928), whose older figures are kept. When nil,
	// Council is used.
	OfficialArea func(code string) (int, bool)
}

// predecessorsOf lists, in order, the councils that n replaced.
func (cat Catalogue) predecessorsOf(n int) []int {
	var out []int
	for _, c := range cat.Councils {
		if slices.Contains(c.SuccessorNumbers(), n) {
			out = append(out, c.Number)
		}
	}
	slices.Sort(out)
	return out
}

// Row is one figure read from a monthly return, before validation.
type Row struct {
	// Sheet and Cell say where the value is, e.g. "Return", "E12". Sheet
	// is empty for a CSV file.
	Sheet, Cell string
	// Council is the resolved LA number (0 when it did not resolve);
	// CouncilRaw is the text it came from.
	Council    int
	CouncilRaw string
	// Indicator is the catalogue code ("" when unknown); IndicatorRaw the
	// code or label as written.
	Indicator    string
	IndicatorRaw string
	// Month is zero when MonthRaw could not be read.
	Month    domain.Month
	MonthRaw string
	// Value is nil when the cell is blank or not a number.
	Value *float64
	// Raw is the cell's text as read (its cached value, for a formula).
	Raw  string
	Note string
	// Formula is true when the cell holds a formula; NoCachedValue when
	// that formula has no saved result (SECURITY U8).
	Formula       bool
	NoCachedValue bool
}

// Parsed is what a file holds.
type Parsed struct {
	Layout Layout
	// Sheet is the (first) sheet read.
	Sheet string
	// TemplateVersion, TemplateCouncil and TemplateMonth are the template's
	// metadata cells as written; the *Cell fields say where they are ("B6"),
	// empty when the label was not found.
	TemplateVersion, TemplateCouncil, TemplateMonth             string
	TemplateVersionCell, TemplateCouncilCell, TemplateMonthCell string
	// Rows are the monthly figures read, in file order; empty when
	// ParseWith read the file with Compact, which keeps them in figs.
	Rows []Row
	// Official holds EES figures, kept apart from monthly returns.
	Official []domain.OfficialValue
	// Messages are structural problems found while reading, with rule IDs
	// from Rules.
	Messages []domain.Message

	// sheets records, per sheet read, which columns held the council and
	// month, so Validate can point at those cells.
	sheets map[string]*sheetInfo
	// figs holds the figures of a Compact read, in place of Rows.
	figs *figures
}

// compact is the figures in compact form: those a Compact read kept, or
// ones built from Rows (however they were made).
func (p *Parsed) compact() *figures {
	if p.figs != nil && len(p.Rows) == 0 {
		return p.figs
	}
	return figuresOf(p.Rows)
}

// Len is the number of monthly figures read (Rows, or those a Compact read
// kept).
func (p *Parsed) Len() int {
	if p.figs != nil && len(p.Rows) == 0 {
		return len(p.figs.list)
	}
	return len(p.Rows)
}

// Councils lists the councils the figures resolved to, in the order they
// first appear.
func (p *Parsed) Councils() []int {
	seen := map[int]bool{}
	var out []int
	p.eachCouncil(func(n int) {
		if n != 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	})
	return out
}

func (p *Parsed) eachCouncil(fn func(int)) {
	if p.figs != nil && len(p.Rows) == 0 {
		last := int32(-1)
		for i := range p.figs.list {
			if c := p.figs.list[i].council; c != last {
				last = c
				fn(int(c))
			}
		}
		return
	}
	for i := range p.Rows {
		fn(p.Rows[i].Council)
	}
}

// Observations are the figures that carry a usable value (a number for a
// known council, indicator and month), in file order, as they would be
// stored.
func (p *Parsed) Observations() []domain.Observation {
	n := 0
	if p.figs != nil && len(p.Rows) == 0 {
		for i := range p.figs.list {
			if p.figs.usable(i) {
				n++
			}
		}
	} else {
		n = len(p.Rows)
	}
	out := make([]domain.Observation, 0, n)
	_ = p.EachObservation(func(o domain.Observation) error {
		out = append(out, o)
		return nil
	})
	return out
}

// EachObservation calls fn for each figure Observations gives, in order,
// without building the slice; an error from fn stops it and is returned.
func (p *Parsed) EachObservation(fn func(domain.Observation) error) error {
	if p.figs != nil && len(p.Rows) == 0 {
		for i := range p.figs.list {
			if p.figs.usable(i) {
				if err := fn(p.figs.observation(i)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, r := range p.Rows {
		if r.Value == nil || r.Council == 0 || r.Indicator == "" || r.Month.IsZero() {
			continue
		}
		if err := fn(domain.Observation{Council: r.Council, Indicator: r.Indicator, Month: r.Month.String(), Value: *r.Value, Note: r.Note}); err != nil {
			return err
		}
	}
	return nil
}

// sheetInfo is how one sheet was read.
type sheetInfo struct {
	layout     Layout
	councilCol int // -1 for none
	monthCol   int // -1 when the month is the sheet's
	monthFrom  string
	// indicatorCol holds a row's indicator code (the long layout's
	// indicator column, the template's Code column); -1 when the
	// indicator is a column's header (wide).
	indicatorCol int
	// headerRow is the 1-based row of the header.
	headerRow int
}

// headerScanRows is how far down a sheet Parse looks for its header row:
// a title, notes or the template's metadata may sit above it.
const headerScanRows = 30

// progressEvery is how often, in rows, Parse reports progress and checks
// for cancellation.
const progressEvery = 5000

// Parse reads the file at path, which Inspect has already passed, finding
// its layout from its headers. progress, if non-nil, is called every few
// thousand rows with the rows read so far. A file that cannot be read
// returns a *domain.Error; a file read but holding no recognisable table
// returns a Parsed with an E15 message.
func Parse(ctx context.Context, path string, kind Kind, cat Catalogue, lim Limits, progress func(rows int)) (*Parsed, error) {
	return ParseWith(ctx, path, kind, cat, lim, Options{Progress: progress})
}

// Options are how ParseWith reads a file.
type Options struct {
	// Progress, if set, is called every few thousand rows with the rows
	// read so far.
	Progress func(rows int)
	// Compact leaves Parsed.Rows empty and keeps the figures in a compact
	// form (about a quarter of the memory of Rows) that Validate, Len,
	// Councils and Observations read: for bulk loads, whose 440,640 Rows
	// would take some 90 MB.
	Compact bool
	// Figures, if set, is given the figures Observations would give, in
	// file order and in batches of a few thousand as they are read, so that
	// a caller can write them while the rest of the file is read. Each
	// batch is the callee's to keep. Which of them may be stored is for
	// Validate to say, once the whole file is read; when Parse fails, what
	// Figures was given is to be discarded. An error from Figures stops
	// Parse, which returns it.
	Figures func([]domain.Observation) error
}

// figureBatch is how many figures Options.Figures is given at a time.
const figureBatch = 4096

// ParseWith is Parse with options.
func ParseWith(ctx context.Context, path string, kind Kind, cat Catalogue, lim Limits, opts Options) (*Parsed, error) {
	figs := newFigures(!opts.Compact)
	p := &parser{ctx: ctx, lim: lim.withDefaults(), progress: opts.Progress, cat: newCatIndex(cat, figs), figs: figs,
		sink: opts.Figures, out: &Parsed{sheets: map[string]*sheetInfo{}}, msgs: newCollector()}
	var err error
	switch kind {
	case KindXLSX:
		err = p.readXLSX(path)
	case KindCSV:
		err = p.readCSV(path)
	default:
		err = domain.Errorf(domain.EINVALID, "The file is not a type this service reads; upload an .xlsx workbook or a .csv file.")
	}
	if err == nil {
		err = p.flush()
	}
	if err != nil {
		return nil, err
	}
	for _, check := range parseChecks {
		check(p)
	}
	p.out.Messages = p.msgs.result()
	if opts.Compact {
		p.out.figs = figs
	} else {
		p.out.Rows = make([]Row, len(figs.list))
		for i := range figs.list {
			p.out.Rows[i] = figs.row(i, p.value)
		}
	}
	return p.out, nil
}

// parser holds the state of one Parse.
type parser struct {
	ctx      context.Context
	lim      Limits
	progress func(int)
	cat      *catIndex
	out      *Parsed
	msgs     *collector
	read     int // source rows read, for progress

	figs  *figures
	sink  func([]domain.Observation) error
	batch []domain.Observation // figures not yet given to sink

	zr    *zip.Reader // the xlsx as a zip, for the formula scan
	parts map[string]string

	slab []float64 // backing store for Value pointers, allocated in blocks

	tried []string // sheets that matched no layout, for E15
	// Official figures: where each key sits in out.Official and whether
	// it came from a row shared by several councils.
	official   map[officialKey]officialSeen
	unknownees map[string]int // EES areas that are not current councils → rows
	unknownOrd []string
	// skippedSheet is the EES sheet where the first of them was met.
	skippedSheet string
}

// add keeps one figure read from a sheet: g with its value, if the text
// read as a number. A usable figure also goes to the sink.
func (p *parser) add(g fig, v float64, number bool) error {
	if number {
		g.value = v
		g.flags |= figValue
	}
	p.figs.list = append(p.figs.list, g)
	if p.sink == nil {
		return nil
	}
	i := len(p.figs.list) - 1
	if !p.figs.usable(i) {
		return nil
	}
	if p.batch == nil {
		p.batch = make([]domain.Observation, 0, figureBatch)
	}
	p.batch = append(p.batch, p.figs.observation(i))
	if len(p.batch) == figureBatch {
		return p.flush()
	}
	return nil
}

// flush gives the sink the figures not yet given.
func (p *parser) flush() error {
	if p.sink == nil || len(p.batch) == 0 {
		return nil
	}
	b := p.batch
	p.batch = nil
	return p.sink(b)
}

// source yields a sheet's rows: the 1-based row number and its cells.
type source interface {
	next() (num int, cells []string, ok bool, err error)
}

// xlsxSource reads a worksheet with excelize's streaming reader.
type xlsxSource struct {
	rows *excelize.Rows
	n    int
}

func (s *xlsxSource) next() (int, []string, bool, error) {
	if !s.rows.Next() {
		return 0, nil, false, s.rows.Error()
	}
	// Next steps through row numbers, including rows absent from the XML,
	// so counting calls gives the row number.
	s.n++
	cells, err := s.rows.Columns()
	return s.n, cells, true, err
}

// readXLSX reads every sheet of a workbook, or only the template's Return
// sheet when there is one that reads as a template.
func (p *parser) readXLSX(path string) error {
	f, err := excelize.OpenFile(path, p.lim.ExcelizeOptions())
	if err != nil {
		return unreadable(err)
	}
	defer f.Close()
	zf, err := zip.OpenReader(path)
	if err != nil {
		return unreadable(err)
	}
	defer zf.Close()
	p.zr = &zf.Reader
	p.parts = sheetParts(p.zr)

	sheets := f.GetSheetList()
	// The template's sheet first: when it reads as a template, it is the
	// return and the other sheets (instructions) are not data.
	slices.SortStableFunc(sheets, func(a, b string) int {
		return boolRank(!isReturnSheet(a)) - boolRank(!isReturnSheet(b))
	})
	for _, name := range sheets {
		rows, err := f.Rows(name)
		if err != nil {
			continue // a chart sheet or dialog sheet has no rows
		}
		p.reserveRows(name)
		err = p.readSheet(name, &xlsxSource{rows: rows}, true)
		if cerr := rows.Close(); err == nil && cerr != nil {
			err = unreadable(cerr)
		}
		if err != nil {
			return err
		}
		if p.out.Layout == LayoutTemplate {
			break
		}
	}
	return nil
}

// reserveRows sizes the figures from the sheet's uncompressed size (a
// data row takes about 170 bytes of XML or more), so a national bulk load
// does not copy its figures over and over as the slice grows.
func (p *parser) reserveRows(sheet string) {
	part := p.parts[sheet]
	if part == "" || p.zr == nil {
		return
	}
	for _, f := range p.zr.File {
		if partName(f.Name) != part {
			continue
		}
		est := int(min(f.UncompressedSize64/170, uint64(max(p.lim.MaxRows, 0))))
		if est > cap(p.figs.list)-len(p.figs.list) {
			p.figs.list = slices.Grow(p.figs.list, est)
		}
		return
	}
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isReturnSheet(name string) bool { return strings.EqualFold(strings.TrimSpace(name), ReturnSheet) }

// unreadable turns a reader's error into one for the uploader.
func unreadable(err error) error {
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return domain.Errorf(domain.EINVALID, "The workbook could not be read (%s). Open it in Excel, save it again as “Excel Workbook (*.xlsx)”, and upload it again.", shortErr(err))
}

// shortErr keeps a library error short enough for a message.
func shortErr(err error) string {
	s := err.Error()
	if len(s) > 120 {
		s = s[:117] + "…"
	}
	return s
}

// csvSource reads CSV records; the row number is the record's number, as
// Excel shows it when it opens the file.
type csvSource struct {
	r *csv.Reader
	n int
}

func (s *csvSource) next() (int, []string, bool, error) {
	rec, err := s.r.Read()
	if errors.Is(err, io.EOF) {
		return 0, nil, false, nil
	}
	s.n++
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return 0, nil, false, domain.Errorf(domain.EINVALID, "The CSV file cannot be read at line %d (%v). Check that quotes are paired, or save it again from Excel as “CSV UTF-8”.", pe.Line, pe.Err)
		}
		return 0, nil, false, err
	}
	return s.n, rec, true, nil
}

// readCSV reads a CSV file as one sheet, with the delimiter its first
// line uses most (Excel in some locales writes semicolons).
func (p *parser) readCSV(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, bomUTF8) {
		_, _ = br.Discard(3)
	}
	first, _ := br.Peek(4096)
	if i := bytes.IndexAny(first, "\r\n"); i >= 0 {
		first = first[:i]
	}
	r := csv.NewReader(br)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	r.Comma = ','
	if c, s, t := bytes.Count(first, []byte{','}), bytes.Count(first, []byte{';'}), bytes.Count(first, []byte{'\t'}); s > c && s >= t {
		r.Comma = ';'
	} else if t > c && t > s {
		r.Comma = '\t'
	}
	return p.readSheet("", &csvSource{r: r}, false)
}

// readSheet finds a sheet's layout from its first rows and reads it.
func (p *parser) readSheet(name string, src source, xlsx bool) error {
	var head []bufRow
	var headBytes int64
	for len(head) < headerScanRows {
		num, cells, ok, err := src.next()
		if err != nil {
			return unreadable(err)
		}
		if !ok {
			break
		}
		size, err := p.rowSize(name, num, cells)
		if err != nil {
			return err
		}
		if headBytes += size; headBytes+p.figs.textBytes > p.lim.MaxTextBytes {
			return p.tooMuchText(name, num)
		}
		if len(cells) > 0 {
			head = append(head, bufRow{num, slices.Clone(cells)})
		}
	}
	h, hdr := p.detect(name, head)
	if h == nil {
		p.tried = append(p.tried, describeSheet(name, head))
		return nil
	}
	layout := h.layout()
	if p.out.Layout == "" {
		p.out.Layout, p.out.Sheet = layout, name
	}
	info := h.info()
	info.headerRow = hdr
	p.out.sheets[name] = info
	start := len(p.figs.list)

	// Start the formula scan for the value columns, alongside excelize.
	var formulas chan formulaResult
	stopScan := func() {}
	if xlsx && layout != LayoutEES {
		part, ok := p.parts[name]
		if !ok {
			// excelize found the sheet, so the scan must too: fail closed
			// rather than read figures whose formulas went unseen.
			return domain.Errorf(domain.EINVALID, "The workbook's sheet “%s” could not be matched to its part in the file. Open the workbook in Excel, save it again as “Excel Workbook (*.xlsx)”, and upload it again.", name)
		}
		formulas = make(chan formulaResult, 1)
		keep := h.valueColumn
		scanCtx, cancel := context.WithCancel(p.ctx)
		defer cancel()
		stopScan = cancel
		go func() {
			m, err := formulaCells(scanCtx, p.zr, part, p.lim.MaxPartBytes, keep)
			formulas <- formulaResult{m, err}
		}()
		p.reserve(part, hdr, h)
	}
	// drain stops the scan and waits for it, so no goroutine outlives
	// Parse (and the zip it reads).
	drain := func() {
		if formulas != nil {
			stopScan()
			<-formulas
		}
	}

	handle := func(num int, cells []string) error {
		if err := h.row(num, cells); err != nil {
			return err
		}
		if headBytes+p.figs.textBytes > p.lim.MaxTextBytes {
			return p.tooMuchText(name, num)
		}
		if len(p.figs.list)+len(p.out.Official) > p.lim.MaxRows {
			return domain.Errorf(domain.ETOOLARGE, "The file holds more than %s figures, the most one upload may hold. Split it into smaller files (for example one per year).", formatNumber(float64(p.lim.MaxRows)))
		}
		return nil
	}
	for _, r := range head {
		if r.num > hdr {
			if err := handle(r.num, r.cells); err != nil {
				drain()
				return err
			}
		}
	}
	for {
		num, cells, ok, err := src.next()
		if err != nil {
			drain()
			return unreadable(err)
		}
		if !ok {
			break
		}
		p.read++
		if p.read%progressEvery == 0 {
			if err := p.ctx.Err(); err != nil {
				drain()
				return err
			}
			if p.progress != nil {
				p.progress(p.read)
			}
		}
		if len(cells) == 0 {
			continue
		}
		if _, err := p.rowSize(name, num, cells); err != nil {
			drain()
			return err
		}
		if err := handle(num, cells); err != nil {
			drain()
			return err
		}
	}
	h.done()
	if formulas != nil {
		res := <-formulas
		if res.err != nil {
			return unreadable(res.err)
		}
		p.figs.markFormulas(start, res.cells)
	}
	return nil
}

// formulaResult is what the formula scan found.
type formulaResult struct {
	cells map[cellKey]bool
	err   error
}

// markFormulas flags the figures from start on whose value cell holds a
// formula. A formula whose cell read as empty has no cached value:
// excelize returns "" for it, as it does for a formula never calculated.
func (f *figures) markFormulas(start int, cells map[cellKey]bool) {
	if len(cells) == 0 {
		return
	}
	for i := start; i < len(f.list); i++ {
		g := &f.list[i]
		if cells[keyOf(int(g.col), int(g.row))] {
			g.flags |= figFormula
			if g.flags&figValue == 0 && isBlank(f.strs[g.raw]) {
				g.flags |= figNoCache
			}
		}
	}
}

// reserve grows the figures once to the size the worksheet's <dimension>
// implies, so a national file is not copied as the slice doubles. The estimate is
// capped by what the part's size could hold (a cell takes at least 20
// bytes of XML) and by MaxRows, so a lying dimension cannot force a large
// allocation.
func (p *parser) reserve(part string, hdr int, h handler) {
	per := h.rowsPerLine()
	if per == 0 {
		return
	}
	var zf *zip.File
	for _, f := range p.zr.File {
		if partName(f.Name) == part {
			zf = f
			break
		}
	}
	if zf == nil {
		return
	}
	rc, err := zf.Open()
	if err != nil {
		return
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(rc, head)
	rc.Close()
	last, ok := dimensionRows(head[:n])
	if !ok || last <= hdr {
		return
	}
	want := min((last-hdr)*per, int(zf.UncompressedSize64/20), p.lim.MaxRows)
	if want > cap(p.figs.list)-len(p.figs.list) {
		p.figs.list = slices.Grow(p.figs.list, want)
	}
}

// dimensionRows reads the last row of a worksheet's <dimension ref>.
func dimensionRows(b []byte) (int, bool) {
	i := bytes.Index(b, []byte("<dimension"))
	if i < 0 {
		return 0, false
	}
	v, ok := attr(b[i+len("<dimension"):], "ref")
	if !ok {
		return 0, false
	}
	ref := string(v)
	if k := strings.IndexByte(ref, ':'); k >= 0 {
		ref = ref[k+1:]
	}
	_, row, ok := splitCell(ref)
	return row, ok
}

// value allocates a figure from the slab: one allocation per 4,096
// figures rather than one each.
func (p *parser) value(v float64) *float64 {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]float64, 0, 4096)
	}
	p.slab = append(p.slab, v)
	return &p.slab[len(p.slab)-1]
}

// bufRow is a row kept while the header is found.
type bufRow struct {
	num   int
	cells []string
}

// cell returns cells[i] or "" when the row is shorter.
func cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// describeSheet names a sheet and its first non-empty row for E15.
func describeSheet(name string, head []bufRow) string {
	where := "the CSV file"
	if name != "" {
		where = "sheet “" + name + "”"
	}
	if len(head) == 0 {
		return where + " (empty)"
	}
	var hs []string
	for _, c := range head[0].cells {
		if c = strings.TrimSpace(c); c != "" {
			hs = append(hs, c)
		}
		if len(hs) == 6 {
			hs = append(hs, "…")
			break
		}
	}
	return fmt.Sprintf("%s (row %d: %s)", where, head[0].num, strings.Join(hs, ", "))
}

// checkUnrecognised raises E15 for a file in which no sheet matched a
// layout, saying what each sheet looked like.
func (p *parser) checkUnrecognised() {
	if p.out.Layout != "" {
		return
	}
	text := "No sheet in this file looks like a return, so nothing was read. " +
		"The return template has a “" + ReturnSheet + "” sheet with a header row holding “" + HeaderCode + "” and “" + HeaderValue + "”. " +
		"A bulk file needs a header row with a council column (for example la_number or ons_code), and either indicator, month and value columns, or one column per indicator code. " +
		"An EES file needs time_period and geographic_level. "
	if len(p.tried) > 0 {
		text += "Found: " + strings.Join(p.tried, "; ") + ". "
	}
	text += "Download the template again, or rename the headers, and upload the file again."
	p.msgs.add(RuleUnrecognised, "", "", nil, "", text)
}

// catIndex looks up indicators and councils, caching each distinct text so
// a bulk file resolves "202" once, not 2,880 times, and keeps it once in
// the figures' text table.
type catIndex struct {
	inds    []domain.Indicator
	byKey   map[string]int
	council func(string) (int, bool)
	area    func(string) (int, bool)
	figs    *figures
	// lives holds the catalogue's councils with their lifetimes.
	lives map[int]domain.Council

	councils map[string]councilHit
	indByRaw map[string]indHit
	months   map[string]monthHit
	codes    map[string]uint32 // catalogue code → index in the text table
}

// notInterned marks a cached council whose text is not yet in the table
// (resolveArea caches without adding it).
const notInterned = ^uint32(0)

type councilHit struct {
	idx uint32
	n   int
}

type indHit struct {
	raw, code uint32
}

type monthHit struct {
	idx uint32
	m   domain.Month
}

// maxCached caps each cache, so a file of distinct texts cannot grow them
// without bound; texts beyond it are resolved each time.
const maxCached = 10000

func newCatIndex(cat Catalogue, figs *figures) *catIndex {
	x := &catIndex{inds: cat.Indicators, byKey: map[string]int{}, council: cat.Council, area: cat.OfficialArea, figs: figs, lives: cat.Councils,
		councils: map[string]councilHit{}, indByRaw: map[string]indHit{}, months: map[string]monthHit{}, codes: map[string]uint32{}}
	for i, ind := range cat.Indicators {
		x.byKey[headerKey(ind.Code)] = i
	}
	for i, ind := range cat.Indicators {
		if _, taken := x.byKey[headerKey(ind.Label)]; !taken {
			x.byKey[headerKey(ind.Label)] = i
		}
	}
	if x.council == nil {
		x.council = func(code string) (int, bool) {
			if len(code) != 3 {
				return 0, false
			}
			n, err := strconv.Atoi(code)
			return n, err == nil && n > 0
		}
	}
	return x
}

// code returns the table index of a catalogue code, adding it once.
func (x *catIndex) code(code string) uint32 {
	if i, ok := x.codes[code]; ok {
		return i
	}
	i := x.figs.str(code)
	x.codes[code] = i
	return i
}

// indicator resolves a code or label (any case) to a catalogue code; it
// returns the table indexes of the text as written and of the code (0,
// "", when it is not one).
func (x *catIndex) indicator(raw string) (rawIdx, codeIdx uint32) {
	if h, ok := x.indByRaw[raw]; ok {
		return h.raw, h.code
	}
	if i, ok := x.byKey[headerKey(raw)]; ok {
		codeIdx = x.code(x.inds[i].Code)
	}
	rawIdx = x.figs.str(raw)
	if len(x.indByRaw) < maxCached {
		x.indByRaw[raw] = indHit{rawIdx, codeIdx}
	}
	return rawIdx, codeIdx
}

// resolveArea resolves the council of an official figure, predecessors
// included; 0 when it is not one.
func (x *catIndex) resolveArea(raw string) int {
	if x.area == nil {
		return x.resolveCouncil(raw)
	}
	if code := canonicalCode(raw); code != "" {
		if v, ok := x.area(code); ok {
			return v
		}
	}
	return 0
}

// resolveCouncil resolves a council cell; 0 when it is not a council.
func (x *catIndex) resolveCouncil(raw string) int {
	if h, ok := x.councils[raw]; ok {
		return h.n
	}
	n := x.lookupCouncil(raw)
	if len(x.councils) < maxCached {
		x.councils[raw] = councilHit{notInterned, n}
	}
	return n
}

func (x *catIndex) lookupCouncil(raw string) int {
	if code := canonicalCode(raw); code != "" {
		if v, ok := x.council(code); ok {
			return v
		}
	}
	return 0
}

// councilText resolves a council cell and returns the table index of its
// text with the LA number (0 when it is not a council).
func (x *catIndex) councilText(raw string) (uint32, int) {
	h, ok := x.councils[raw]
	if ok && h.idx != notInterned {
		return h.idx, h.n
	}
	if !ok {
		h.n = x.lookupCouncil(raw)
	}
	h.idx = x.figs.str(raw)
	if ok || len(x.councils) < maxCached {
		x.councils[raw] = h
	}
	return h.idx, h.n
}

// month reads a month cell, returning the table index of its text.
func (x *catIndex) month(raw string) (uint32, domain.Month) {
	if h, ok := x.months[raw]; ok {
		return h.idx, h.m
	}
	m, _ := parseMonth(raw)
	idx := x.figs.str(raw)
	if len(x.months) < maxCached {
		x.months[raw] = monthHit{idx, m}
	}
	return idx, m
}

// rowSize measures a row as read and refuses one whose cell or whole is
// larger than the caps (SECURITY U2). Inspect has measured a workbook's
// XML before excelize read it; this holds for CSV files, and for what
// excelize gives.
func (p *parser) rowSize(sheet string, num int, cells []string) (int64, error) {
	var total int64
	for j, c := range cells {
		n := int64(len(c))
		if n > p.lim.MaxCellBytes {
			return 0, domain.Errorf(domain.ETOOLARGE, "Cell %s of %s holds more than %s, the most one cell may hold (Excel itself allows 32,767 characters), so the file has been refused. Check the cell holds the figure you mean, and upload the file again.",
				cellName(j, num), sheetLabel(sheet), sizeText(p.lim.MaxCellBytes))
		}
		total += n
	}
	if total > p.lim.MaxRowBytes {
		return 0, domain.Errorf(domain.ETOOLARGE, "Row %d of %s holds more than %s, the most one row may hold, so the file has been refused. Remove the text that does not belong in the return, and upload the file again.",
			num, sheetLabel(sheet), sizeText(p.lim.MaxRowBytes))
	}
	return total, nil
}

// tooMuchText refuses a file whose kept text (notes, entries that are not
// numbers) passed MaxTextBytes, at row num of sheet.
func (p *parser) tooMuchText(sheet string, num int) error {
	return domain.Errorf(domain.ETOOLARGE, "The file holds more than %s of text (notes, and entries that are not numbers) by row %d of %s, the most one upload may hold, so it has been refused. Shorten the notes or split the file.",
		sizeText(p.lim.MaxTextBytes), num, sheetLabel(sheet))
}
