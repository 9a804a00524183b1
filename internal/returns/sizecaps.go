package returns

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// What one cell, one row and one parse may hold (SECURITY U2). excelize
// streams a worksheet a row at a time, but reads each XML token (a text
// node, a tag with its attributes) and each cell whole, and a row's cells
// together: a 300 KB workbook whose one cell was a 300 MB inline string
// took the server to 3.6 GB before it was refused. Inspect measures these
// sizes in the XML as it streams past, before excelize reads a byte of
// it, and Parse checks what it is given again (a CSV file's fields, and
// the text it keeps).
//
// Excel itself holds at most 32,767 characters in a cell: under 200 KB
// of XML even if every character were escaped as &quot;.

// sizeError is a size cap broken in a worksheet or the shared strings.
type sizeError struct {
	what  string // "cell", "row", "entry" or "string"
	cell  string // the cell's reference, when in a cell
	row   int    // the row's number, when in a row
	item  int    // the shared string's number (1-based)
	limit int64
}

// sizeScan measures, as a worksheet's or the shared-strings table's XML
// streams past, the longest token (from one '<' to the next), cell (from
// <c> to </c>) and row, and the longest shared string (<si>), without
// parsing or holding any of it. Comments, CDATA sections and processing
// instructions are skipped whole, so a '<' inside them cannot cut a
// measure short.
type sizeScan struct {
	cellMax, rowMax int64
	mode            scanMode

	n           int64  // bytes seen so far
	carry, work []byte // an unfinished tag kept for the next write
	skip        []byte // the end of the section being skipped, or nil

	last              int64  // offset of the last '<'
	cell, row, item   int64  // where the current one began; -1 outside one
	rowNum, col, nums int    // the current row's number, cell's column (1-based), strings seen
	ref               []byte // the current cell's r attribute, if it has one

	err *sizeError
}

// scanMode is what a sizeScan measures in a part.
type scanMode int

const (
	// scanNone measures nothing: the part is not XML that excelize reads
	// (an image, say).
	scanNone scanMode = iota
	// scanEntries caps single tokens only: parts excelize parses whole.
	scanEntries
	// scanSheet caps tokens, cells and rows.
	scanSheet
	// scanStrings caps tokens and shared strings.
	scanStrings
)

// scanModeOf is how Inspect measures a part, by its name. A worksheet
// with another name (a relationship may point anywhere) is measured once
// the workbook names it (inspectZip).
func scanModeOf(n string) scanMode {
	switch {
	case n == "xl/sharedstrings.xml":
		return scanStrings
	case strings.HasPrefix(n, "xl/worksheets/") && !strings.HasSuffix(n, ".rels"):
		return scanSheet
	case elementLimit(n) > 0:
		return scanEntries
	}
	return scanNone
}

func newSizeScan(mode scanMode, lim Limits) *sizeScan {
	return &sizeScan{cellMax: lim.MaxCellBytes, rowMax: lim.MaxRowBytes, mode: mode, cell: -1, row: -1, item: -1}
}

// sizeLookahead is how much of a tag the scan reads at once: the name and
// the r attribute of <row> and <c>.
const sizeLookahead = 128

// write scans the next bytes of the part; final marks its end. It stops
// at the first cap broken (s.err).
func (s *sizeScan) write(p []byte, final bool) {
	if s.err != nil {
		return
	}
	buf := p
	if len(s.carry) > 0 {
		s.work = append(append(s.work[:0], s.carry...), p...)
		buf = s.work
	}
	s.n += int64(len(p))
	base := s.n - int64(len(buf))
	i := 0
	for i < len(buf) && s.err == nil {
		if s.skip != nil {
			j := bytes.Index(buf[i:], s.skip)
			if j < 0 {
				// Keep what could be the start of the terminator.
				i = max(i, len(buf)-(len(s.skip)-1))
				break
			}
			i += j + len(s.skip)
			s.skip = nil
			continue
		}
		j := bytes.IndexByte(buf[i:], '<')
		if j < 0 {
			i = len(buf)
			break
		}
		i += j
		if !final && len(buf)-i < sizeLookahead {
			break // read the tag when more bytes have come
		}
		s.tag(base+int64(i), buf[i+1:min(len(buf), i+1+sizeLookahead)])
		i++
	}
	s.carry = append(s.carry[:0], buf[i:]...)
	if s.err == nil {
		// What is open now may already be too long, without waiting for
		// its end: a 300 MB text is refused after a megabyte of it.
		s.check(s.n)
	}
}

