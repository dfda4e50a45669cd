package printer

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
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
	sizes := fontSizes(t, pdf)
	if len(sizes) == 0 {
		t.Fatal("no text in the PDF")
	}
	for _, s := range sizes {
		if s < 18 {
			t.Errorf("text set at %.1f pt, under the elderly size 18", s)
		}
	}
	path := filepath.Join(t.TempDir(), "guide.pdf")
	os.WriteFile(path, pdf, 0o600)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v %s", err, out)
	}
	text := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{"社保卡补领、换领", "操作指引", "就近申领网点", "天星桥正街5号", "12333", strings.Repeat("携带居民身份证到任一网点办理，", 8)} {
		if !strings.Contains(text, strings.Join(strings.Fields(want), "")) {
			t.Errorf("guide lacks %q:\n%s", want, out)
		}
	}
}

// fontSizes returns the sizes of every Tf operator in the PDF's content streams.
func fontSizes(t *testing.T, pdf []byte) []float64 {
	t.Helper()
	tf := regexp.MustCompile(`([0-9.]+) Tf`)
	streams := regexp.MustCompile(`(?s)\nstream\n(.*?)\nendstream`)
	var sizes []float64
	for _, m := range streams.FindAllSubmatch(pdf, -1) {
		r, err := zlib.NewReader(bytes.NewReader(m[1]))
		if err != nil {
			continue // not a compressed stream
		}
		body, _ := io.ReadAll(r)
		for _, f := range tf.FindAllSubmatch(body, -1) {
			s, _ := strconv.ParseFloat(string(f[1]), 64)
			sizes = append(sizes, s)
		}
	}
	return sizes
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
