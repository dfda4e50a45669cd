// Package printer makes what the counter hands out on paper — queue tickets (ESC/POS or PDF) and
// the card application receipt (回执, PDF) — and sends PDFs to the system's printer.
package printer

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/go-pdf/fpdf"
)

// CJKFonts are single-face TrueType fonts with Chinese glyphs looked for by FindFont (fpdf, like
// Fyne, cannot read .ttc collections).
var CJKFonts = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	`C:\Windows\Fonts\simhei.ttf`,
	`C:\Windows\Fonts\simkai.ttf`,
	"/usr/share/fonts/truetype/arphic/uming.ttf",
}

// FindFont returns the first installed font of CJKFonts.
func FindFont() (string, error) {
	for _, f := range CJKFonts {
		if st, err := os.Stat(f); err == nil && st.Mode().IsRegular() {
			return f, nil
		}
	}
	return "", errors.New("no Chinese TrueType font found for printing (install fonts-droid-fallback)")
}

// LatinFonts are looked for to set digits and Latin letters, which some CJK fallback fonts
// (Droid Sans Fallback) lack; without one the CJK font sets everything.
var LatinFonts = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	`C:\Windows\Fonts\arial.ttf`,
}

// fonts keeps the font files read, by path: a kiosk prints all day, and the CJK font is megabytes.
var fonts sync.Map // path → []byte

// readFont reads a font file once per process.
func readFont(path string) ([]byte, error) {
	if b, ok := fonts.Load(path); ok {
		return b.([]byte), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fonts.Store(path, b)
	return b, nil
}

// systemCJKFont is the bytes of the first Chinese font FindFont finds; doc names the document in
// the error ("guide", "receipt").
func systemCJKFont(doc string) ([]byte, error) {
	file, err := FindFont()
	if err != nil {
		return nil, err
	}
	font, err := readFont(file)
	if err != nil {
		return nil, fmt.Errorf("%s font: %w", doc, err)
	}
	return font, nil
}

// addFonts registers the CJK font (bytes of a single-face TrueType file) and the first Latin font
// found, and returns the writer that switches between them by script.
func addFonts(pdf *fpdf.Fpdf, cjk []byte) mixed {
	pdf.AddUTF8FontFromBytes("cjk", "", cjk)
	latin := "cjk"
	for _, f := range LatinFonts {
		if b, err := readFont(f); err == nil {
			pdf.AddUTF8FontFromBytes("latin", "", b)
			latin = "latin"
			break
		}
	}
	return mixed{pdf: pdf, latin: latin}
}

// mixed sets a line in runs: ASCII in the Latin font, everything else in the CJK font.
type mixed struct {
	pdf   *fpdf.Fpdf
	latin string
}

type run struct {
	font, text string
}

func (m mixed) runs(s string) []run {
	var out []run
	for _, r := range s {
		f := "cjk"
		if r < 0x80 {
			f = m.latin
		}
		if n := len(out); n > 0 && out[n-1].font == f {
			out[n-1].text += string(r)
		} else {
			out = append(out, run{f, string(r)})
		}
	}
	return out
}

// line writes one line at size points, h mm high, centred or from the left margin.
func (m mixed) line(s string, size, h float64, center bool) {
	runs := m.runs(s)
	width := 0.0
	for _, r := range runs {
		m.pdf.SetFont(r.font, "", size)
		width += m.pdf.GetStringWidth(r.text)
	}
	left, _, right, _ := m.pdf.GetMargins()
	pageW, _ := m.pdf.GetPageSize()
	x := left
	if center {
		x = left + max((pageW-left-right-width)/2, 0)
	}
	y := m.pdf.GetY()
	for _, r := range runs {
		m.pdf.SetFont(r.font, "", size)
		w := m.pdf.GetStringWidth(r.text)
		m.pdf.SetXY(x, y)
		m.pdf.CellFormat(w, h, r.text, "", 0, "L", false, 0, "")
		x += w
	}
	m.pdf.SetXY(left, y+h)
}

// at writes s at x on the current line, size points, h mm high, and leaves the line where it is.
func (m mixed) at(x float64, s string, size, h float64) {
	y := m.pdf.GetY()
	for _, r := range m.runs(s) {
		m.pdf.SetFont(r.font, "", size)
		w := m.pdf.GetStringWidth(r.text)
		m.pdf.SetXY(x, y)
		m.pdf.CellFormat(w, h, r.text, "", 0, "L", false, 0, "")
		x += w
	}
	m.pdf.SetY(y)
}
