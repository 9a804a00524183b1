package returns

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// Kind is what an uploaded file turned out to be.
type Kind string

// The kinds of file Parse reads.
const (
	KindXLSX Kind = "xlsx"
	KindCSV  Kind = "csv"
)

// File signatures.
var (
	sigZip      = []byte("PK\x03\x04")
	sigZipEmpty = []byte("PK\x05\x06")
	sigZipSpan  = []byte("PK\x07\x08")
	sigCFB      = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	sigPDF      = []byte("%PDF")
	sigGzip     = []byte{0x1F, 0x8B}
	sig7z       = []byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}
	sigRar      = []byte("Rar!\x1A\x07")
	bomUTF8     = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE  = []byte{0xFF, 0xFE}
	bomUTF16BE  = []byte{0xFE, 0xFF}
)

// Inspect identifies an uploaded file and pre-scans it before anything
// parses it (SECURITY U2 to U6). name is the uploader's file name, used in
// messages only. It returns KindXLSX for a workbook that passed the zip
// pre-scan, KindCSV for UTF-8 comma-separated text, and otherwise a
// *domain.Error (ETOOLARGE for a broken limit, EINVALID for the rest) that
// says what the file is and what to do.
//
// The zip pre-scan reads every entry to its end through a size-limited
// reader, because excelize trusts the sizes in the zip headers and
// silently truncates an entry that lies about its size (U3), and ignores
// DTDs so that an entity-laden part would come back as blank cells (U4).
func Inspect(f io.ReaderAt, size int64, name string, lim Limits) (Kind, error) {
	lim = lim.withDefaults()
	label := fileLabel(name)
	if size <= 0 {
		return "", domain.Errorf(domain.EINVALID, "%s is empty (0 bytes). Check you chose the right file, and upload it again.", label)
	}
	if size > lim.MaxFileBytes {
		return "", domain.Errorf(domain.ETOOLARGE, "%s is %s; the largest file accepted is %s. Upload one council's return at a time, or remove unused sheets and images.",
			label, sizeText(size), sizeText(lim.MaxFileBytes))
	}
	head := make([]byte, min(size, 8192))
	if _, err := f.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	switch {
	case bytes.HasPrefix(head, sigZip):
		return KindXLSX, inspectZip(f, size, label, lim)
	case bytes.HasPrefix(head, sigZipEmpty), bytes.HasPrefix(head, sigZipSpan):
		return "", domain.Errorf(domain.EINVALID, "%s is an empty or split zip archive, not an Excel workbook. Open your return in Excel, save it as “Excel Workbook (*.xlsx)” and upload that.", label)
	case bytes.HasPrefix(head, sigCFB):
		return "", inspectCFB(f, size, label)
	case bytes.HasPrefix(head, sigPDF):
		return "", domain.Errorf(domain.EINVALID, "%s is a PDF document, not an Excel workbook. Upload the return as the .xlsx file you filled in, not a printout of it.", label)
	case bytes.HasPrefix(head, sigGzip), bytes.HasPrefix(head, sig7z), bytes.HasPrefix(head, sigRar):
		return "", domain.Errorf(domain.EINVALID, "%s is a compressed archive (gzip, 7-Zip or RAR), not an Excel workbook. Extract the workbook and upload the .xlsx file itself.", label)
	}
	return inspectText(f, size, head, name, label)
}

// fileLabel quotes the uploader's file name for a message, without its
// directory (browsers on Windows send one) or control characters, and
// shortened so a hostile name cannot flood the page.
func fileLabel(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(strings.TrimSpace(name))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7F || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	if name == "" || name == "." || name == "/" {
		return "The file"
	}
	if r := []rune(name); len(r) > 80 {
		name = string(r[:77]) + "…"
	}
	return "“" + name + "”"
}

// ext returns the lower-case extension of the uploader's file name.
func ext(name string) string {
	return strings.ToLower(path.Ext(strings.ReplaceAll(strings.TrimSpace(name), "\\", "/")))
}