// tag handles the '<' at offset o; t is what follows it.
func (s *sizeScan) tag(o int64, t []byte) {
	if s.check(o) {
		return
	}
	s.last = o
	if len(t) == 0 {
		return
	}
	switch t[0] {
	case '!':
		switch {
		case bytes.HasPrefix(t, []byte("![CDATA[")):
			s.skip = []byte("]]>")
		case bytes.HasPrefix(t, []byte("!--")):
			s.skip = []byte("-->")
		}
		return
	case '?':
		s.skip = []byte("?>")
		return
	}
	if s.mode == scanEntries {
		return
	}
	closing := t[0] == '/'
	if closing {
		t = t[1:]
	}
	n := 0
	for n < len(t) && t[n] != ' ' && t[n] != '>' && t[n] != '/' && t[n] != '\t' && t[n] != '\r' && t[n] != '\n' {
		n++
	}
	name := t[:n]
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	if s.mode == scanStrings {
		switch string(name) {
		case "si":
			s.item = -1
			if !closing {
				s.item = o
				s.nums++
			}
		case "sst":
			s.item = -1
		}
		return
	}
	switch string(name) {
	case "c":
		s.cell = -1
		if closing {
			return
		}
		s.cell = o
		s.col++
		s.ref = s.ref[:0]
		if r := refAttr(t[n:]); len(r) > 0 && len(r) <= 16 {
			s.ref = append(s.ref, r...)
			if c := refColumn(r); c > 0 {
				s.col = c
			}
		}
	case "row":
		s.cell, s.row = -1, -1
		if closing {
			return
		}
		s.row = o
		s.col = 0
		s.rowNum++
		if r := refAttr(t[n:]); len(r) > 0 {
			if v, err := strconv.Atoi(string(r)); err == nil && v > 0 {
				s.rowNum = v
			}
		}
	case "sheetData":
		s.cell, s.row = -1, -1
	}
}

// refAttr finds the value of a tag's r attribute in the text after its
// name, up to the tag's end, without parsing the others; nil when there
// is none. It is for messages and counting only, so it need not be exact
// about unusual spacing.
func refAttr(t []byte) []byte {
	for k := 1; k+3 < len(t) && t[k] != '>'; k++ {
		if t[k] != 'r' || t[k+1] != '=' || (t[k+2] != '"' && t[k+2] != '\'') {
			continue
		}
		if c := t[k-1]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			continue
		}
		v := t[k+3:]
		if end := bytes.IndexByte(v, t[k+2]); end >= 0 {
			return v[:end]
		}
		return nil
	}
	return nil
}

// refColumn reads a cell reference's column, counting from 1; 0 when it
// has none.
func refColumn(ref []byte) int {
	col := 0
	for _, c := range ref {
		switch {
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a'+1)
		default:
			return col
		}
		if col > 1<<20 {
			return 0
		}
	}
	return col
}

