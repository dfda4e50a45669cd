package forms

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/devices/printer"
	"ykt/ui/async"
	"ykt/ui/words"
)

// PrefProgressURL is the preference holding the address the receipt's QR code points to; the
// application number is added as the query parameter applicationId.
const PrefProgressURL = "receipt.progressURL"

// DefaultProgressURL is the progress page when the preference is not set.
const DefaultProgressURL = "https://zwykb.cq.gov.cn/ykt/progress"

// receiptBox makes the application receipt (回执) as a PDF in a temporary directory and offers to
// print or open it. The receipt holds masked identity only, and no photo.
type receiptBox struct {
	a      fyne.App
	scope  *async.Scope // the form's: results after it closed are dropped
	data   printer.AppReceipt
	status *widget.Label
	print  *widget.Button
	open   *widget.Button
	path   string // the PDF, once made
	// send prints a file; printer.SendToPrinter unless a test says otherwise.
	send func(ctx context.Context, path string) error
}

func (f *ApplicationForm) newReceiptBox(p app.ApplicationPayload) *receiptBox {
	d := f.deps
	r := &receiptBox{a: d.App, scope: f.scope, send: printer.SendToPrinter,
		status: &widget.Label{Text: lang.L("Making the receipt…"), Wrapping: fyne.TextWrapWord}}
	proxy := ""
	if p.Proxy != nil {
		proxy = p.Proxy.Name
	}
	r.data = printer.AppReceipt{
		ApplicationID: p.ApplicationID, Kind: words.ApplicationKindText(p.Kind), Make: makeShortText(p.Make), Bank: f.bankName(p.BankCode),
		Urgent: p.Urgent, ResidentName: p.Name, ResidentID: p.SSN, ProxyName: proxy,
		Hall: d.Workstation.HallName, Window: placeText(d.Channel, d.Workstation),
		ClerkID: d.Clerk.ID, At: d.Now().In(app.Shanghai), ProgressURL: progressURL(d.App, p.ApplicationID), Labels: receiptLabels(),
	}
	r.print = &widget.Button{Text: lang.L("Print the receipt"), Icon: theme.DocumentPrintIcon(), OnTapped: r.sendToPrinter}
	r.open = &widget.Button{Text: lang.L("Open the receipt"), Icon: theme.FileIcon(), OnTapped: r.openFile}
	r.print.Disable()
	r.open.Disable()
	return r
}

func (r *receiptBox) object() fyne.CanvasObject {
	return container.NewVBox(sectionTitle(lang.L("Receipt")), r.status, container.NewHBox(r.print, r.open))
}

// placeText says where the application was taken: the window, or a home visit (上门服务).
func placeText(ch app.Channel, ws app.Workstation) string {
	if ch == app.ChannelHomeVisit {
		return lang.L("home visit")
	}
	return lang.L("Window {{.No}}", map[string]any{"No": ws.WindowNo})
}

// progressURL is the address in the QR code: the preference's (or the default) with the number.
func progressURL(a fyne.App, applicationID string) string {
	base := DefaultProgressURL
	if a != nil {
		base = a.Preferences().StringWithFallback(PrefProgressURL, DefaultProgressURL)
	}
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" {
		u, _ = url.Parse(DefaultProgressURL)
	}
	q := u.Query()
	q.Set("applicationId", applicationID)
	u.RawQuery = q.Encode()
	return u.String()
}

func receiptLabels() printer.AppReceiptLabels {
	return printer.AppReceiptLabels{
		Title: lang.L("Social security card application receipt"), ApplicationNo: lang.L("Application number"),
		Kind: lang.L("Business"), Make: lang.L("Making"), Bank: lang.L("Bank"), Urgent: lang.L("Urgent making"),
		Resident: lang.L("Applicant"), IDNumber: lang.L("ID number"), Proxy: lang.L("Proxy"), Place: lang.L("Accepted at"),
		Clerk: lang.L("Accepted by"), Time: lang.L("Accepted on"), ScanToFollow: lang.L("Scan to follow the card's making"),
		Collect: lang.L("Collect the card in person with this receipt and your ID card"), Hotline: lang.L("Questions: call 12333"),
		Yes: lang.L("Yes"),
	}
}