// inspectCFB names an OLE compound file: an encrypted OOXML workbook
// (Excel writes a password-protected .xlsx as a compound file holding
// EncryptionInfo and EncryptedPackage streams), an old .xls, or another
// old Office document. Stream names are stored in UTF-16LE in the
// directory, which may sit anywhere in the file, so the whole file is
// searched.
func inspectCFB(f io.ReaderAt, size int64, label string) error {
	has, err := searchAll(f, size, utf16le("EncryptionInfo"), utf16le("EncryptedPackage"), utf16le("WordDocument"), utf16le("PowerPoint Document"))
	if err != nil {
		return err
	}
	switch {
	case has[0] || has[1]:
		return domain.Errorf(domain.EINVALID, "%s is password-protected (encrypted), so it cannot be read. In Excel choose File › Info › Protect Workbook › Encrypt with Password, delete the password, save, and upload it again.", label)
	case has[2]:
		return domain.Errorf(domain.EINVALID, "%s is a Word 97–2003 document (.doc), not an Excel workbook. Upload the return template you filled in (.xlsx).", label)
	case has[3]:
		return domain.Errorf(domain.EINVALID, "%s is a PowerPoint 97–2003 presentation (.ppt), not an Excel workbook. Upload the return template you filled in (.xlsx).", label)
	}
	return domain.Errorf(domain.EINVALID, "%s is an Excel 97–2003 workbook (.xls), a format this service does not read. Open it in Excel, choose File › Save As › “Excel Workbook (*.xlsx)”, and upload the .xlsx file.", label)
}

// utf16le encodes ASCII text as UTF-16LE.
func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// searchAll reports, for each pattern, whether it occurs anywhere in the
// file, reading it in chunks that overlap by the longest pattern.
func searchAll(f io.ReaderAt, size int64, pats ...[]byte) ([]bool, error) {
	longest := 0
	for _, p := range pats {
		longest = max(longest, len(p))
	}
	found := make([]bool, len(pats))
	buf := make([]byte, 64<<10)
	for off := int64(0); off < size; {
		n, err := f.ReadAt(buf, off)
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, err
		}
		for i, p := range pats {
			found[i] = found[i] || bytes.Contains(buf[:n], p)
		}
		if off+int64(n) >= size {
			break
		}
		off += int64(max(n-longest+1, 1))
	}
	return found, nil
}

