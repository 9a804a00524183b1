package web

import (
	"fmt"

	"github.com/resilience-dashboard/resilience/internal/dashboard"

	"github.com/gin-gonic/gin"
	"github.com/resilience-dashboard/resilience/internal/domain"
)

// compareNeighboursData downloads the compare page's neighbours-over-time
// table as CSV or Excel (/compare/neighbours/data.csv or data.xlsx, with
// ?indicator=CODE&month=YYYY-MM&council=N as on the page): the selected
// council and each of its statistical neighbours, one column each, by
// month, newest first. The figures are those of the chart and its table,
// with another council's counts of 1 to 5 as "c" for council staff (D1);
// sendTable neutralises formula-like cells (U10).
func (s *Server) compareNeighboursData(c *gin.Context) {
	format, ok := dataFormat(c.Param("file"))
	if !ok {
		s.notFound(c)
		return
	}
	d, err := s.dataset(c.Request.Context())
	if err != nil {
		s.handleError(c, err)
		return
	}
	ind, m, council, err := s.compareParams(c, d)
	if err != nil {
		s.handleError(c, err)
		return
	}
	co, ok := d.ByNumber[council]
	if !ok {
		s.handleError(c, domain.Errorf(domain.EINVALID, "Choose a council, for example ?council=202, to download it against its statistical neighbours."))
		return
	}
	nd := d.NeighbourSeries(dashboard.ViewerOf(currentUser(c)), ind, m, council)
	header := []string{"month", "indicator_code", "unit"}
	for _, nc := range nd.Councils {
		header = append(header, nc.Name)
	}
	header = csvSafe(header)
	rows := make([][]string, 0, len(nd.Months))
	for j := len(nd.Months) - 1; j >= 0; j-- {
		row := []string{nd.Months[j].String(), ind.Code, ind.DisplayUnit()}
		for i := range nd.Councils {
			row = append(row, nd.Values[i][j].Text(2))
		}
		rows = append(rows, row)
	}
	note := nd.Note
	if nd.Missing != "" {
		note += " No figures for " + nd.Missing + "; those cells are empty."
	}
	s.sendTable(c, format, fmt.Sprintf("compare-%s-%s-%d-neighbours", ind.Code, m, council),
		ind.Label+": "+co.Name+" and its statistical neighbours ("+ind.DisplayUnit()+")", note, header, rows)
}
