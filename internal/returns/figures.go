package returns

import (
	"strconv"
	"strings"
	"time"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// The compact form of parsed rows.
//
// A national bulk file holds 440,640 figures. As Rows (168 bytes each,
// plus a cell name and a value apiece) they took some 90 MB, which with
// the garbage collector's headroom alone broke PERFORMANCE P1's 150 MB.
// So the parser keeps each figure as a fig of 56 bytes: numbers where a
// Row has strings, and the texts (council, indicator and month as
// written, a value that is not a number, a note) as indexes into one
// table in which each distinct council, indicator and month text appears
// once. Cell names are written only when a message needs one. Parse turns
// figs into Rows for its callers; Validate reads figs, either the
// parser's own (ParseWith with Compact) or ones built from Rows.

// fig is one figure as the parser keeps it.
type fig struct {
	value float64
	// council is the resolved LA number (0 when it did not resolve).
	council int32
	// month is monthKey of the month (0 when it could not be read).
	month int32
	// row (1-based) and col (0-based) are where the value is.
	row int32
	col int32
	// Indexes into figures.strs.
	councilRaw, monthRaw, indicator, indicatorRaw, raw, note uint32
	sheet                                                    uint16
	flags                                                    uint8
}

// fig flags.
const (
	figValue   = 1 << iota // value holds a number
	figFormula             // the cell holds a formula
	figNoCache             // ... with no saved result
)

// monthKey packs a month into an int32: 0 for the zero month.
func monthKey(m domain.Month) int32 {
	if m.IsZero() {
		return 0
	}
	return int32(m.Year*12 + int(m.Month))
}

// keyMonth is monthKey's inverse.
func keyMonth(k int32) domain.Month {
	if k == 0 {
		return domain.Month{}
	}
	return domain.Month{Year: int(k-1) / 12, Month: time.Month(int(k-1)%12 + 1)}
}

// figures is a file's figures in compact form.
type figures struct {
	list []fig
	// strs is the text table; strs[0] is "".
	strs   []string
	sheets []string
	// cells and months hold, by position in list, cell names that are not
	// plain references and months that do not pack into a key (Rows built
	// by hand).
	cells  map[int]string
	months map[int]domain.Month
	// keepRaw keeps every value's text, for Rows; without it, the text of
	// a value read as a number (or blank) is not kept, since nothing but
	// Rows shows it.
	keepRaw bool
	// monthText caches Month.String by month key, for observations.
	monthText map[int32]string
	// textBytes is the size of the texts in strs (Limits.MaxTextBytes).
	textBytes int64
}

func newFigures(keepRaw bool) *figures {
	return &figures{strs: []string{""}, keepRaw: keepRaw, monthText: map[int32]string{}}
}

// str adds a text to the table (not interned: callers intern what
// repeats) and returns its index.
func (f *figures) str(s string) uint32 {
	if s == "" {
		return 0
	}
	f.strs = append(f.strs, s)
	f.textBytes += int64(len(s))
	return uint32(len(f.strs) - 1)
}

// sheetIndex returns the index of a sheet name, adding it if need be.
func (f *figures) sheetIndex(name string) uint16 {
	for i, s := range f.sheets {
		if s == name {
			return uint16(i)
		}
	}
	f.sheets = append(f.sheets, name)
	return uint16(len(f.sheets) - 1)
}

// rawIndex stores a value's text when it is needed: always for Rows,
// otherwise only when the text did not read as a number and is not blank
// (a message quotes it).
func (f *figures) rawIndex(raw string, number bool) uint32 {
	if f.keepRaw || !number && !isBlank(raw) {
		return f.str(raw)
	}
	return 0
}

// isBlank reports whether strings.TrimSpace(s) is empty.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
		case c < 0x80:
			return false
		default:
			return strings.TrimSpace(s[i:]) == ""
		}
	}
	return true
}

func (f *figures) sheet(i int) string { return f.sheets[f.list[i].sheet] }

// cell names the value's cell of figure i.
func (f *figures) cell(i int) string {
	if f.cells != nil {
		if c, ok := f.cells[i]; ok {
			return c
		}
	}
	return cellName(int(f.list[i].col), int(f.list[i].row))
}

