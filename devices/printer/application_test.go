package printer

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var zhLabels = AppReceiptLabels{Title: "社会保障卡申领回执", ApplicationNo: "申请编号", Kind: "业务", Make: "制卡方式", Bank: "银行",
	Urgent: "加急制卡", Resident: "申请人", IDNumber: "身份证号", Proxy: "代办人", Place: "受理地点", Clerk: "受理人", Time: "受理时间",
	ScanToFollow: "扫码查询制卡进度", Collect: "请凭本回执和身份证领卡", Hotline: "咨询电话 12333", Yes: "是"}

// TestApplicationReceipt renders a receipt and reads it back with pdftotext (poppler-utils): the
// application number and masked identity are there, the full identity is not.
func TestApplicationReceipt(t *testing.T) {
	r := AppReceipt{ApplicationID: "0193a4c2-7d1e-7c1a-9d2b-6c1f0e9a4b11", Kind: "遗失补领", Make: "即时制卡", Bank: "中国工商银行", Urgent: true,
		ResidentName: "张三", ResidentID: "500106194912310029", ProxyName: "张小三", Hall: "沙坪坝区政务服务中心", Window: "07 号窗口",
		ClerkID: "c0107", At: time.Date(2026, 11, 28, 9, 31, 0, 0, time.FixedZone("CST", 8*3600)),
		ProgressURL: "https://zwykb.cq.gov.cn/ykt/progress?applicationId=0193a4c2-7d1e-7c1a-9d2b-6c1f0e9a4b11", Labels: zhLabels}
	pdf, err := ApplicationReceipt(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:16])
	}
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	os.WriteFile(path, pdf, 0o600)
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils, from scripts/install-deps.sh): %v %s", err, out)
	}
	text := string(out)
	for _, want := range []string{"社会保障卡申领回执", "0193a4c2-7d1e-7c1a-9d2b-6c1f0e9a4b11", "遗失补领", "即时制卡", "张*", "500106********0029",
		"代办人", "2026-11-28 09:31", "12333"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	for _, secret := range []string{"张三", "500106194912310029", "张小三"} {
		if strings.Contains(text, secret) {
			t.Errorf("receipt shows %q in clear", secret)
		}
	}
}
