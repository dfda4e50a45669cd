// Package stats exports the supervisor's statistics tables (computed by app/queue.Stats, and the
// list of 差评 with their follow-up deadlines) as CSV and Excel xlsx. Headers come translated
// from the screen; cells are strings or numbers.
package stats

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

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
// Chinese Windows read the Chinese headers correctly. Further tables follow below it, each after
// an empty row and a row with its title; every row is padded to the widest table, so a strict
// CSV reader takes the file too.
func WriteCSV(w io.Writer, t Table, more ...Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	width := len(t.Header)
	for _, m := range more {
		width = max(width, len(m.Header))
	}
	cw := csv.NewWriter(w)
	write := func(cells []string) error {
		rec := make([]string, width)
		copy(rec, cells)
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write CSV: %w", err)
		}
		return nil
	}
	for i, t := range append([]Table{t}, more...) {
		if i > 0 {
			if err := write(nil); err != nil {
				return err
			}
			if err := write([]string{t.Title}); err != nil {
				return err
			}
		}
		if err := write(t.Header); err != nil {
			return err
		}
		for _, r := range t.Rows {
			rec := make([]string, len(r))
			for i, v := range r {
				rec[i] = cellText(v)
			}
			if err := write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write CSV: %w", err)
	}
	return nil
}

// WriteXLSX writes the table as an Excel workbook, one sheet per table (named by its title),
// numbers as numbers, the header bold and frozen.
func WriteXLSX(w io.Writer, t Table, more ...Table) error {
	f := excelize.NewFile()
	defer f.Close()
	used := map[string]bool{}
	for i, t := range append([]Table{t}, more...) {
		sheet := sheetName(t.Title, i, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return fmt.Errorf("xlsx sheet: %w", err)
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return fmt.Errorf("xlsx sheet: %w", err)
		}
		if err := writeSheet(f, sheet, t); err != nil {
			return err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// sheetName is a table's title as Excel allows a sheet name: at most 31 characters, none of
// : \ / ? * [ ], and unique in the workbook.
func sheetName(title string, i int, used map[string]bool) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, title)
	if name == "" {
		name = "Sheet" + strconv.Itoa(i+1)
	}
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	for used[strings.ToLower(name)] {
		suffix := " " + strconv.Itoa(i+1)
		r := []rune(name)
		name = string(r[:min(len(r), 31-len(suffix))]) + suffix
		i++
	}
	used[strings.ToLower(name)] = true
	return name
}

func writeSheet(f *excelize.File, sheet string, t Table) error {
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
	return nil
}
