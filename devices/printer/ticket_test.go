package printer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

var sample = Receipt{
	Header: "沙坪坝区政务服务中心",
	Number: "A012",
	Lines:  []string{"社保卡申领", "前方等待 3 人", "预计等候约 15 分钟"},
	Footer: []string{"2026-11-28 09:31", "咨询电话 12333"},
}

func gbk(s string) []byte {
	b, _ := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	return b
}

func TestESCPOS(t *testing.T) {
	b, err := ESCPOS(sample)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, append(append([]byte{}, escInit...), escChinaMode...)) || !bytes.HasSuffix(b, escFeedCut) {
		t.Errorf("no init or cut: % x … % x", b[:6], b[len(b)-4:])
	}
	for _, want := range [][]byte{gbk("沙坪坝区政务服务中心\n"), append(append([]byte{}, escBig...), "A012\n"...), gbk("前方等待 3 人\n"), gbk("咨询电话 12333\n")} {
		if !bytes.Contains(b, want) {
			t.Errorf("receipt lacks % x", want)
		}
	}
	if bytes.Contains(b, []byte("沙坪坝")) {
		t.Error("text sent as UTF-8, not GBK")
	}
	if _, err := ESCPOS(Receipt{Header: "🙂"}); err == nil {
		t.Error("an emoji the printer cannot print was accepted")
	}
}

func TestPDF(t *testing.T) {
	font, err := FindFont()
	if err != nil {
		t.Fatal(err)
	}
	p := &PDFFile{Dir: t.TempDir(), Font: font}
	if err := p.Print(context.Background(), sample); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p.Last)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-1.")) || !bytes.Contains(b[len(b)-10:], []byte("%%EOF")) {
		t.Fatalf("%s is not a PDF (%v)", p.Last, err)
	}
	if filepath.Base(p.Last) != "ticket-A012.pdf" || !bytes.Contains(b, []byte("/FontFile2")) {
		t.Errorf("file %s, embedded font: %v", p.Last, bytes.Contains(b, []byte("/FontFile2")))
	}
	if _, err := PDF(sample, filepath.Join(t.TempDir(), "none.ttf")); err == nil {
		t.Error("missing font accepted")
	}
}
