package returns

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// headerKey normalises a header or label cell so that "LA_Number",
// " la number " and "\ufeffla-number" compare equal: no byte-order mark,
// lower case, underscores and hyphens as spaces, runs of space as one.
func headerKey(s string) string {
	if isPlainKey(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\ufeff", "")
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '\t', '\r', '\n', '\u00a0':
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// isPlainKey reports whether s is already normalised (lower-case ASCII
// letters and digits with single inner spaces), the common case, so
// headerKey need not allocate.
func isPlainKey(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == ' ' && s[i-1] != ' ':
		default:
			return false
		}
	}
	return true
}

// Header names each layout recognises, normalised by headerKey.
var (
	// councilNumberHeaders hold a DfE LA number (or an ONS code: both are
	// resolved); councilCodeHeaders an ONS code; councilNameHeaders are a
	// last resort, since they often hold a name.
	councilNumberHeaders = []string{"la number", "dfe number", "dfe la number", "old la code", "la code"}
	councilCodeHeaders   = []string{"new la code", "ons code", "area code"}
	councilNameHeaders   = []string{"council", "local authority"}
	monthHeaders         = []string{"month", "period", "reporting month", "date", "as at", "period end", "month ending"}
	indicatorHeaders     = []string{"indicator", "indicator code", "code", "measure"}
	valueHeaders         = []string{"value", "count", "figure"}
	noteHeaders          = []string{"note", "notes", "comment", "comments"}
	eesHeaders           = []string{"time period", "geographic level"}
)

// columnOf returns the first column whose header is one of names, or -1.
func columnOf(headers []string, names []string) int {
	for _, n := range names {
		for i, h := range headers {
			if h == n {
				return i
			}
		}
	}
	return -1
}

// Excel serial dates (1900 date system) for 1 Jan 2000 and 31 Dec 2099:
// with raw cell values a date cell arrives as its serial number, and a
// number in this range in a month column can only be a date.
const (
	serialMin = 36526
	serialMax = 73051
)

// excelEpoch is day 0 of Excel's 1900 date system (it counts the
// non-existent 29 Feb 1900, so day 0 is 30 Dec 1899 for every date after
// it).
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)

// parseMonth reads a month written any way a council might: an Excel date
// serial (a date cell), "2021-01", "2021-01-31" (with or without a time),
// "Jan 2021", "January 2021", "Jan-21", "01/2021" or "31/01/2021" (UK
// order). It reports false for anything else.
func parseMonth(s string) (domain.Month, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return domain.Month{}, false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f >= serialMin && f < serialMax+1 {
			d := excelEpoch.AddDate(0, 0, int(f))
			return domain.MonthOf(d), true
		}
		return domain.Month{}, false
	}
	// Drop a time of day: "2021-01-31T00:00:00", "31/01/2021 00:00".
	if i := strings.IndexAny(s, "T "); i >= 8 && strings.Count(s[i:], ":") >= 1 {
		s = strings.TrimSpace(s[:i])
	}
	if y, m, ok := numericMonth(s); ok {
		return domain.Month{Year: y, Month: time.Month(m)}, true
	}
	// "Jan 2021", "January 2021", "Jan-21", "Sept. 2021".
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == '-' || r == '/' || r == '.' || r == ',' })
	if len(f) == 2 {
		if mon, ok := domain.MonthNamed(f[0]); ok {
			if y, ok := year(f[1]); ok {
				return domain.Month{Year: y, Month: mon}, true
			}
		}
		if mon, ok := domain.MonthNamed(f[1]); ok { // "2021 Jan"
			if y, ok := year(f[0]); ok && len(f[0]) == 4 {
				return domain.Month{Year: y, Month: mon}, true
			}
		}
	}
	// "31 March 2021", "1 Nov 2025": a day, a month's name and a year,
	// read by the one date parser every form and query shares.
	if len(f) == 3 && len(f[0]) <= 2 {
		if t, err := domain.ParseDate(s); err == nil {
			return domain.MonthOf(t), true
		}
	}
	return domain.Month{}, false
}

