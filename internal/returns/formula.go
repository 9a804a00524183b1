package returns

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
)

// Formula detection (SECURITY U8).
//
// excelize's Rows().Columns() returns a formula cell's cached value and
// says nothing of the formula; GetCellFormula answers per cell but loads
// the whole worksheet into memory, far too slow and large for a bulk file.
// So Parse scans the worksheet's XML itself, once, for cells holding an
// <f> element, in a goroutine alongside excelize's own pass (the two use
// separate cores), keeping only cells in the columns that hold figures.
// The scan is a byte-level tag walk, not an XML parse: it finds '<',
// reads the tag name and the r attribute, and tracks row and column the
// way excelize does when r is missing, so the two agree on every cell.
// Formula cells are rare, so the set is almost always empty and marking
// rows costs nothing.

// cellKey packs a 0-based column and 1-based row.
type cellKey uint64

func keyOf(col, row int) cellKey { return cellKey(uint64(row)<<16 | uint64(col)) }

// sheetParts maps each sheet name (as the workbook lists it) to its
// worksheet part in the zip, as excelize resolves it: the workbook's
// relationship target, relative to xl/ unless absolute.
func sheetParts(zr *zip.Reader) map[string]string {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[partName(f.Name)] = f
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
			RID2 string `xml:"id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if readXMLPart(files["xl/workbook.xml"], &wb) != nil || readXMLPart(files["xl/_rels/workbook.xml.rels"], &rels) != nil {
		return nil
	}
	out := map[string]string{}
	for _, s := range wb.Sheets {
		id := s.RID
		if id == "" {
			id = s.RID2
		}
		for _, r := range rels.Rels {
			if r.ID != id {
				continue
			}
			t := strings.ReplaceAll(r.Target, "\\", "/")
			if strings.HasPrefix(t, "/") {
				t = path.Clean(t)[1:]
			} else {
				t = path.Clean("xl/" + t)
			}
			out[s.Name] = partName(t)
		}
	}
	return out
}

// readXMLPart decodes a small part (the workbook and its relationships,
// capped by Inspect).
func readXMLPart(f *zip.File, v any) error {
	if f == nil {
		return errors.New("missing part")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, wholePartBytes)).Decode(v)
}

// formulaCells returns the cells of a worksheet part that hold a formula,
// keeping those whose column keep accepts.
func formulaCells(ctx context.Context, zr *zip.Reader, part string, maxBytes int64, keep func(col int) bool) (map[cellKey]bool, error) {
	var zf *zip.File
	for _, f := range zr.File {
		if partName(f.Name) == part {
			zf = f
			break
		}
	}
	if zf == nil {
		return nil, errors.New("worksheet part not found")
	}
	// Most sheets hold no formula at all, and a byte search says so at a
	// fraction of the cost of walking every tag.
	if has, err := mayHoldFormula(ctx, zf, maxBytes); err != nil || !has {
		return nil, err
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	s := formulaScanner{keep: keep, ctx: ctx}
	return s.scan(io.LimitReader(rc, maxBytes))
}

// mayHoldFormula reports whether a part might hold an <f> element
// (prefixed or not). It errs towards yes: the tag walk then decides.
func mayHoldFormula(ctx context.Context, zf *zip.File, maxBytes int64) (bool, error) {
	rc, err := zf.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	r := io.LimitReader(rc, maxBytes)
	buf := make([]byte, 256<<10)
	carry := 0
	for {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		n, err := io.ReadFull(r, buf[carry:])
		data := buf[:carry+n]
		if formulaTag(data) {
			return true, nil
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, nil
		} else if err != nil {
			return false, err
		}
		// Keep the last bytes: a tag may straddle two reads.
		k := min(2, len(data))
		copy(buf, data[len(data)-k:])
		carry = k
	}
}

// formulaTag reports whether b holds "<f" or ":f" followed by the end of
// a tag name, or cut off at the end of b.
func formulaTag(b []byte) bool {
	for _, pat := range [][]byte{[]byte("<f"), []byte(":f")} {
		for i := 0; ; {
			j := bytes.Index(b[i:], pat)
			if j < 0 {
				break
			}
			k := i + j + len(pat)
			if k >= len(b) {
				return true
			}
			switch b[k] {
			case '>', '/', ' ', '\t', '\r', '\n':
				return true
			}
			i = k
		}
	}
	return false
}

// maxTagBytes is the longest tag (or comment, or CDATA section) the tag
// walk accepts; a cell's text is at most 32,767 characters.
const maxTagBytes = 1 << 20

// formulaScanner walks worksheet XML tags.
type formulaScanner struct {
	ctx      context.Context // nil: never stops early
	keep     func(col int) bool
	row, col int
	inCell   bool
	found    map[cellKey]bool
}

func (s *formulaScanner) scan(r io.Reader) (map[cellKey]bool, error) {
	buf := make([]byte, 0, 256<<10)
	chunk := make([]byte, 128<<10)
	eof := false
	for !eof || len(buf) > 0 {
		if s.ctx != nil && s.ctx.Err() != nil {
			return nil, s.ctx.Err()
		}
		if !eof {
			n, err := io.ReadFull(r, chunk)
			buf = append(buf, chunk[:n]...)
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
					return nil, err
				}
				eof = true
			}
		}
		used := s.tags(buf)
		if eof && used < len(buf) {
			break // an unfinished tag at the end: nothing more to find
		}
		buf = append(buf[:0], buf[used:]...)
		if len(buf) > maxTagBytes && !eof {
			// Fail closed: formulas after a tag this long would go
			// unseen.
			return nil, errors.New("a tag in the worksheet is longer than 1 MiB")
		}
	}
	return s.found, nil
}

// tags handles every complete tag in b and returns how many bytes it
// consumed.
func (s *formulaScanner) tags(b []byte) int {
	i := 0
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return len(b)
		}
		start := i + j
		t := b[start+1:]
		// Comments, CDATA and processing instructions may hold '>' and
		// anything else; skip to their proper ends.
		var end int
		switch {
		case bytes.HasPrefix(t, []byte("!--")):
			end = bytes.Index(t, []byte("-->"))
			if end >= 0 {
				end += 2
			}
		case bytes.HasPrefix(t, []byte("![CDATA[")):
			end = bytes.Index(t, []byte("]]>"))
			if end >= 0 {
				end += 2
			}
		default:
			end = tagEnd(t)
		}
		if end < 0 {
			return start // the tag continues in the next chunk
		}
		s.tag(t[:end])
		i = start + 1 + end + 1
	}
}

// tagEnd finds the '>' closing a tag, skipping quoted attribute values.
func tagEnd(t []byte) int {
	var q byte
	for k, c := range t {
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '>':
			return k
		}
	}
	return -1
}

// tag handles one tag's text (between '<' and '>').
func (s *formulaScanner) tag(t []byte) {
	if len(t) == 0 || t[0] == '?' || t[0] == '!' {
		return
	}
	closing := t[0] == '/'
	if closing {
		t = t[1:]
	}
	n := 0
	for n < len(t) && t[n] != ' ' && t[n] != '/' && t[n] != '\t' && t[n] != '\r' && t[n] != '\n' {
		n++
	}
	name := t[:n]
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	selfClosing := len(t) > 0 && t[len(t)-1] == '/'
	switch string(name) {
	case "row":
		if closing {
			return
		}
		if r, ok := attr(t[n:], "r"); ok {
			if v, err := strconv.Atoi(string(r)); err == nil {
				s.row = v
			} else {
				s.row++
			}
		} else {
			s.row++
		}
		s.col = 0
	case "c":
		if closing {
			s.inCell = false
			return
		}
		// Columns count from 1 here as in excelize; cellKey takes 0-based.
		s.col++
		if r, ok := attr(t[n:], "r"); ok {
			if c, row, ok := splitCell(string(r)); ok {
				s.col = c + 1
				_ = row // excelize keeps the row from <row>, not the cell
			}
		}
		s.inCell = !selfClosing
	case "f":
		if !closing && s.inCell && s.col > 0 && (s.keep == nil || s.keep(s.col-1)) {
			if s.found == nil {
				s.found = map[cellKey]bool{}
			}
			s.found[keyOf(s.col-1, s.row)] = true
		}
	}
}

// attr finds an attribute's value in a tag's attribute text.
func attr(t []byte, name string) ([]byte, bool) {
	for len(t) > 0 {
		t = bytes.TrimLeft(t, " \t\r\n")
		eq := bytes.IndexByte(t, '=')
		if eq < 0 {
			return nil, false
		}
		key := bytes.TrimSpace(t[:eq])
		if k := bytes.IndexByte(key, ':'); k >= 0 {
			key = key[k+1:]
		}
		rest := bytes.TrimLeft(t[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return nil, false
		}
		q := rest[0]
		end := bytes.IndexByte(rest[1:], q)
		if end < 0 {
			return nil, false
		}
		if string(key) == name {
			return rest[1 : 1+end], true
		}
		t = rest[end+2:]
	}
	return nil, false
}
