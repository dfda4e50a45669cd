// Package stats exports the supervisor's statistics tables (computed by app/queue.Stats) as CSV
// and Excel xlsx. Headers come translated from the screen; cells are strings or numbers.
package stats

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Table is a header and rows of cells; a cell is a string, an int or a float64.
type Table struct {
	Title  string // the sheet's name in xlsx (at most 31 characters)
	Header []string
	Rows   [][]any
}

func cellText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// WriteCSV writes the table as UTF-8 CSV with a byte-order mark, so spreadsheet programs on
// Chinese Windows read the Chinese headers correctly.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = cellText(v)
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// WriteXLSX writes the table as an Excel workbook of one sheet, numbers as numbers, the header
// bold and frozen.
func WriteXLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.Title
	if sheet == "" {
		sheet = "Sheet1"
	}
	if r := []rune(sheet); len(r) > 31 {
		sheet = string(r[:31])
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("xlsx sheet: %w", err)
	}
	put := func(col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return f.SetCellValue(sheet, cell, v)
	}
	for i, h := range t.Header {
		if err := put(i+1, 1, h); err != nil {
			return fmt.Errorf("xlsx header: %w", err)
		}
	}
	for r, row := range t.Rows {
		for c, v := range row {
			if err := put(c+1, r+2, v); err != nil {
				return fmt.Errorf("xlsx row %d: %w", r+1, err)
			}
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err == nil && len(t.Header) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(t.Header), 1)
		f.SetCellStyle(sheet, "A1", last, bold)
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}
