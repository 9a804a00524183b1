package returns

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// Limits bound what reading one uploaded file may cost (SECURITY U2, U3).
// A zero field takes its default, so Limits{} is safe to pass.
type Limits struct {
	// MaxFileBytes caps the file as uploaded. Default 25 MiB.
	MaxFileBytes int64
	// MaxEntries caps the number of entries in an xlsx (zip) file. Default
	// 500: a workbook has a few dozen.
	MaxEntries int
	// MaxUnzippedBytes caps the total uncompressed size of every entry.
	// Default 512 MiB, so the national bulk file (440,640 long-format rows:
	// a 9 MB upload holding about 80 MB of sheet XML) fits with room to
	// spare.
	MaxUnzippedBytes int64
	// MaxPartBytes caps one worksheet or the shared-strings table
	// uncompressed. Default 400 MiB. The parts excelize holds in memory
	// whole are capped at 64 MiB together.
	MaxPartBytes int64
	// MaxRows caps the figures (rows of Parsed.Rows and Parsed.Official)
	// one file may hold, so a compressed sheet of millions of repeated rows
	// cannot exhaust memory. Default 1,000,000: twice the national scale.
	MaxRows int
	// MaxCellBytes caps one cell: its XML (Inspect), or its text as read
	// (Parse), and any single XML token or shared string. Default 1 MiB;
	// Excel holds at most 32,767 characters in a cell.
	MaxCellBytes int64
	// MaxRowBytes caps one row of a sheet the same way. Default 8 MiB.
	MaxRowBytes int64
	// MaxTextBytes caps the text Parse keeps from a file (notes, values
	// that are not numbers, the rows it reads to find a header). Default
	// 64 MiB: a note of 150 characters on each of 440,640 rows.
	MaxTextBytes int64
}

// Defaults for Limits.
const (
	defaultMaxEntries       = 500
	defaultMaxUnzippedBytes = 512 << 20
	defaultMaxPartBytes     = 400 << 20
	defaultMaxRows          = 1_000_000
	defaultMaxCellBytes     = 1 << 20
	defaultMaxRowBytes      = 8 << 20
	defaultMaxTextBytes     = 64 << 20

	// wholePartBytes caps the total of the parts excelize reads into
	// memory whole: every part but a worksheet or shared-strings table
	// larger than spillBytes (styles, workbook, relationships, drawings,
	// small sheets). A return's are a few hundred kilobytes; a workbook of
	// a dozen 4 MB sheets still fits.
	wholePartBytes = 64 << 20
	// maxParsedElements caps the XML elements of the parts excelize parses
	// into Go values when it opens a workbook (styles, theme, workbook,
	// relationships, content types), at about 200 bytes of memory each:
	// a 145 KB file whose styles.xml held 3.3 million <xf/> elements made
	// excelize allocate 600 MB. Excel itself allows 64,000 cell formats,
	// so even a badly bloated styles.xml has fewer. The calculation chain,
	// one small element per formula cell, has its own, larger cap.
	maxParsedElements    = 300_000
	maxCalcChainElements = 2_000_000
	// spillBytes is excelize's UnzipXMLSizeLimit: worksheets and the
	// shared-strings table larger than this are unzipped to a temporary
	// file and streamed instead of held in memory. It is a memory
	// threshold, not a cap (excelize rejects nothing above it); the caps
	// are MaxPartBytes and MaxUnzippedBytes, enforced by Inspect.
	spillBytes = 4 << 20
	// maxSharedStrings caps the shared-strings table's items. excelize
	// keeps a Go value per item (about 200 bytes in memory, or an offset
	// pair when spilled), so a small file with millions of tiny strings is
	// a memory bomb even under the byte caps. A return has a few hundred;
	// a bulk file with a free-text note on every row has under a million.
	maxSharedStrings = 1_000_000
	// maxContentTypesBytes caps [Content_Types].xml, which Inspect reads
	// whole to look for the macro-enabled content type. Real ones are a
	// few kilobytes.
	maxContentTypesBytes = 1 << 20
)

// DefaultLimits returns the limits used when none are configured.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:     defaultMaxFileBytes,
		MaxEntries:       defaultMaxEntries,
		MaxUnzippedBytes: defaultMaxUnzippedBytes,
		MaxPartBytes:     defaultMaxPartBytes,
		MaxRows:          defaultMaxRows,
		MaxCellBytes:     defaultMaxCellBytes,
		MaxRowBytes:      defaultMaxRowBytes,
		MaxTextBytes:     defaultMaxTextBytes,
	}
}

// ExcelizeOptions are the options Parse opens a workbook with under these
// limits: raw cell values (numbers and dates are parsed here, not
// formatted by excelize), the total unzipped size capped, and worksheets
// or shared strings larger than spillBytes streamed from a temporary file
// rather than held in memory. A benchmark's bare excelize loop uses them
// too, so it pays the same costs.
func (l Limits) ExcelizeOptions() excelize.Options {
	l = l.withDefaults()
	return excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    l.MaxUnzippedBytes,
		UnzipXMLSizeLimit: min(spillBytes, l.MaxPartBytes),
	}
}

// withDefaults fills zero (or negative) fields from DefaultLimits.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxUnzippedBytes <= 0 {
		l.MaxUnzippedBytes = d.MaxUnzippedBytes
	}
	if l.MaxPartBytes <= 0 {
		l.MaxPartBytes = d.MaxPartBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = d.MaxCellBytes
	}
	if l.MaxRowBytes <= 0 {
		l.MaxRowBytes = d.MaxRowBytes
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = d.MaxTextBytes
	}
	// excelize refuses a part limit above the total limit.
	l.MaxPartBytes = min(l.MaxPartBytes, l.MaxUnzippedBytes)
	return l
}

// sizeText writes a byte count for people: "25 MB", "300 KB".
func sizeText(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
