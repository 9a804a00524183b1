package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

// SECURITY U10: CSV cells a spreadsheet would run as formulas are
// neutralised, numbers are left alone, and in Excel downloads user text is
// stored as text, never as a formula.
func TestExportsNeutraliseFormulas(t *testing.T) {
	got := csvSafe([]string{`=HYPERLINK("http://x")`, "+cmd", "@SUM(A1)", "-2+3", "\tx", "-5", "12.5", "Camden"})
	want := []string{`'=HYPERLINK("http://x")`, "'+cmd", "'@SUM(A1)", "'-2+3", "'\tx", "-5", "12.5", "Camden"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("csvSafe cell %d = %q; want %q", i, got[i], want[i])
		}
	}

	env := newTestEnv(t, Config{})
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodGet, "/x", nil)
	env.srv.sendTable(c, "xlsx", "t", `=HYPERLINK("http://evil")`, "note", []string{"name", "value"},
		[][]string{{`=HYPERLINK("http://evil","click")`, "3"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, cell := range []string{"A1", "A5"} {
		if formula, _ := f.GetCellFormula("Data", cell); formula != "" {
			t.Errorf("%s holds a formula %q", cell, formula)
		}
		if v, _ := f.GetCellValue("Data", cell); v == "" {
			t.Errorf("%s lost its text", cell)
		}
	}
	if v, _ := f.GetCellValue("Data", "B5"); v != "3" {
		t.Errorf("B5 = %q; want the number 3", v)
	}
}
