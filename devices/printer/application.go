package printer

// The card application receipt (回执): an A5 PDF with a QR code to follow the card's making.

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"ykt/app/pii"
)

// AppReceipt is what the application receipt shows. Personal data is masked on paper too (PI-12).
type AppReceipt struct {
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
	Labels        AppReceiptLabels
}

// AppReceiptLabels are the receipt's fixed texts in the interface language.
type AppReceiptLabels struct {
	Title, ApplicationNo, Kind, Make, Bank, Urgent, Resident, IDNumber, Proxy, Place, Clerk, Time, ScanToFollow, Collect, Hotline, Yes string
}

// ApplicationReceipt renders the receipt as an A5 PDF.
func ApplicationReceipt(r AppReceipt) ([]byte, error) {
	font, err := systemCJKFont("receipt")
	if err != nil {
		return nil, err
	}
	qr, err := qrcode.Encode(r.ProgressURL, qrcode.Medium, 256)
	if err != nil {
		return nil, fmt.Errorf("receipt QR code: %w", err)
	}
	pdf := fpdf.New("P", "mm", "A5", "")
	pdf.SetTitle(r.Labels.Title+" "+r.ApplicationID, true)
	m := addFonts(pdf, font)
	pdf.SetMargins(12, 12, 12)
	pdf.AddPage()
	m.line(r.Labels.Title, 16, 10, true)
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
		m.at(12, row[0], 10.5, 7)
		m.at(40, row[1], 10.5, 7)
		pdf.Ln(7)
	}
	pdf.Ln(3)
	y := pdf.GetY()
	pdf.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(qr))
	pdf.ImageOptions("qr", 12, y, 36, 36, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetY(y + 4)
	for _, line := range []string{r.Labels.ScanToFollow, r.Labels.Collect, r.Labels.Hotline} {
		m.at(52, line, 10.5, 7)
		pdf.Ln(7)
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("render receipt: %w", err)
	}
	return out.Bytes(), nil
}
