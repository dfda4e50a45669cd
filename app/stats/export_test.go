package stats

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var table = Table{
	Title:  "2026-11-28 按业务",
	Header: []string{"日期", "业务", "取号", "等候中位（分）", "绿色通道占比"},
	Rows: [][]any{
		{"2026-11-28", "社保卡申领", 42, 12.5, 0.25},
		{"2026-11-28", "挂失, \"紧急\"", 7, 73.0, 0.0},
	},
}

func TestCSV(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, table); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "\ufeff日期,业务") {
		t.Errorf("no BOM or header: %q", b.String()[:20])
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 3 || recs[2][1] != "挂失, \"紧急\"" || recs[1][3] != "12.5" || recs[2][3] != "73" {
		t.Errorf("CSV read back: %q %v", recs, err)
	}
}

func TestXLSX(t *testing.T) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("2026-11-28 按业务")
	if err != nil || len(rows) != 3 || rows[0][3] != "等候中位（分）" || rows[1][1] != "社保卡申领" {
		t.Fatalf("rows %q %v", rows, err)
	}
	// Numbers stay numbers, so the supervisor can sum and chart them.
	if typ, _ := f.GetCellType("2026-11-28 按业务", "C2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("C2 is %v", typ)
	}
	if v, _ := f.CalcCellValue("2026-11-28 按业务", "D3"); v != "73" {
		t.Errorf("D3 = %q", v)
	}
}

var followUps = Table{
	Title:  "差评跟进",
	Header: []string{"日期", "票号", "回访期限"},
	Rows:   [][]any{{"2026-11-28", "A001", "2026-11-29 10:00"}},
}

// TestCSVSeveralTables: a second table follows after an empty row and its title, every row as
// wide as the widest table, so a strict reader takes the file.
func TestCSVSeveralTables(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, table, followUps); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff"))).ReadAll()
	if err != nil || len(recs) != 7 {
		t.Fatalf("CSV read back: %q %v", recs, err)
	}
	if recs[3][0] != "" || recs[4][0] != "差评跟进" || recs[5][2] != "回访期限" || recs[6][1] != "A001" || len(recs[6]) != 5 || recs[6][4] != "" {
		t.Errorf("second table: %q", recs[3:])
	}
}

func TestXLSXSeveralSheets(t *testing.T) {
	var b bytes.Buffer
	long := followUps
	long.Title = "a name: far too long for an Excel sheet [really]"
	if err := WriteXLSX(&b, table, followUps, long, followUps); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 4 || sheets[0] != "2026-11-28 按业务" || sheets[1] != "差评跟进" || sheets[2] != "a name- far too long for an Exc" || sheets[3] == "差评跟进" {
		t.Fatalf("sheets %q", sheets)
	}
	rows, err := f.GetRows("差评跟进")
	if err != nil || len(rows) != 2 || rows[1][1] != "A001" {
		t.Errorf("rows %q %v", rows, err)
	}
}