// make renders the PDF and saves it, off the UI goroutine.
func (r *receiptBox) make() {
	data := r.data
	go func() {
		path, err := writeReceipt(data)
		r.scope.Do(func() {
			if err != nil {
				r.status.Importance = widget.DangerImportance
				r.status.SetText(lang.L("The receipt could not be made; the application is queued all the same."))
				return
			}
			r.path = path
			r.status.Importance = widget.MediumImportance
			r.status.SetText(lang.L("The receipt is ready: {{.File}}", map[string]any{"File": filepath.Base(path)}))
			r.print.Enable()
			r.open.Enable()
		})
	}()
}

// receiptKeep is how long receipts stay in the temporary directory (for a reprint the same day).
const receiptKeep = 24 * time.Hour

// writeReceipt renders the receipt into a new temporary directory, removing receipts older than
// receiptKeep on the way.
func writeReceipt(data printer.AppReceipt) (string, error) {
	pdf, err := printer.ApplicationReceipt(data)
	if err != nil {
		return "", err
	}
	pruneReceipts(os.TempDir(), time.Now().Add(-receiptKeep))
	dir, err := os.MkdirTemp("", "ykt-receipt-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "receipt-"+data.ApplicationID+".pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		return "", err
	}
	return path, nil
}

// pruneReceipts removes the receipt directories in tmp last changed before t (others' directories
// it may not remove are left alone).
func pruneReceipts(tmp string, before time.Time) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, "ykt-receipt-*"))
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && fi.ModTime().Before(before) {
			os.RemoveAll(d)
		}
	}
}

// sendToPrinter hands the PDF to the printing system off the UI goroutine. A printed receipt is
// removed at once (issue 10: less kept); printing again makes it anew from memory.
func (r *receiptBox) sendToPrinter() {
	r.print.Disable()
	r.status.SetText(lang.L("Sending the receipt to the printer…"))
	path, send, data := r.path, r.send, r.data
	type printed struct{ path string }
	async.Run(r.scope, 30*time.Second, func(ctx context.Context) (printed, error) {
		var err error
		if path == "" {
			path, err = writeReceipt(data)
		}
		if err == nil {
			err = send(ctx, path)
		}
		if err == nil {
			removeReceipt(path) // printed: the copy with the resident's data goes at once
			path = ""
		}
		return printed{path}, err
	}, func(p printed, err error) {
		r.path = p.path
		r.print.Enable()
		if p.path == "" {
			r.open.Disable()
		} else {
			r.open.Enable()
		}
		if err != nil {
			r.status.Importance = widget.DangerImportance
			r.status.SetText(lang.L("The receipt could not be printed: open it and print it from the viewer."))
			return
		}
		r.status.Importance = widget.SuccessImportance
		r.status.SetText(lang.L("The receipt was sent to the printer."))
	})
}

// removeReceipt deletes a receipt and the temporary directory writeReceipt made for it.
func removeReceipt(path string) {
	if dir := filepath.Dir(path); strings.HasPrefix(filepath.Base(dir), "ykt-receipt-") {
		os.RemoveAll(dir)
		return
	}
	os.Remove(path)
}

// openFile shows the PDF in the system's viewer.
func (r *receiptBox) openFile() {
	if r.path == "" || r.a == nil {
		return
	}
	u, err := url.Parse(storage.NewFileURI(r.path).String())
	if err == nil {
		err = r.a.OpenURL(u)
	}
	if err != nil {
		r.status.Importance = widget.DangerImportance
		r.status.SetText(lang.L("The receipt could not be opened; it is in {{.Path}}.", map[string]any{"Path": r.path}))
	}
}
