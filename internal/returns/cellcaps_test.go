package returns

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/resilience-dashboard/resilience/internal/domain"
)

// bombEntry writes a zip entry whose content is prefix, then chunk
// repeated times times, then suffix, compressing each piece once: every
// piece is a deflate stream of its own, flushed so that it ends on a byte
// boundary, so copies of the chunk's can follow one another (as in
// repeatedEntry). 300 MB of text takes a few hundred kilobytes.
func bombEntry(t *testing.T, zw *zip.Writer, name, prefix, chunk string, times int, suffix string) {
	t.Helper()
	piece := func(s string) []byte {
		var b bytes.Buffer
		fw, _ := flate.NewWriter(&b, flate.BestCompression)
		fw.Write([]byte(s))
		fw.Flush()
		return b.Bytes()
	}
	var end bytes.Buffer
	fe, _ := flate.NewWriter(&end, flate.BestCompression)
	fe.Close()
	pre, mid, post := piece(prefix), piece(chunk), piece(suffix)
	crc := crc32.Update(0, crc32.IEEETable, []byte(prefix))
	for range times {
		crc = crc32.Update(crc, crc32.IEEETable, []byte(chunk))
	}
	crc = crc32.Update(crc, crc32.IEEETable, []byte(suffix))
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(len(pre) + len(mid)*times + len(post) + end.Len()),
		UncompressedSize64: uint64(len(prefix) + len(chunk)*times + len(suffix))})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(pre)
	for range times {
		w.Write(mid)
	}
	w.Write(post)
	w.Write(end.Bytes())
}

