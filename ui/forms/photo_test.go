package forms

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/devices/camera"
	"ykt/ui/uitest"
	"ykt/ui/widgets"
)

// TestPhotoPreparedOffTheUIGoroutine: the photo is scaled and compressed on a worker goroutine;
// the UI goroutine (the test, draining the queue) only receives the result. Run with -race.
func TestPhotoPreparedOffTheUIGoroutine(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	p := form.photo
	form.SetPhoto(portrait(600, 800))
	if p.jpeg != nil || p.status.Text != "尚无照片。" {
		t.Fatalf("photo work reached the UI before the UI ran it: %q", p.status.Text)
	}
	f.waitUI(t, func() bool { return p.jpeg != nil && !p.running })
	if want := "照片已就绪：358×441 像素，" + kb(len(p.jpeg)) + " KB。"; p.status.Text != want || p.status.Importance != widget.SuccessImportance {
		t.Errorf("status %q, want %q", p.status.Text, want)
	}
	if n := len(p.jpeg); n < app.PhotoMinBytes || n > app.PhotoMaxBytes || p.thumb.Image == nil {
		t.Errorf("prepared %d bytes, thumbnail %v", n, p.thumb.Image != nil)
	}
	if got := errText(form, "photo"); got != "" {
		t.Errorf("a good photo refused: %q", got)
	}

	// Zoom in, then drag the frame right: each change prepares the photo again, off the UI.
	e := p.editor
	full := e.crop
	e.zoomBy(1.25)
	if e.crop.Dx() >= full.Dx() || p.status.Text != "正在处理照片…" {
		t.Fatalf("zoom: crop %v (was %v), status %q", e.crop, full, p.status.Text)
	}
	test.Tap(form.submitBtn) // the photo sent must be the one the clerk sees
	if form.formMsg.Text != "照片仍在处理中：请稍后再提交。" || f.w.Canvas().Overlays().Top() != nil {
		t.Errorf("submitted while the photo was being prepared: %q", form.formMsg.Text)
	}
	f.waitUI(t, func() bool { return !p.running })
	zoomed, before := e.crop, p.jpeg
	if e.shown <= 0 {
		t.Fatal("the editor was never laid out")
	}
	e.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 20, DY: 0}})
	e.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 20, DY: 0}})
	if e.crop.Min.X <= zoomed.Min.X || e.crop.Min.Y != zoomed.Min.Y || e.crop.Size() != zoomed.Size() {
		t.Errorf("drag right: %v → %v", zoomed, e.crop)
	}
	e.DragEnd()
	f.waitUI(t, func() bool { return !p.running })
	if bytes.Equal(before, p.jpeg) {
		t.Error("the photo was not prepared again from the moved frame")
	}
	// The frame never leaves the photo, and never gets under 358×441 source pixels.
	for i := 0; i < 50; i++ {
		e.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 100, DY: 100}})
	}
	e.zoomBy(10)
	if !e.crop.In(e.bounds) || e.crop.Dx() != app.PhotoWidth {
		t.Errorf("frame %v in %v", e.crop, e.bounds)
	}
	f.waitUI(t, func() bool { return !p.running && p.jpeg != nil })
}

