package printer

import (
	"bytes"
	"strings"
	"testing"
	"ykt/devices/printer/pdftest"
)

// TestGuideSheetLargeType renders a guide with a long line and reads it back: every text is
// there (pdftotext), and every font size set on the page is the elderly size or larger.
func TestGuideSheetLargeType(t *testing.T) {
	long := strings.Repeat("携带居民身份证到任一网点办理，", 8)
	g := GuideSheet{Title: "社保卡补领、换领 · 应用指南",
		Sections: []GuideSection{{Heading: "操作指引", Lines: []string{long, "咨询电话 12333"}},
			{Heading: "就近申领网点", Lines: []string{"沙坪坝区政务服务中心 · 重庆市沙坪坝区天星桥正街 5 号"}}},
		Footer: "沙坪坝区政务服务中心 07 号窗口 · 2026-11-28"}
	pdf, err := Guide(g)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF")
	}
	sizes := pdftest.FontSizes(pdf)
	if len(sizes) == 0 {
		t.Fatal("no text in the PDF")
	}
	for _, s := range sizes {
		if s < 18 {
			t.Errorf("text set at %.1f pt, under the elderly size 18", s)
		}
	}
	out := pdftest.TextOf(t, pdf)
	text := strings.Join(strings.Fields(out), "")
	for _, want := range []string{"社保卡补领、换领", "操作指引", "就近申领网点", "天星桥正街5号", "12333", strings.Repeat("携带居民身份证到任一网点办理，", 8)} {
		if !strings.Contains(text, strings.Join(strings.Fields(want), "")) {
			t.Errorf("guide lacks %q:\n%s", want, out)
		}
	}
}

func TestSplitWraps(t *testing.T) {
	font, err := FindFont()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := readFont(font)
	pdf := newGuidePDF()
	m := addFonts(pdf, b)
	for _, tt := range []struct {
		s     string
		width float64
		lines int
	}{{"", 100, 1}, {"短", 100, 1}, {strings.Repeat("长", 40), 100, 0}, {"ABC 123", 100, 1}} {
		got := m.split(tt.s, GuideTextSize, tt.width)
		if tt.lines > 0 && len(got) != tt.lines {
			t.Errorf("%q: %d lines", tt.s, len(got))
		}
		if strings.Join(got, "") != tt.s {
			t.Errorf("%q: lost text: %q", tt.s, got)
		}
		for _, l := range got {
			if w := width(m, l); w > tt.width+0.01 {
				t.Errorf("%q: line %q is %.1f mm wide", tt.s, l, w)
			}
		}
	}
}

func width(m mixed, s string) float64 {
	w := 0.0
	for _, r := range m.runs(s) {
		m.pdf.SetFont(r.font, "", GuideTextSize)
		w += m.pdf.GetStringWidth(r.text)
	}
	return w
}
