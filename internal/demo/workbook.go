package demo

import (
	"io"

	"github.com/resilience-dashboard/resilience/internal/domain"
	"github.com/resilience-dashboard/resilience/internal/reference"
	"github.com/xuri/excelize/v2"
)

// LongSheet is the sheet name of the long-format demo workbook.
const LongSheet = "Returns"

// WriteLongWorkbook writes the demo figures as a long-format workbook (one
// row per council, indicator and month: la_number, indicator, month,
// value), the layout LGA officers use for bulk loads. Benchmarks and
// import tests use it to build national-scale files deterministically.
// It returns the number of data rows written.
func WriteLongWorkbook(w io.Writer, ref *reference.Data, opts Options) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", LongSheet); err != nil {
		return 0, err
	}
	sw, err := f.NewStreamWriter(LongSheet)
	if err != nil {
		return 0, err
	}
	if err := sw.SetRow("A1", []any{"la_number", "indicator", "month", "value"}); err != nil {
		return 0, err
	}
	row := 1
	err = Generate(ref, opts, func(o domain.Observation) error {
		row++
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, []any{o.Council, o.Indicator, o.Month, o.Value})
	})
	if err != nil {
		return 0, err
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	if _, err := f.WriteTo(w); err != nil {
		return 0, err
	}
	return row - 1, nil
}
