package printer

// The guide sheet (应用指南、网点、操作指引): a business's guide or the service points near the
// hall, printed for the resident in large type (domain.md §5.3: text ≥ 18, line spacing ≥ 1.3).

import (
	"bytes"
	"fmt"

	"github.com/go-pdf/fpdf"
)

// Type sizes of the guide sheet, in points.
const (
	GuideTitleSize = 28.0
	GuideTextSize  = 20.0
)

// guideLineMM is the height of a line of text: 1.5 times the text size (1 pt = 0.3528 mm).
const guideLineMM = GuideTextSize * 0.3528 * 1.5

// GuideSheet is what the sheet shows: a title, sections of lines, and a footer (where and when).
// It holds no personal data.
type GuideSheet struct {
	Title    string
	Sections []GuideSection
	Footer   string
}

// GuideSection is a heading and its lines; a line longer than the page wraps.
type GuideSection struct {
	Heading string
	Lines   []string
}

// Guide renders the sheet as an A4 PDF in large type.
func Guide(g GuideSheet) ([]byte, error) {
	font, err := systemCJKFont("guide")
	if err != nil {
		return nil, err
	}
	pdf := newGuidePDF()
	pdf.SetTitle(g.Title, true)
	m := addFonts(pdf, font)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AddPage()
	m.wrapped(g.Title, GuideTitleSize, GuideTitleSize*0.3528*1.4)
	pdf.Ln(4)
	for _, s := range g.Sections {
		if s.Heading != "" {
			pdf.Ln(3)
			m.wrapped("■ "+s.Heading, GuideTextSize, guideLineMM)
		}
		for _, l := range s.Lines {
			m.wrapped(l, GuideTextSize, guideLineMM)
		}
	}
	if g.Footer != "" {
		pdf.Ln(6)
		m.wrapped(g.Footer, GuideTextSize, guideLineMM)
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("render guide: %w", err)
	}
	return out.Bytes(), nil
}

// newGuidePDF is an empty A4 portrait document measured in millimetres.
func newGuidePDF() *fpdf.Fpdf { return fpdf.New("P", "mm", "A4", "") }

// wrapped writes s from the left margin in lines that fit the page, h mm apart.
func (m mixed) wrapped(s string, size, h float64) {
	left, _, right, _ := m.pdf.GetMargins()
	pageW, _ := m.pdf.GetPageSize()
	for _, line := range m.split(s, size, pageW-left-right) {
		if m.pdf.GetY()+h > m.pageBottom() {
			m.pdf.AddPage()
		}
		m.line(line, size, h, false)
	}
}

// pageBottom is where text must end on the page.
func (m mixed) pageBottom() float64 {
	_, pageH := m.pdf.GetPageSize()
	_, bottom := m.pdf.GetAutoPageBreak()
	return pageH - bottom
}

// split breaks s into lines no wider than width at size points, between any two characters
// (Chinese text has no spaces to break at).
func (m mixed) split(s string, size, width float64) []string {
	var lines []string
	line, w := "", 0.0
	for _, r := range s {
		f := "cjk"
		if r < 0x80 {
			f = m.latin
		}
		m.pdf.SetFont(f, "", size)
		rw := m.pdf.GetStringWidth(string(r))
		if w+rw > width && line != "" {
			lines = append(lines, line)
			line, w = "", 0
		}
		line += string(r)
		w += rw
	}
	return append(lines, line)
}
