package ui

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/ids"
)

// appFixture is the application screen in a test window over a counter wired as main wires it
// (real database, the reference platform on loopback, the sync engine).
type appFixture struct {
	c     *counter
	a     fyne.App
	w     fyne.Window
	ui    uiQueue
	clerk app.Clerk
	form  *ApplicationForm
	done  []app.Operation
}

func newAppFixture(t *testing.T, clerkID string) *appFixture {
	t.Helper()
	a := test.NewTempApp(t)
	if err := UseLanguage("zh_Hans"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { UseLanguage(Languages[0].Code) })
	c := newCounter(t)
	sess := c.signIn(t, clerkID)
	w := a.NewWindow("")
	t.Cleanup(w.Close)
	w.Resize(WindowSize)
	return &appFixture{c: c, a: a, w: w, ui: make(uiQueue, 256), clerk: sess.Clerk}
}

// lookup identifies a demo resident on the platform, as the workbench does.
func (f *appFixture) lookup(t *testing.T, ssn string) app.ResidentView {
	t.Helper()
	r, err := f.c.Lookup.Resident(context.Background(), f.clerk.ID, app.IDTypeIDCard, ssn)
	if err != nil {
		t.Fatalf("lookup %s: %v", ssn, err)
	}
	return app.ResidentView{Resident: r.Resident, Cards: r.Cards, Via: app.ViaIDCard, FetchedAt: r.FetchedAt}
}

// open shows the form for action and waits until the catalogue is in.
func (f *appFixture) open(t *testing.T, action app.Action, v app.ResidentView, idc *app.IDCard, cr *app.CardRead) *ApplicationForm {
	t.Helper()
	f.form = NewApplicationForm(ApplicationDeps{App: f.a, Window: f.w, Services: f.c.Services, Clerk: f.clerk,
		Channel: app.ChannelOf(f.clerk), Workstation: demoHall, Do: f.ui.Do, Now: fixedNow, Action: action, View: v,
		IDCard: idc, CardRead: cr, OnDone: func(op app.Operation) { f.done = append(f.done, op) }})
	t.Cleanup(f.form.Close)
	f.w.SetContent(f.form.Object())
	f.ui.drainUntil(t, func() bool { return len(f.form.banks) > 0 })
	return f.form
}

// newPerson is someone the platform does not know yet: a first application from the ID card.
func newPerson(t *testing.T) (*app.IDCard, app.ResidentView) {
	t.Helper()
	body := "50010619880808123"
	check, _ := ids.CheckChar(body)
	idc := &app.IDCard{Name: "钱多多", Sex: "1", Nation: "03", BirthDate: "1988-08-08", Address: "重庆市沙坪坝区歌乐山镇山洞路7号",
		IDNumber: body + string(check), IDNumberValid: true, Authority: "重庆市公安局沙坪坝区分局", ValidFrom: "2018-05-01", ValidUntil: app.LongTerm}
	v := app.ResidentView{Resident: app.Resident{SSN: idc.IDNumber, Name: idc.Name, Sex: idc.Sex, Nation: idc.Nation,
		BirthDate: idc.BirthDate, Address: idc.Address}, Via: app.ViaIDCard}
	return idc, v
}

// portrait makes a camera-like frame: a noisy background with a face-coloured ellipse, so JPEG
// sizes behave as with a real photo.
func portrait(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewSource(1))
	cx, cy, rx, ry := w/2, h/2, w/4, h/3
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := uint8(rng.Intn(40))
			c := color.RGBA{200 + n/2, 210 + n/3, 220, 255}
			dx, dy := float64(x-cx)/float64(rx), float64(y-cy)/float64(ry)
			if dx*dx+dy*dy < 1 {
				c = color.RGBA{180 + n, 140 + n/2, 120 + n/3, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// addPhoto gives the form a photo and waits until it is prepared.
func (f *appFixture) addPhoto(t *testing.T) {
	t.Helper()
	f.form.SetPhoto(portrait(900, 1200))
	f.ui.drainUntil(t, func() bool { return f.form.photo.jpeg != nil && !f.form.photo.running })
}

func errText(f *ApplicationForm, field string) string {
	if l := f.errs[field]; l != nil && !l.Hidden {
		return l.Text
	}
	return ""
}

func TestApplicationPrefilledFromIDCard(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	checks := map[string]string{
		"name": form.name.Text, "sex": form.sex.Selected, "nation": form.nation.Selected, "birth": form.birth.Text,
		"address": form.address.Text, "phone": form.phone.Text, "validUntil": form.validUntil.Text,
	}
	want := map[string]string{
		"name": "钱多多", "sex": "男", "nation": "03 回族", "birth": "1988-08-08",
		"address": "重庆市沙坪坝区歌乐山镇山洞路7号", "phone": "", "validUntil": "",
	}
	for k, w := range want {
		if checks[k] != w {
			t.Errorf("%s = %q, want %q", k, checks[k], w)
		}
	}
	if !form.longTerm.Checked || !form.validUntil.Disabled() {
		t.Error("a long-term ID card (长期) is not ticked as such")
	}
	all := texts(f.w.Canvas())
	for _, want := range []string{"首次申领", "钱**   500106********", "已根据身份证读卡填写"} {
		if !strings.Contains(all, want) {
			t.Errorf("screen lacks %q:\n%s", want, all)
		}
	}
	// Nothing is shouted before the clerk does anything.
	if n := form.errorsShown(); n != 0 {
		t.Errorf("%d errors shown on a fresh form", n)
	}
	if img := f.w.Canvas().Capture(); img != nil {
		saveCapture(t, img, "application-new")
	}
}

var _ = widget.Label{}

// saveCapture writes a capture to $YKT_CAPTURE_DIR when set (for looking at the layout).
func saveCapture(t *testing.T, img image.Image, name string) {
	dir := os.Getenv("YKT_CAPTURE_DIR")
	if dir == "" {
		return
	}
	fh, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	png.Encode(fh, img)
}