// inspectText names a file that is not a zip or compound file: an HTML
// page or web archive (Excel's "Save as Web Page"), Excel 2003 XML, or
// text. UTF-8 text with a comma, semicolon or tab in its first line is CSV
// and is accepted unless its name claims it is a workbook.
func inspectText(f io.ReaderAt, size int64, head []byte, name, label string) (Kind, error) {
	if bytes.HasPrefix(head, bomUTF16LE) || bytes.HasPrefix(head, bomUTF16BE) {
		return "", domain.Errorf(domain.EINVALID, "%s is UTF-16 (“Unicode Text”) text, not an Excel workbook or UTF-8 CSV. In Excel choose File › Save As › “Excel Workbook (*.xlsx)” (or “CSV UTF-8”), and upload that.", label)
	}
	lead := bytes.TrimLeft(bytes.TrimPrefix(head, bomUTF8), " \t\r\n")
	lower := bytes.ToLower(lead[:min(len(lead), 512)])
	for _, p := range []string{"<!doctype html", "<html", "<table", "<head", "<body", "<meta", "<style"} {
		if bytes.HasPrefix(lower, []byte(p)) {
			return "", domain.Errorf(domain.EINVALID, "%s is a web page (HTML) with an Excel name, not an Excel workbook. Systems that “export to Excel” often write HTML: open it in Excel, choose File › Save As › “Excel Workbook (*.xlsx)”, and upload the .xlsx file.", label)
		}
	}
	if bytes.HasPrefix(lower, []byte("mime-version:")) {
		return "", domain.Errorf(domain.EINVALID, "%s is a web archive (.mht), not an Excel workbook. Open it in Excel, choose File › Save As › “Excel Workbook (*.xlsx)”, and upload that.", label)
	}
	if bytes.HasPrefix(lower, []byte("<?xml")) {
		if bytes.Contains(bytes.ToLower(head), []byte("urn:schemas-microsoft-com:office:spreadsheet")) {
			return "", domain.Errorf(domain.EINVALID, "%s is an Excel 2003 XML spreadsheet, a format this service does not read. Open it in Excel, choose File › Save As › “Excel Workbook (*.xlsx)”, and upload that.", label)
		}
		return "", domain.Errorf(domain.EINVALID, "%s is an XML file, not an Excel workbook. Upload the return template you filled in (.xlsx).", label)
	}
	text, err := isUTF8Text(f, size)
	if err != nil {
		return "", err
	}
	if !text {
		return "", domain.Errorf(domain.EINVALID, "%s is not a file type this service reads (it is neither an Excel workbook nor UTF-8 CSV text). Open your return in Excel, save it as “Excel Workbook (*.xlsx)”, and upload that.", label)
	}
	first := lead
	if i := bytes.IndexAny(first, "\r\n"); i >= 0 {
		first = first[:i]
	}
	csvLike := bytes.ContainsAny(first, ",;\t")
	switch e := ext(name); {
	case e == ".xlsx" || e == ".xlsm" || e == ".xls" || e == ".xltx":
		what := "plain text"
		if csvLike {
			what = "CSV text"
		}
		return "", domain.Errorf(domain.EINVALID, "%s is %s renamed %s, not an Excel workbook. Either upload it with a .csv name, or open it in Excel, choose File › Save As › “Excel Workbook (*.xlsx)”, and upload that.", label, what, e)
	case !csvLike:
		return "", domain.Errorf(domain.EINVALID, "%s is plain text without comma-separated columns, not a table this service can read. Upload the return template (.xlsx) or a CSV file with a header row.", label)
	}
	return KindCSV, nil
}

// isUTF8Text reports whether the whole file is valid UTF-8 without NUL
// bytes. Excel's older "CSV (Comma delimited)" writes Windows-1252, whose
// £ and accented letters are not UTF-8; those are refused rather than read
// as garbage.
func isUTF8Text(f io.ReaderAt, size int64) (bool, error) {
	buf := make([]byte, 64<<10)
	var carry int // bytes of an incomplete rune kept from the last chunk
	for off := int64(0); off < size; {
		n, err := f.ReadAt(buf[carry:], off)
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return false, err
		}
		off += int64(n)
		chunk := buf[:carry+n]
		if bytes.IndexByte(chunk, 0) >= 0 {
			return false, nil
		}
		// Hold back a rune cut by the chunk boundary for the next read.
		keep := 0
		if off < size {
			for i := len(chunk) - 1; i >= 0 && i >= len(chunk)-utf8.UTFMax; i-- {
				if utf8.RuneStart(chunk[i]) {
					if !utf8.FullRune(chunk[i:]) {
						keep = len(chunk) - i
					}
					break
				}
			}
		}
		if !utf8.Valid(chunk[:len(chunk)-keep]) {
			return false, nil
		}
		copy(buf, chunk[len(chunk)-keep:])
		carry = keep
	}
	return carry == 0, nil
}