// check measures what is open at offset o and records the first cap it
// breaks.
func (s *sizeScan) check(o int64) bool {
	switch {
	case s.item >= 0 && o-s.item > s.cellMax:
		s.err = &sizeError{what: "string", item: s.nums, limit: s.cellMax}
	case s.cell >= 0 && o-s.cell > s.cellMax:
		s.err = &sizeError{what: "cell", cell: s.cellRef(), row: s.rowNum, limit: s.cellMax}
	case s.row >= 0 && o-s.row > s.rowMax:
		s.err = &sizeError{what: "row", row: s.rowNum, limit: s.rowMax}
	case o-s.last > s.cellMax:
		s.err = &sizeError{what: "entry", row: s.rowNum, limit: s.cellMax}
		if s.row >= 0 && s.cell >= 0 {
			s.err.cell = s.cellRef()
		}
	}
	return s.err != nil
}

// cellRef names the current cell: its r attribute, or where it falls.
func (s *sizeScan) cellRef() string {
	if len(s.ref) > 0 {
		return string(s.ref)
	}
	return cellName(max(s.col-1, 0), max(s.rowNum, 1))
}

// message writes the refusal for a file (label) whose sheet (its name, or
// the part's) broke a cap.
func (e *sizeError) message(label, sheet string) error {
	const advice = "so the file has been refused (a file like this is a known way to exhaust the server's memory). Check it holds the figures you mean, or copy the data into a new workbook, save it and upload that."
	limit := sizeText(e.limit)
	switch e.what {
	case "cell":
		return domain.Errorf(domain.ETOOLARGE, "%s: cell %s of sheet “%s” holds more than %s, the most one cell may hold (Excel itself allows 32,767 characters), %s", label, e.cell, sheet, limit, advice)
	case "row":
		return domain.Errorf(domain.ETOOLARGE, "%s: row %d of sheet “%s” holds more than %s, the most one row may hold, %s", label, e.row, sheet, limit, advice)
	case "string":
		return domain.Errorf(domain.ETOOLARGE, "%s: text value %d of the workbook's shared strings holds more than %s, the most one cell may hold (Excel itself allows 32,767 characters), %s", label, e.item, limit, advice)
	}
	where := "sheet “" + sheet + "”"
	switch {
	case e.cell != "":
		where = fmt.Sprintf("cell %s of sheet “%s”", e.cell, sheet)
	case e.row > 0:
		where = fmt.Sprintf("sheet “%s” (after row %d)", sheet, e.row)
	}
	return domain.Errorf(domain.ETOOLARGE, "%s: %s holds an entry of more than %s, far more than any cell may hold, %s", label, where, limit, advice)
}

// sheetNameOf names the sheet kept in part n for a message: its name in
// the workbook, once the workbook's parts have passed the pre-scan, or
// else the part's own name.
func sheetNameOf(zr *zip.Reader, n string, clean map[string]bool) string {
	if clean["xl/workbook.xml"] && clean["xl/_rels/workbook.xml.rels"] {
		for name, part := range sheetParts(zr) {
			if part == n {
				return name
			}
		}
	}
	for _, f := range zr.File {
		if partName(f.Name) == n {
			return f.Name
		}
	}
	return n
}

// sizeOtherSheets measures the worksheets that the workbook keeps in parts
// not named like worksheets, which the pre-scan's loop did not measure
// (sized): excelize reads whatever part a sheet's relationship names.
func sizeOtherSheets(zr *zip.Reader, label string, lim Limits, sized map[string]bool) error {
	parts := sheetParts(zr)
	if len(parts) == 0 {
		return nil
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[partName(f.Name)] = f
	}
	buf := make([]byte, 32<<10)
	for name, part := range parts {
		zf := files[part]
		if zf == nil || sized[part] {
			continue
		}
		sized[part] = true
		rc, err := zf.Open()
		if err != nil {
			return err
		}
		sz := newSizeScan(scanSheet, lim)
		r := io.LimitReader(rc, partLimit(part, lim)+1)
		for sz.err == nil {
			k, err := r.Read(buf)
			sz.write(buf[:k], false)
			if err != nil {
				break
			}
		}
		rc.Close()
		sz.write(nil, true)
		if sz.err != nil {
			return sz.err.message(label, name)
		}
	}
	return nil
}
