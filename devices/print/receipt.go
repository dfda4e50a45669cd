// Package print makes what the counter hands the resident on paper: the card application receipt
// (回执) as a PDF with a QR code to follow its progress, and sends PDFs to the system's printer.
package print

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"ykt/app/pii"
)

// Receipt is what the application receipt shows. Personal data is masked on paper too (PI-12).
type Receipt struct {
	ApplicationID string
	Kind          string // already in words, e.g. "首次申领"
	Make          string // e.g. "即时制卡"
	Bank          string
	Urgent        bool
	ResidentName  string
	ResidentID    string
	ProxyName     string // empty without a proxy
	Hall          string
	Window        string
	ClerkID       string
	At            time.Time
	ProgressURL   string // what the QR code holds
	Labels        ReceiptLabels
}

// ReceiptLabels are the receipt's fixed texts in the interface language.
type ReceiptLabels struct {
	Title, ApplicationNo, Kind, Make, Bank, Urgent, Resident, IDNumber, Proxy, Place, Clerk, Time, ScanToFollow, Collect, Hotline, Yes string
}

// fontPaths are TrueType (not collection) fonts with Chinese glyphs, in order of preference:
// Debian's fonts-droid-fallback, then the fonts of Chinese Windows.
var fontPaths = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	`C:\Windows\Fonts\simhei.ttf`,
	`C:\Windows\Fonts\simkai.ttf`,
}

// ErrNoFont means no font with Chinese glyphs was found for the PDF.
var ErrNoFont = errors.New("no Chinese TrueType font for the receipt (install fonts-droid-fallback)")

func chineseFont() ([]byte, error) {
	for _, p := range fontPaths {
		if b, err := os.ReadFile(p); err == nil {
			return b, nil
		}
	}
	return nil, ErrNoFont
}

// mixed writes text at (x, y) switching fonts by script: the Chinese font lacks Latin glyphs,
// so ASCII runs use Helvetica and everything else the Chinese font.
func mixed(pdf *fpdf.Fpdf, x, y, size float64, text string) {
	pdf.SetXY(x, y)
	for len(text) > 0 {
		n := 0
		ascii := text[0] < 0x80
		for n < len(text) && (text[n] < 0x80) == ascii {
			n++
		}
		if ascii {
			pdf.SetFont("Helvetica", "", size)
		} else {
			pdf.SetFont("cjk", "", size)
		}
		pdf.Write(7, text[:n])
		text = text[n:]
	}
}

// ApplicationReceipt renders the receipt as an A5 PDF.
func ApplicationReceipt(r Receipt) ([]byte, error) {
	font, err := chineseFont()
	if err != nil {
		return nil, err
	}
	qr, err := qrcode.Encode(r.ProgressURL, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("receipt QR code: %w", err)
	}
	pdf := fpdf.New("P", "mm", "A5", "")
	pdf.SetTitle(r.Labels.Title+" "+r.ApplicationID, true)
	pdf.AddUTF8FontFromBytes("cjk", "", font)
	pdf.SetMargins(12, 12, 12)
	pdf.AddPage()
	pdf.SetFont("cjk", "", 16)
	pdf.CellFormat(0, 10, r.Labels.Title, "", 1, "C", false, 0, "")
	pdf.Ln(2)
	rows := [][2]string{
		{r.Labels.ApplicationNo, r.ApplicationID},
		{r.Labels.Kind, r.Kind},
		{r.Labels.Make, r.Make},
		{r.Labels.Bank, r.Bank},
		{r.Labels.Resident, pii.Name(r.ResidentName)},
		{r.Labels.IDNumber, pii.ID(r.ResidentID)},
	}
	if r.ProxyName != "" {
		rows = append(rows, [2]string{r.Labels.Proxy, pii.Name(r.ProxyName)})
	}
	if r.Urgent {
		rows = append(rows, [2]string{r.Labels.Urgent, r.Labels.Yes})
	}
	rows = append(rows,
		[2]string{r.Labels.Place, strings.TrimSpace(r.Hall + " " + r.Window)},
		[2]string{r.Labels.Clerk, r.ClerkID},
		[2]string{r.Labels.Time, r.At.Format("2006-01-02 15:04")},
	)
	for _, row := range rows {
		y := pdf.GetY()
		mixed(pdf, 12, y, 10.5, row[0])
		mixed(pdf, 40, y, 10.5, row[1])
		pdf.SetY(y + 7)
	}
	pdf.Ln(3)
	y := pdf.GetY()
	pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(qr))
	pdf.ImageOptions("qr", 12, y, 36, 36, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	for i, line := range []string{r.Labels.ScanToFollow, r.Labels.Collect, r.Labels.Hotline} {
		mixed(pdf, 52, y+4+float64(i)*7, 10.5, line)
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("render receipt: %w", err)
	}
	return out.Bytes(), nil
}
