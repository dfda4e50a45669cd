package printer

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-pdf/fpdf"
)

// PDF lays a receipt out on an 80 mm wide page, the width of a kiosk's receipt roll.
func PDF(r Receipt, fontFile string) ([]byte, error) {
	font, err := readFont(fontFile)
	if err != nil {
		return nil, fmt.Errorf("ticket font: %w", err)
	}
	height := 70.0 + 8*float64(len(r.Lines)) + 6*float64(len(r.Footer))
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: 80, Ht: height}})
	pdf.SetMargins(5, 5, 5)
	pdf.SetAutoPageBreak(false, 0)
	m := addFonts(pdf, font)
	pdf.AddPage()
	m.line(r.Header, 11, 7, true)
	m.line(r.Number, 40, 22, true)
	for i, l := range r.Lines {
		size := 12.0
		if i == 0 {
			size = 16
		}
		m.line(l, size, 8, true)
	}
	pdf.Ln(3)
	for _, l := range r.Footer {
		m.line(l, 9, 6, false)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("ticket PDF: %w", err)
	}
	return buf.Bytes(), nil
}

// PDFFile prints tickets as PDF files in a directory (for a system printer queue that takes PDF,
// or for a kiosk without a receipt printer).
type PDFFile struct {
	Dir  string
	Font string // "" = FindFont
	// Last is the path of the last file written.
	Last string
}

// Print writes the receipt as DIR/ticket-NUMBER.pdf.
func (p *PDFFile) Print(_ context.Context, r Receipt) error {
	font := p.Font
	if font == "" {
		f, err := FindFont()
		if err != nil {
			return err
		}
		font = f
	}
	data, err := PDF(r, font)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p.Dir, 0o700); err != nil {
		return fmt.Errorf("ticket directory: %w", err)
	}
	path := filepath.Join(p.Dir, "ticket-"+filepath.Base(r.Number)+".pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("write ticket: %w", err)
	}
	p.Last = path
	return nil
}