// inspectZip pre-scans an xlsx (SECURITY U2, U3, U4, U6).
func inspectZip(f io.ReaderAt, size int64, label string, lim Limits) error {
	damaged := func(detail string) error {
		return domain.Errorf(domain.EINVALID, "%s is damaged or incomplete (%s), so it cannot be read safely. Open it in Excel; if it opens, save it again as “Excel Workbook (*.xlsx)” and upload that, otherwise upload it again from the original.", label, detail)
	}
	tooMany := func(n int) error {
		return domain.Errorf(domain.ETOOLARGE, "%s holds %d internal parts; a workbook has a few dozen and at most %d are accepted. Copy the return sheet into a new workbook, save it and upload that.", label, n, lim.MaxEntries)
	}
	// Count the entries from the end-of-directory record first, so a
	// 100,000-entry archive is refused before archive/zip reads its
	// directory.
	if n, ok := zipEntryCount(f, size); ok && n > uint64(lim.MaxEntries) {
		return tooMany(int(min(n, 1<<31)))
	}
	zr, err := zip.NewReader(f, size)
	if errors.Is(err, zip.ErrInsecurePath) {
		return unsafeNames(label)
	}
	if err != nil {
		return damaged("its zip structure cannot be read: the upload may have been cut short")
	}
	if len(zr.File) > lim.MaxEntries {
		return tooMany(len(zr.File))
	}
	seen := make(map[string]bool, len(zr.File))
	var declared, inMemory uint64
	for _, zf := range zr.File {
		n := partName(zf.Name)
		if !safeName(n) {
			return unsafeNames(label)
		}
		if seen[n] {
			return damaged(fmt.Sprintf("it holds two parts named %s", zf.Name))
		}
		seen[n] = true
		if zf.Flags&0x1 != 0 {
			return domain.Errorf(domain.EINVALID, "%s is a password-protected zip archive, not an Excel workbook. Upload the workbook without a password.", label)
		}
		if isMacroPart(n) {
			return macroError(label)
		}
		declared += zf.UncompressedSize64
		if declared > uint64(lim.MaxUnzippedBytes) {
			return unzippedTooLarge(label, lim)
		}
		if zf.UncompressedSize64 > uint64(partLimit(n, lim)) {
			return partTooLarge(label, zf.Name, partLimit(n, lim))
		}
		if heldWhole(n, zf.UncompressedSize64) {
			inMemory += zf.UncompressedSize64
			if inMemory > wholePartBytes {
				return domain.Errorf(domain.ETOOLARGE, "%s holds more than %s of formatting, images and small sheets, far more than a return needs. Copy the data into a new workbook, save it and upload that.", label, sizeText(wholePartBytes))
			}
		}
	}
	if !seen["[content_types].xml"] || !seen["xl/workbook.xml"] {
		switch {
		case seen["xl/workbook.bin"]:
			return domain.Errorf(domain.EINVALID, "%s is an Excel Binary Workbook (.xlsb), a format this service does not read. Open it in Excel, choose File › Save As › “Excel Workbook (*.xlsx)”, and upload that.", label)
		case seen["word/document.xml"]:
			return domain.Errorf(domain.EINVALID, "%s is a Word document, not an Excel workbook. Upload the return template you filled in (.xlsx).", label)
		case seen["ppt/presentation.xml"]:
			return domain.Errorf(domain.EINVALID, "%s is a PowerPoint presentation, not an Excel workbook. Upload the return template you filled in (.xlsx).", label)
		case seen["mimetype"] && seen["content.xml"]:
			return domain.Errorf(domain.EINVALID, "%s is an OpenDocument file (.ods), not an Excel workbook. Save it as “Excel 2007–365 (.xlsx)” and upload that.", label)
		}
		return domain.Errorf(domain.EINVALID, "%s is a zip archive without an Excel workbook inside ([Content_Types].xml and xl/workbook.xml are missing). Upload the .xlsx file itself, not a zip of it.", label)
	}

	buf := make([]byte, 32<<10)
	var total int64
	// sized holds the parts measured for size caps; clean, those that
	// passed every check.
	sized, clean := map[string]bool{}, map[string]bool{}
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		n := partName(zf.Name)
		limit := min(partLimit(n, lim), lim.MaxUnzippedBytes-total)
		rc, err := zf.Open()
		if err != nil {
			return damaged(fmt.Sprintf("part %s cannot be opened", zf.Name))
		}
		sn := newSniffer(n)
		var sz *sizeScan
		if mode := scanModeOf(n); mode != scanNone {
			sz = newSizeScan(mode, lim)
			sized[n] = true
		}
		lr := &io.LimitedReader{R: rc, N: limit + 1}
		var readErr error
		for {
			k, err := lr.Read(buf)
			if k > 0 {
				total += int64(k)
				sn.write(buf[:k], false)
				if sz != nil {
					sz.write(buf[:k], false)
					if sz.err != nil {
						break
					}
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				break
			}
		}
		rc.Close()
		if sz != nil && sz.err == nil && readErr == nil && lr.N > 0 {
			sz.write(nil, true)
		}
		if sz != nil && sz.err != nil {
			return sz.err.message(label, sheetNameOf(zr, n, clean))
		}
		switch {
		case lr.N <= 0 && total > lim.MaxUnzippedBytes:
			return unzippedTooLarge(label, lim)
		case lr.N <= 0:
			return partTooLarge(label, zf.Name, partLimit(n, lim))
		case errors.Is(readErr, zip.ErrChecksum):
			return damaged(fmt.Sprintf("part %s fails its checksum", zf.Name))
		case readErr != nil:
			// archive/zip reports an entry longer or shorter than its
			// header says; excelize would have cut it short in silence.
			return damaged(fmt.Sprintf("part %s is not the size its header says", zf.Name))
		}
		sn.write(nil, true)
		switch {
		case sn.doctype:
			return domain.Errorf(domain.EINVALID, "%s contains a document type declaration (<!DOCTYPE> or <!ENTITY>) or UTF-16 text in %s. Excel never writes either, and they can be used to attack the server, so the file has been refused. Open the return in Excel, save it as a new .xlsx and upload that.", label, zf.Name)
		case sn.strings > maxSharedStrings:
			return domain.Errorf(domain.ETOOLARGE, "%s has more than %d distinct text values (its shared-strings table), far more than any return needs. Check the sheet does not hold stray text in unused cells, or split the file.", label, maxSharedStrings)
		case sn.macro:
			return macroError(label)
		case sn.tooBig:
			return partTooLarge(label, zf.Name, maxContentTypesBytes)
		case sn.maxElements > 0 && sn.elements > sn.maxElements:
			return domain.Errorf(domain.ETOOLARGE, "%s has more than %s entries in %s, far more than any workbook needs (it is bloated or built to exhaust the server). Copy the data into a new workbook, save it and upload that.", label, formatNumber(float64(sn.maxElements)), zf.Name)
		}
		clean[n] = true
	}
	// A worksheet the workbook keeps under another name is measured too.
	if err := sizeOtherSheets(zr, label, lim, sized); err != nil {
		return err
	}
	// excelize finds the workbook through _rels/.rels, Parse's formula
	// scan through xl/workbook.xml; a package whose main part is elsewhere
	// could show the two different sheets. Excel always writes
	// xl/workbook.xml.
	if mainPart(zr) != "xl/workbook.xml" {
		return damaged("its main part is not xl/workbook.xml")
	}
	return nil
}

