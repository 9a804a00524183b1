package reference

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// table reads a CSV file by header name. Published files move columns
// around between releases (EES swaps la_name and new_la_code), carry a
// byte-order mark or stray spaces, so nothing here depends on position.
type table struct {
	name string // how errors name the file, e.g. "official/referrals.csv"
	r    *csv.Reader
	col  map[string]int
	rec  []string
	line int
}

// newTable reads the header row and checks that every required column is
// present. Strict tables (our own files) must have the same number of
// fields on every row; loose ones (published files) may have short rows,
// whose missing cells read as empty.
func newTable(name string, rd io.Reader, strict bool, required ...string) (*table, error) {
	r := csv.NewReader(rd)
	if !strict {
		r.FieldsPerRecord = -1
	}
	t := &table{name: name, r: r, col: map[string]int{}}
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: the file is empty, expected a header row", name)
	} else if err != nil {
		return nil, t.wrap(err)
	}
	for i, h := range header {
		h = headerName(h)
		if h == "" {
			continue
		}
		if _, dup := t.col[h]; dup {
			return nil, fmt.Errorf("%s line 1: column %q appears twice", name, h)
		}
		t.col[h] = i
	}
	var missing []string
	for _, c := range required {
		if !t.has(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s line 1: missing column(s) %s", name, strings.Join(missing, ", "))
	}
	return t, nil
}

// headerName normalises a header cell: no byte-order mark, no surrounding
// space, lower case.
func headerName(s string) string {
	s = strings.ReplaceAll(s, "\ufeff", "")
	return strings.ToLower(strings.TrimSpace(s))
}

// has reports whether the file has the column.
func (t *table) has(col string) bool {
	_, ok := t.col[headerName(col)]
	return ok
}

// next reads the next row; it returns false at the end of the file.
func (t *table) next() (bool, error) {
	rec, err := t.r.Read()
	if errors.Is(err, io.EOF) {
		return false, nil
	} else if err != nil {
		return false, t.wrap(err)
	}
	t.rec = rec
	t.line, _ = t.r.FieldPos(0)
	return true, nil
}

// get returns the trimmed cell of the current row in the named column, or
// "" when the column or cell is absent. Trimming matters: DfE's closeness
// labels end in a space ("Close ").
func (t *table) get(col string) string {
	i, ok := t.col[headerName(col)]
	if !ok || i >= len(t.rec) {
		return ""
	}
	return strings.TrimSpace(strings.ReplaceAll(t.rec[i], "\ufeff", ""))
}

// errorf returns an error naming the file and the current row's line.
func (t *table) errorf(format string, args ...any) error {
	return fmt.Errorf("%s line %d: %s", t.name, t.line, fmt.Sprintf(format, args...))
}

// where names the current row for messages that list several rows.
func (t *table) where() string { return fmt.Sprintf("%s line %d", t.name, t.line) }

// wrap gives a csv parse error the file name and line.
func (t *table) wrap(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s line %d: %v", t.name, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %w", t.name, err)
}

// encodeCSV writes a header and rows as UTF-8 CSV without a byte-order
// mark, with \n line endings, so output is byte-for-byte stable across
// platforms.
func encodeCSV(header []string, rows [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(header); err != nil {
		return nil, err
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