func (f *figures) hasValue(i int) bool { return f.list[i].flags&figValue != 0 }

// usable reports whether figure i is one to store: a number for a known
// council, indicator and month (what validation then judges).
func (f *figures) usable(i int) bool {
	g := &f.list[i]
	return g.flags&figValue != 0 && g.council != 0 && g.indicator != 0 && g.month != 0
}

// observation is figure i as it would be stored.
func (f *figures) observation(i int) domain.Observation {
	g := &f.list[i]
	month := ""
	if m, ok := f.months[i]; ok {
		month = m.String()
	} else {
		month = f.monthString(g.month)
	}
	return domain.Observation{Council: int(g.council), Indicator: f.strs[g.indicator], Month: month,
		Value: g.value, Note: f.strs[g.note]}
}

// month is figure i's month.
func (f *figures) month(i int) domain.Month {
	if f.months != nil {
		if m, ok := f.months[i]; ok {
			return m
		}
	}
	return keyMonth(f.list[i].month)
}

// monthString writes a month key as Month.String does ("2021-01"), once
// per month rather than once per figure.
func (f *figures) monthString(k int32) string {
	if s, ok := f.monthText[k]; ok {
		return s
	}
	m := keyMonth(k)
	s := m.String()
	if m.Year >= 1000 && m.Year <= 9999 {
		b := strconv.AppendInt(make([]byte, 0, 7), int64(m.Year), 10)
		s = string(append(b, '-', byte('0'+m.Month/10), byte('0'+m.Month%10)))
	}
	f.monthText[k] = s
	return s
}

// row turns figure i into a Row; value supplies the Value pointer.
func (f *figures) row(i int, value func(float64) *float64) Row {
	g := &f.list[i]
	r := Row{Sheet: f.sheet(i), Cell: f.cell(i), Council: int(g.council), CouncilRaw: f.strs[g.councilRaw],
		Indicator: f.strs[g.indicator], IndicatorRaw: f.strs[g.indicatorRaw], Month: f.month(i), MonthRaw: f.strs[g.monthRaw],
		Raw: f.strs[g.raw], Note: f.strs[g.note], Formula: g.flags&figFormula != 0, NoCachedValue: g.flags&figNoCache != 0}
	if g.flags&figValue != 0 {
		r.Value = value(g.value)
	}
	return r
}

// figuresOf builds the compact form of Rows, so Validate judges Rows
// however they were made.
func figuresOf(rows []Row) *figures {
	f := newFigures(true)
	f.list = make([]fig, len(rows))
	seen := map[string]uint32{"": 0}
	intern := func(s string) uint32 {
		if i, ok := seen[s]; ok {
			return i
		}
		i := f.str(s)
		seen[s] = i
		return i
	}
	for i := range rows {
		r := &rows[i]
		g := fig{council: int32(r.Council), month: monthKey(r.Month), councilRaw: intern(r.CouncilRaw), monthRaw: intern(r.MonthRaw),
			indicator: intern(r.Indicator), indicatorRaw: intern(r.IndicatorRaw), raw: f.str(r.Raw), note: intern(r.Note),
			sheet: f.sheetIndex(r.Sheet)}
		if r.Value != nil {
			g.value, g.flags = *r.Value, figValue
		}
		if r.Formula {
			g.flags |= figFormula
		}
		if r.NoCachedValue {
			g.flags |= figNoCache
		}
		if keyMonth(g.month) != r.Month {
			if f.months == nil {
				f.months = map[int]domain.Month{}
			}
			f.months[i] = r.Month
			g.month = 0
			if !r.Month.IsZero() {
				g.month = 1 // set, so the figure counts as having a month
			}
		}
		col, row, ok := splitCell(r.Cell)
		if ok && int64(col) == int64(int32(col)) && int64(row) == int64(int32(row)) && cellName(col, row) == r.Cell {
			g.col, g.row = int32(col), int32(row)
		} else {
			if f.cells == nil {
				f.cells = map[int]string{}
			}
			f.cells[i] = r.Cell
		}
		f.list[i] = g
	}
	return f
}