// mainPart returns the package's main part (the officeDocument
// relationship of _rels/.rels), normalised, or "" when there is none.
func mainPart(zr *zip.Reader) string {
	var rels struct {
		Rels []struct {
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	for _, f := range zr.File {
		if partName(f.Name) == "_rels/.rels" {
			if readXMLPart(f, &rels) != nil {
				return ""
			}
		}
	}
	for _, r := range rels.Rels {
		if strings.HasSuffix(r.Type, "/officeDocument") {
			return partName(strings.TrimPrefix(r.Target, "/"))
		}
	}
	return ""
}

// safeName reports whether a part name stays inside the archive: not
// absolute (nor a drive letter), no ".." element. archive/zip only checks this when GODEBUG
// asks it to.
func safeName(n string) bool {
	if n == "" || strings.HasPrefix(n, "/") || len(n) > 1 && n[1] == ':' {
		return false
	}
	for _, e := range strings.Split(n, "/") {
		if e == ".." {
			return false
		}
	}
	return true
}

func unsafeNames(label string) error {
	return domain.Errorf(domain.EINVALID, "%s contains parts with unsafe names (such as ../), which no spreadsheet program writes. It has been refused; upload the workbook as saved by Excel.", label)
}

// partName normalises a zip entry name as excelize does: forward slashes,
// compared case-insensitively.
func partName(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "\\", "/"))
}

