package returns

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestZZStyles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.xlsx")
	f, _ := os.Create(path)
	zw := zip.NewWriter(f)
	for _, p := range minimalParts(sheetXMLOf(""), "") {
		w, _ := zw.Create(p.name)
		w.Write(p.data)
	}
	head := []byte(`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>`)
	w, _ := zw.Create("xl/styles.xml")
	w.Write(head)
	chunk := bytes.Repeat([]byte(`<xf numFmtId="0"/>`), 1<<16)
	for i := 0; i < 50; i++ { w.Write(chunk) }
	w.Write([]byte(`</cellXfs></styleSheet>`))
	zw.Close(); f.Close()
	fi, _ := os.Stat(path)
	_, err := inspectFile(t, path, "s.xlsx", Limits{})
	t.Logf("file %d inspect %v", fi.Size(), err)
	var ms runtime.MemStats
	x, err := excelize.OpenFile(path, excelizeOptions())
	runtime.ReadMemStats(&ms)
	t.Logf("open err=%v heap=%dMB sys=%dMB", err, ms.HeapAlloc>>20, ms.Sys>>20)
	if x != nil { x.Close() }
}
