package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"
)

// csvBOM is UTF-8's byte-order mark, EF BB BF. Every CSV download starts
// with it: without it Excel on Windows reads the file in the machine's
// legacy code page, and "2017–19" or "Ynys Môn" come out garbled.
const csvBOM = "\ufeff"

// csvBytes writes a header and rows as CSV in UTF-8 with a byte-order
// mark, every data cell a spreadsheet would run as a formula neutralised
// (SECURITY U10). The header is written as given: headings that carry
// data, such as council names, are neutralised by the caller.
func csvBytes(header []string, rows [][]string) []byte {
	var buf bytes.Buffer
	buf.WriteString(csvBOM)
	w := csv.NewWriter(&buf)
	_ = w.Write(header)
	for _, row := range rows {
		_ = w.Write(csvSafe(append([]string(nil), row...)))
	}
	w.Flush()
	return buf.Bytes()
}

// sendTable downloads a table as CSV or as an Excel workbook. In CSV,
// cells a spreadsheet would run as formulas are neutralised; in the
// workbook, text goes in as text and numbers as numbers, never as formulas
// (SECURITY U10). title and note head the workbook's sheet. The CSV keeps
// header's machine-friendly names (snake_case, for analysts' scripts);
// the workbook, read by people, heads its columns in words
// (excelHeading).
func (s *Server) sendTable(c *gin.Context, format, filename, title, note string, header []string, rows [][]string) {
	c.Header("Cache-Control", "no-store")
	switch format {
	case "csv":
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, filename))
		c.Data(http.StatusOK, "text/csv; charset=utf-8", csvBytes(header, rows))
	case "xlsx":
		f := excelize.NewFile()
		defer f.Close()
		const sheet = "Data"
		_ = f.SetSheetName("Sheet1", sheet)
		_ = f.SetCellStr(sheet, "A1", title)
		_ = f.SetCellStr(sheet, "A2", note)
		for i, h := range header {
			cell, _ := excelize.CoordinatesToCellName(i+1, 4)
			_ = f.SetCellStr(sheet, cell, excelHeading(h))
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

// excelHeadings are the words a workbook heads each column with, for the
// snake_case names the CSV downloads use.
var excelHeadings = map[string]string{
	"la_number":                 "LA number",
	"council":                   "Council",
	"region":                    "Region",
	"region_code":               "Region code",
	"month":                     "Month",
	"indicator_code":            "Indicator code",
	"indicator":                 "Indicator",
	"area":                      "Area",
	"value":                     "Value",
	"unit":                      "Unit",
	"rate_per_10000_children":   "Rate per 10,000 children",
	"population_year":           "Population year",
	"rank":                      "Rank",
	"rank_of_councils":          "Rank among councils",
	"councils":                  "Councils ranked",
	"band":                      "Quartile band",
	"quartile_band":             "Quartile band",
	"source":                    "Source",
	"change_vs_baseline_pct":    "Change on baseline (%)",
	"change_vs_year_ago_pct":    "Change on a year ago (%)",
	"difference_percent":        "Difference (%)",
	"direction":                 "Direction",
	"severity":                  "Severity",
	"level":                     "Level",
	"reason":                    "Reason",
	"demand_pressure":           "Demand pressure",
	"pressure_points":           "Pressure points",
	"conditions_score":          "Conditions score",
	"enablers_score":            "Enablers score",
	"assessed":                  "Assessed",
	"quadrant":                  "Quadrant",
	"status":                    "Status code",
	"status_label":              "Status",
	"last_uploaded_at":          "Last uploaded",
	"last_uploaded_by":          "Last uploaded by",
	"upload_id":                 "Upload number",
	"due":                       "Due",
	"overdue":                   "Overdue",
	"missing_required":          "Required indicators missing",
	"neighbours_median":         "Neighbours' median",
	"neighbours_lower_quartile": "Neighbours' lower quartile",
	"neighbours_upper_quartile": "Neighbours' upper quartile",
	"neighbours_mean":           "Neighbours' mean",
	"neighbours_min":            "Neighbours' lowest",
	"neighbours_max":            "Neighbours' highest",
	"dfe_official":              "DfE official figure",
	"all_councils_median":       "All councils' median",
	"version":                   "Version",
	"kind":                      "Kind",
	"item":                      "Item",
	"rating":                    "Rating",
	"last_12_months_mean":       "Mean of the last 12 months",
	"next_12_months_mean":       "Mean of the next 12 months (projected)",
	"change_percent":            "Change (%)",
	"projected_in_12_months":    "Projected in 12 months",
	"lower_80":                  "Likely from (80% range)",
	"upper_80":                  "Likely to (80% range)",
	"band_now":                  "Band now",
	"band_projected":            "Band projected",
	"relative_mae":              "Error against last year's figure (relative MAE)",
	"coverage_80":               "80% range held",
	"coverage_95":               "95% range held",
}

// excelHeading is a column's heading in a workbook: words for a known
// snake_case name; any other name (a council's, or one already in words)
// as it is, with underscores written as spaces.
func excelHeading(name string) string {
	if h, ok := excelHeadings[name]; ok {
		return h
	}
	if !strings.Contains(name, "_") {
		return name
	}
	h := strings.ReplaceAll(name, "_", " ")
	return strings.ToUpper(h[:1]) + h[1:]
}