// spilled reports whether excelize streams the part from a temporary
// file when it is large (worksheets and the shared-strings table); every
// other part is held in memory whole.
func spilled(n string) bool {
	return strings.HasPrefix(n, "xl/worksheets/sheet") || n == "xl/sharedstrings.xml"
}

// heldWhole reports whether excelize holds a part of this size in memory
// whole, rather than streaming it from a temporary file.
func heldWhole(n string, size uint64) bool {
	return !spilled(n) || size <= spillBytes
}

// elementLimit is the most XML elements a part excelize parses at open may
// have; 0 for parts it does not parse whole.
func elementLimit(n string) int {
	switch {
	case n == "xl/calcchain.xml":
		return maxCalcChainElements
	case n == "xl/styles.xml", n == "xl/workbook.xml", n == "[content_types].xml",
		strings.HasPrefix(n, "xl/theme/"), strings.HasSuffix(n, ".rels"):
		return maxParsedElements
	}
	return 0
}

// partLimit is the largest a part may be uncompressed.
func partLimit(n string, lim Limits) int64 {
	if spilled(n) {
		return lim.MaxPartBytes
	}
	return min(lim.MaxPartBytes, wholePartBytes)
}

// isMacroPart reports whether a part holds macros: a VBA project
// (vbaProject.bin, wherever it is) or Excel 4.0 macro sheets.
func isMacroPart(n string) bool {
	return path.Base(n) == "vbaproject.bin" || strings.HasPrefix(n, "xl/macrosheets/")
}

func macroError(label string) error {
	return domain.Errorf(domain.EINVALID, "%s is a macro-enabled workbook. Workbooks with macros are refused because macros can carry malicious code. In Excel choose File › Save As › “Excel Workbook (*.xlsx)” (not .xlsm), and upload that.", label)
}

func unzippedTooLarge(label string, lim Limits) error {
	return domain.Errorf(domain.ETOOLARGE, "%s unpacks to more than %s, the most accepted (files that expand enormously are a known attack). Remove unused sheets, images and formatting, or split the file.", label, sizeText(lim.MaxUnzippedBytes))
}

func partTooLarge(label, part string, limit int64) error {
	return domain.Errorf(domain.ETOOLARGE, "%s has a part (%s) that unpacks to more than %s, the most accepted. Remove unused sheets, images and formatting, or split the file.", label, part, sizeText(limit))
}

// zipEntryCount reads the entry count from the end-of-central-directory
// record (or its ZIP64 form), without reading the directory.
func zipEntryCount(f io.ReaderAt, size int64) (uint64, bool) {
	const eocdLen = 22
	n := min(size, eocdLen+65535) // the record may be followed by a comment
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, size-n); err != nil && !errors.Is(err, io.EOF) {
		return 0, false
	}
	i := bytes.LastIndex(buf, sigZipEmpty)
	if i < 0 || i+eocdLen > len(buf) {
		return 0, false
	}
	count := uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	if count != 0xFFFF {
		return count, true
	}
	// ZIP64: the locator sits just before the record and points at the
	// ZIP64 end record, which holds the real count.
	if i < 20 || !bytes.Equal(buf[i-20:i-16], []byte("PK\x06\x07")) {
		return count, true
	}
	off := int64(binary.LittleEndian.Uint64(buf[i-20+8:]))
	rec := make([]byte, 56)
	if off < 0 || off+56 > size {
		return count, true
	}
	if _, err := f.ReadAt(rec, off); err != nil || !bytes.Equal(rec[:4], []byte("PK\x06\x06")) {
		return count, true
	}
	return binary.LittleEndian.Uint64(rec[32:]), true
}