// numericMonth reads all-digit forms: YYYY-MM, YYYY-MM-DD, YYYY/MM,
// MM/YYYY, DD/MM/YYYY.
func numericMonth(s string) (y, m int, ok bool) {
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, false
	}
	n := make([]int, len(parts))
	for i, p := range parts {
		if len(p) == 0 || len(p) > 4 {
			return 0, 0, false
		}
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return 0, 0, false
		}
		n[i] = v
	}
	switch {
	case len(parts[0]) == 4 && len(parts[1]) <= 2: // 2021-01, 2021-01-31
		y, m = n[0], n[1]
		if len(n) == 3 && (n[2] < 1 || n[2] > 31 || len(parts[2]) > 2) {
			return 0, 0, false
		}
	case len(n) == 2 && len(parts[1]) == 4 && len(parts[0]) <= 2: // 01/2021
		y, m = n[1], n[0]
	case len(n) == 3 && len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2: // 31/01/2021
		if n[0] < 1 || n[0] > 31 {
			return 0, 0, false
		}
		y, m = n[2], n[1]
	default:
		return 0, 0, false
	}
	if m < 1 || m > 12 || y < 1900 || y > 9999 {
		return 0, 0, false
	}
	return y, m, true
}

// year reads a four-digit year, or a two-digit one as 20yy (Excel writes
// "Jan-21" for a date formatted mmm-yy).
func year(s string) (int, bool) {
	v, err := strconv.Atoi(s)
	switch {
	case err != nil:
		return 0, false
	case len(s) == 4 && v >= 1900:
		return v, true
	case len(s) == 2:
		return 2000 + v, true
	}
	return 0, false
}

// parseNumber reads a figure: a plain number as Excel stores it, or text
// typed with thousands separators ("1,250"), a percent sign ("25%") or
// surrounding spaces. NaN and infinities are not numbers.
func parseNumber(s string) (float64, bool) {
	if plainDecimal(s) {
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v, !math.IsInf(v, 0)
		}
	}
	t := strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	if strings.Contains(t, ",") {
		if !thousands(t) {
			return 0, false
		}
		t = strings.ReplaceAll(t, ",", "")
	}
	if !plainDecimal(t) {
		return 0, false
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// plainDecimal reports whether s holds only what a decimal number is
// written with. ParseFloat also takes hex, underscores, "Inf" and "NaN":
// a council's figure is none of those.
func plainDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}

// thousands reports whether s groups its whole part in threes with
// commas, as in "1,250" or "-12,345.5", so "1,2" is not read as 12.
func thousands(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	groups := strings.Split(s, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

// colName writes a 0-based column index as letters: 0 → A, 26 → AA.
func colName(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	var b [4]byte
	n := len(b)
	for i++; i > 0 && n > 0; i = (i - 1) / 26 {
		n--
		b[n] = byte('A' + (i-1)%26)
	}
	return string(b[n:])
}

// cellName writes a cell reference from a 0-based column and 1-based row.
func cellName(col, row int) string {
	return colName(col) + strconv.Itoa(row)
}

// splitCell reads a cell reference into a 0-based column and 1-based row.
func splitCell(ref string) (col, row int, ok bool) {
	i := 0
	for i < len(ref) && (ref[i] >= 'A' && ref[i] <= 'Z' || ref[i] >= 'a' && ref[i] <= 'z') {
		c := int(ref[i]|0x20) - 'a' + 1
		col = col*26 + c
		i++
		if col > 1<<20 {
			return 0, 0, false
		}
	}
	if i == 0 || i == len(ref) {
		return 0, 0, false
	}
	row, err := strconv.Atoi(ref[i:])
	if err != nil || row < 1 {
		return 0, 0, false
	}
	return col - 1, row, true
}

// formatNumber writes a figure for people: 1250 → "1,250", 12.5 → "12.5".
func formatNumber(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if math.Abs(v) >= 1e15 {
		return strconv.FormatFloat(v, 'g', 6, 64)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		whole, frac = s[:i], s[i:]
		if len(frac) > 7 {
			frac = strings.TrimRight(frac[:7], "0")
		}
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteString(frac)
	return b.String()
}

// quote shows a cell's text in a message, shortened and without control
// characters.
func quote(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:37]) + "…"
	}
	return "“" + s + "”"
}

// canonicalCode turns a council cell read raw into the text the catalogue
// resolves: a number stored as 202 or 202.0 is "202"; an ONS code is
// upper-cased.
func canonicalCode(s string) string {
	s = strings.TrimSpace(s)
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && f >= 0 && f < 1e6 {
		return strconv.Itoa(int(f))
	}
	return strings.ToUpper(s)
}