// bombBook writes a one-sheet workbook (sheet “Data”, a long table) whose
// part named big is built by bombEntry; the other parts are those of
// minimalParts, with the worksheet at sheetPart.
func bombBook(t *testing.T, sheetPart, big, prefix, chunk string, times int, suffix string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bomb.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, p := range minimalParts("", "") {
		switch p.name {
		case "xl/worksheets/sheet1.xml":
			continue
		case "xl/_rels/workbook.xml.rels":
			p.data = bytes.Replace(p.data, []byte(`Target="worksheets/sheet1.xml"`), []byte(`Target="`+strings.TrimPrefix(sheetPart, "xl/")+`"`), 1)
		}
		w, _ := zw.Create(p.name)
		w.Write(p.data)
	}
	bombEntry(t, zw, big, prefix, chunk, times, suffix)
	if big != sheetPart {
		w, _ := zw.Create(sheetPart)
		w.Write([]byte(bombSheetHead + `<c r="D2" t="s"><v>0</v></c></row></sheetData></worksheet>`))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, _ := os.Stat(path); fi.Size() > 2<<20 {
		t.Fatalf("the workbook is %d bytes; want a small file", fi.Size())
	}
	return path
}

// bombSheetHead is a long table's header and the start of its first
// figure, up to its value cell, D2.
const bombSheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
	`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>la_number</t></is></c><c r="B1" t="inlineStr"><is><t>indicator</t></is></c>` +
	`<c r="C1" t="inlineStr"><is><t>month</t></is></c><c r="D1" t="inlineStr"><is><t>value</t></is></c></row>` +
	`<row r="2"><c r="A2"><v>202</v></c><c r="B2" t="inlineStr"><is><t>CSC_CIN</t></is></c><c r="C2" t="inlineStr"><is><t>2021-01</t></is></c>`

// SECURITY U2: one upload's memory is bounded whatever its content. A
// 300 KB workbook whose one value cell is a 300 MB inline string drove the
// server to 3.6 GB before it was refused; now Inspect refuses it, naming
// the sheet, the cell and the limit, after reading a megabyte of it, and
// so are its variants: the text split into runs or hidden in CDATA around
// fake cell tags, a 300 MB shared string, a row of many large cells, and a
// worksheet kept under a part name that is not a worksheet's. Peak memory
// (the process's resident high-water mark, reset before each) stays far
// under 400 MB.
func TestInspectHugeCellBoundsMemory(t *testing.T) {
	a := strings.Repeat("A", 1<<20)
	cases := []struct {
		name, part, big, prefix, chunk string
		times                          int
		suffix                         string
		want                           []string
	}{
		{"inline string", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml",
			bombSheetHead + `<c r="D2" t="inlineStr"><is><t>`, a, 300, `</t></is></c></row></sheetData></worksheet>`,
			[]string{"cell D2 of sheet “Data”", "more than 1.0 MB"}},
		{"rich text runs", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml",
			bombSheetHead + `<c r="D2" t="inlineStr"><is>`, `<r><t>` + a[:300<<10] + `</t></r>`, 1000, `</is></c></row></sheetData></worksheet>`,
			[]string{"cell D2 of sheet “Data”"}},
		{"CDATA hiding cell tags", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml",
			bombSheetHead + `<c r="D2" t="inlineStr"><is><t><![CDATA[`, a[:100<<10] + `<c r="Z9"><row r="9">`, 3000, `]]></t></is></c></row></sheetData></worksheet>`,
			[]string{"cell D2 of sheet “Data”"}},
		{"shared string", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml",
			`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`, a, 300, `</t></si></sst>`,
			[]string{"text value 1 of the workbook's shared strings"}},
		{"row of large cells", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml",
			bombSheetHead, `<c t="inlineStr"><is><t>` + a[:900<<10] + `</t></is></c>`, 300, `</row></sheetData></worksheet>`,
			[]string{"row 2 of sheet “Data”", "more than 8.0 MB"}},
		{"worksheet under another name", "xl/data/values.xml", "xl/data/values.xml",
			bombSheetHead + `<c r="D2" t="inlineStr"><is><t>`, a, 50, `</t></is></c></row></sheetData></worksheet>`,
			[]string{"cell D2 of sheet “Data”"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := bombBook(t, tc.part, tc.big, tc.prefix, tc.chunk, tc.times, tc.suffix)
			debug.FreeOSMemory()
			resetPeakRSS()
			_, err := inspectFile(t, path, "bomb.xlsx", Limits{})
			peak := peakRSS()
			wantRefused(t, err, domain.ETOOLARGE, append([]string{"“bomb.xlsx”"}, tc.want...)...)
			t.Logf("peak RSS %d MB: %v", peak>>20, err)
			if peak > 400<<20 {
				t.Errorf("peak RSS %d MB; want under 400 MB", peak>>20)
			}
		})
	}
}

// SECURITY U2: Parse checks what it is given too: a CSV file's fields and
// rows, a workbook's cells as excelize reads them (here without Inspect),
// and the text it keeps. Each refusal names the sheet and cell or row.
func TestParseCapsCellsRowsAndText(t *testing.T) {
	big := strings.Repeat("x", 5000)
	lim := Limits{MaxCellBytes: 4096, MaxRowBytes: 12000, MaxTextBytes: 30000}
	csvPath := writeFile(t, "long.csv", []byte("la_number,indicator,month,value\n202,CSC_CIN,2021-01,"+big+"\n"))
	_, err := Parse(t.Context(), csvPath, KindCSV, testCatalogue(), lim, nil)
	wantRefused(t, err, domain.ETOOLARGE, "Cell D2 of the CSV file", "more than 4 KB")

	rowPath := writeFile(t, "wide.csv", []byte("la_number,indicator,month,value,a,b,c\n202,CSC_CIN,2021-01,1,"+big[:4000]+","+big[:4000]+","+big[:4000]+"\n"))
	_, err = Parse(t.Context(), rowPath, KindCSV, testCatalogue(), lim, nil)
	wantRefused(t, err, domain.ETOOLARGE, "Row 2 of the CSV file", "more than 11 KB")

	xlsx := writeBook(t, sheet{"Data", [][]any{{"la_number", "indicator", "month", "value"}, {202, "CSC_CIN", "2021-01", big}}})
	_, err = Parse(t.Context(), xlsx, KindXLSX, testCatalogue(), lim, nil)
	wantRefused(t, err, domain.ETOOLARGE, "Cell D2 of sheet “Data”")

	// Notes of 3,000 bytes on a dozen rows pass 30,000 bytes of kept text.
	var b strings.Builder
	b.WriteString("la_number,indicator,month,value,note\n")
	for i := range 12 {
		fmt.Fprintf(&b, "202,CSC_CIN,2021-%02d,1,%s\n", i+1, big[:3000])
	}
	_, err = Parse(t.Context(), writeFile(t, "notes.csv", []byte(b.String())), KindCSV, testCatalogue(), lim, nil)
	wantRefused(t, err, domain.ETOOLARGE, "more than 29 KB of text", "the CSV file")

	// The default limits read the same files.
	for _, p := range []string{csvPath, rowPath, xlsx} {
		if _, err := Parse(t.Context(), p, kindOf(p), testCatalogue(), Limits{}, nil); err != nil {
			t.Errorf("%s with the default limits: %v", filepath.Base(p), err)
		}
	}
}

func kindOf(path string) Kind {
	if strings.HasSuffix(path, ".csv") {
		return KindCSV
	}
	return KindXLSX
}

// resetPeakRSS resets the process's resident-memory high-water mark
// (Linux), so peakRSS measures what follows.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads the process's resident-memory high-water mark in bytes.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
