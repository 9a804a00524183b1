package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

// sendTable downloads a table as CSV or as an Excel workbook. In CSV,
// cells a spreadsheet would run as formulas are neutralised; in the
// workbook, text goes in as text and numbers as numbers, never as formulas
// (SECURITY U10). title and note head the workbook's sheet.
func (s *Server) sendTable(c *gin.Context, format, filename, title, note string, header []string, rows [][]string) {
	c.Header("Cache-Control", "no-store")
	switch format {
	case "csv":
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write(header)
		for _, row := range rows {
			_ = w.Write(csvSafe(append([]string(nil), row...)))
		}
		w.Flush()
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, filename))
		c.Data(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		const sheet = "Data"
		_ = f.SetSheetName("Sheet1", sheet)
		_ = f.SetCellStr(sheet, "A1", title)
		_ = f.SetCellStr(sheet, "A2", note)
		for i, h := range header {
			cell, _ := excelize.CoordinatesToCellName(i+1, 4)
			_ = f.SetCellStr(sheet, cell, h)
		}
		for r, row := range rows {
			for i, v := range row {
				cell, _ := excelize.CoordinatesToCellName(i+1, r+5)
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					_ = f.SetCellFloat(sheet, cell, n, -1, 64)
				} else {
					_ = f.SetCellStr(sheet, cell, v)
				}
			}
		}
		_ = f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 4, TopLeftCell: "A5", ActivePane: "bottomLeft"})
		var buf bytes.Buffer
		if _, err := f.WriteTo(&buf); err != nil {
			s.handleError(c, err)
			return
		}
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.xlsx"`, filename))
		c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
	default:
		s.notFound(c)
	}
}