// sniffer scans a part's bytes as they stream past, without parsing it:
// for a DTD or UTF-16 (any part), shared-string items (the shared-strings
// table), elements (parts parsed whole at open) and the macro-enabled
// content type ([Content_Types].xml, which it keeps whole: it is a few
// kilobytes).
type sniffer struct {
	xml, sst, ct bool
	carry, work  []byte
	whole        []byte

	started                bool
	doctype, macro, tooBig bool
	strings                int
	// elements counts start tags, for parts with a maxElements cap.
	elements, maxElements int
}

func newSniffer(n string) *sniffer {
	return &sniffer{
		// Every part, not only *.xml: a relationship may point a sheet at
		// a part with any name, and excelize parses it all the same.
		xml:         true,
		sst:         n == "xl/sharedstrings.xml",
		ct:          n == "[content_types].xml",
		maxElements: elementLimit(n),
	}
}

// lookahead is how many bytes after a '<' the sniffer needs to classify
// it: "<!DOCTYPE" and a namespace prefix on "si".
const lookahead = 16

// write scans the next bytes of the part; final marks its end.
func (s *sniffer) write(p []byte, final bool) {
	if s.ct && !s.tooBig {
		if len(s.whole)+len(p) > maxContentTypesBytes {
			s.tooBig, s.whole = true, nil
		} else {
			s.whole = append(s.whole, p...)
		}
		// Not "vbaProject": excelize lists that content type for every
		// .bin part whether or not the workbook has one.
		if final && bytes.Contains(bytes.ToLower(s.whole), []byte("macroenabled")) {
			s.macro = true
		}
	}
	if !s.xml {
		return
	}
	if !s.started && len(p) > 0 {
		// XML in UTF-16 would hide "<!DOCTYPE" from a byte search; Excel
		// writes UTF-8 only.
		s.started = true
		s.doctype = bytes.HasPrefix(p, bomUTF16LE) || bytes.HasPrefix(p, bomUTF16BE) ||
			len(p) > 1 && p[0] == '<' && p[1] == 0
	}
	buf := p
	if len(s.carry) > 0 {
		s.work = append(append(s.work[:0], s.carry...), p...)
		buf = s.work
	}
	i := 0
	for {
		j := bytes.IndexByte(buf[i:], '<')
		if j < 0 {
			i = len(buf)
			break
		}
		i += j
		if !final && len(buf)-i < lookahead {
			break // classify it when more bytes have arrived
		}
		t := buf[i+1:]
		if len(t) > 0 && t[0] == '!' {
			if hasFoldPrefix(t[1:], "doctype") || hasFoldPrefix(t[1:], "entity") {
				s.doctype = true
			}
		} else if s.sst && isElement(t, "si") {
			s.strings++
		}
		if s.maxElements > 0 && len(t) > 0 && t[0] != '/' && t[0] != '?' && t[0] != '!' {
			s.elements++
		}
		i++
	}
	s.carry = append(s.carry[:0], buf[i:]...)
}

// hasFoldPrefix reports whether b starts with the ASCII word w, ignoring
// case.
func hasFoldPrefix(b []byte, w string) bool {
	return len(b) >= len(w) && strings.EqualFold(string(b[:len(w)]), w)
}

// isElement reports whether the bytes after a '<' open an element whose
// local name is local (with or without a namespace prefix).
func isElement(t []byte, local string) bool {
	end := 0
	for end < len(t) && end < lookahead && t[end] != ' ' && t[end] != '>' && t[end] != '/' && t[end] != '\t' && t[end] != '\r' && t[end] != '\n' {
		end++
	}
	name := t[:end]
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	return string(name) == local && end < len(t)
}