func TestPhotoRefused(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	p := form.photo
	blank := image.NewRGBA(image.Rect(0, 0, 800, 1000))
	for i := range blank.Pix {
		blank.Pix[i] = 0xFF
	}
	for _, tt := range []struct {
		img  image.Image
		want string
	}{
		{portrait(300, 400), "照片小于 358×441 像素：请靠近重拍，或缩小取景框。"},
		{blank, "照片几乎是空白的：请重拍。"},
	} {
		form.SetPhoto(portrait(600, 800))
		f.waitUI(t, func() bool { return p.jpeg != nil && !p.running })
		form.SetPhoto(tt.img)
		f.waitUI(t, func() bool { return p.status.Text == tt.want && !p.running })
		if p.jpeg != nil || p.thumb.Image != nil || p.status.Importance != widget.DangerImportance {
			t.Errorf("%q: the previous photo was kept", tt.want)
		}
	}
	for _, junk := range []string{"GIF89a not really", "plain text"} {
		if _, err := decodePhoto(strings.NewReader(junk)); err != errNotPicture {
			t.Errorf("%q: %v", junk, err)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, portrait(400, 500))
	if img, err := decodePhoto(&b); err != nil || img.Bounds().Dx() != 400 {
		t.Errorf("a PNG file: %v", err)
	}
	if photoErrorText(errNotPicture) != "此文件不是 JPEG 或 PNG 图片。" {
		t.Error("no sentence for a file that is not a picture")
	}
}

// fakeFFmpeg stands in for the ffmpeg program: it writes a PNG frame to stdout, as the camera
// adapter asks the real one to.
func fakeFFmpeg(t *testing.T, frame image.Image) (bin, device string) {
	t.Helper()
	dir := t.TempDir()
	var b bytes.Buffer
	png.Encode(&b, frame)
	framePath := filepath.Join(dir, "frame.png")
	os.WriteFile(framePath, b.Bytes(), 0o600)
	bin = filepath.Join(dir, "ffmpeg")
	os.WriteFile(bin, []byte("#!/bin/sh\ncat "+framePath+"\n"), 0o755)
	device = filepath.Join(dir, "video0") // stands for /dev/video0: only its presence counts
	os.WriteFile(device, nil, 0o600)
	return bin, device
}

func TestPhotoFromCamera(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	open := func(cam app.Camera) *photoPanel {
		form := NewApplicationForm(ApplicationDeps{App: f.a, Window: f.w, Services: f.c.Services, Clerk: f.clerk,
			Workstation: uitest.DemoHall, Do: f.ui.Do, Now: uitest.FixedNow, Action: app.ActApplyNew, View: v, IDCard: idc, Camera: cam})
		t.Cleanup(form.Close)
		f.w.SetContent(form.Object())
		return form.photo
	}
	const none = "本机没有可用的摄像头；请改为选择照片文件。" // no "ffmpeg" on a Chinese screen
	for name, cam := range map[string]app.Camera{
		"no camera": nil,
		"no ffmpeg": camera.FFmpeg{Path: filepath.Join(t.TempDir(), "ffmpeg")},
		"no device": camera.FFmpeg{Path: "/bin/true", Device: filepath.Join(t.TempDir(), "video0")},
	} {
		p := open(cam)
		f.waitUI(t, func() bool { return p.camNote.Text == none })
		if !p.camBtn.Disabled() || p.fileBtn.Disabled() {
			t.Errorf("%s: camera button enabled %v, file button enabled %v", name, !p.camBtn.Disabled(), !p.fileBtn.Disabled())
		}
	}

	bin, dev := fakeFFmpeg(t, portrait(640, 480))
	p := open(camera.FFmpeg{Path: bin, Device: dev})
	f.waitUI(t, func() bool { return !p.camBtn.Disabled() })
	if p.camNote.Text != "" {
		t.Errorf("camera note %q", p.camNote.Text)
	}
	test.Tap(p.camBtn)
	if p.status.Text != "正在拍照…" {
		t.Errorf("while taking: %q", p.status.Text)
	}
	f.waitUI(t, func() bool { return p.jpeg != nil && !p.running })
	if p.editor.bounds != image.Rect(0, 0, 640, 480) || p.editor.crop.Dy() != 480 {
		t.Errorf("camera frame %v, crop %v", p.editor.bounds, p.editor.crop)
	}
}

func TestDemoPortraitMakesAGoodPhoto(t *testing.T) {
	img := DemoPortrait()
	b, err := app.PreparePhoto(img, img.Bounds())
	if err != nil || len(b) < app.PhotoMinBytes || len(b) > app.PhotoMaxBytes {
		t.Fatalf("demo portrait: %d bytes, %v", len(b), err)
	}
}

// TestPhotoFileChooserClosesOnEsc: the file chooser, reached by Tab and Space on its button,
// closes on Esc as it opens, and the Esc goes no further (the desk would close the form).
func TestPhotoFileChooserClosesOnEsc(t *testing.T) {
	f := newAppFixture(t, "c0107")
	idc, v := newPerson(t)
	form := f.open(t, app.ActApplyNew, v, idc, nil)
	c := f.w.Canvas()
	formEsc := 0
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { // as the desk's: the dialog on top first
		if !widgets.DialogKey(c, ev) && ev.Name == fyne.KeyEscape {
			formEsc++
		}
	})
	for i := 0; c.Focused() != fyne.Focusable(form.photo.fileBtn); i++ {
		if i == 200 {
			t.Fatal("Tab never reaches the photo file button")
		}
		uitest.Press(c, fyne.KeyTab)
	}
	uitest.Press(c, fyne.KeySpace)
	if n := len(c.Overlays().List()); n != 1 {
		t.Fatalf("Space on the photo file button: %d overlays", n)
	}
	uitest.Press(c, fyne.KeyEscape)
	if n := len(c.Overlays().List()); n != 0 || formEsc != 0 {
		t.Fatalf("Esc in the file chooser: %d overlays, %d Esc reached the form", n, formEsc)
	}
}
