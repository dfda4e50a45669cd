package forms

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // photo files may be PNG
	"io"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"

	"ykt/app"
	"ykt/ui/async"
	"ykt/ui/widgets"
)

// Limits on a photo file: its size on disk and in pixels (a decompression bomb is refused before
// it is decoded).
const (
	photoFileMax   = 20 << 20
	photoPixelsMax = 40_000_000
	previewMax     = 720 // longest side of the on-screen copy
)

var (
	errNotPicture = errors.New("not a JPEG or PNG picture")
	errTooBig     = errors.New("picture too large")
)

// photoPanel is the photo part of the application: the source from a file or the camera, the
// crop frame to move and zoom, and the prepared JPEG (358×441, 5–60 KB) with its size. Image work
// runs on a worker goroutine, one at a time; the JPEG stays in memory and is never written to
// disk.
type photoPanel struct {
	win    fyne.Window
	scope  *async.Scope // the form's: results after it closed are dropped
	camera app.Camera
	// changed is called on the UI goroutine when the prepared photo changes (or is refused).
	changed func()

	editor  *photoEditor
	thumb   *canvas.Image
	status  *widget.Label
	camNote *widget.Label
	fileBtn *widgets.KeyButton
	camBtn  *widgets.KeyButton
	zoomIn  *widgets.KeyButton
	zoomOut *widgets.KeyButton

	src     image.Image
	jpeg    []byte // the prepared photo, or nil
	gen     int    // bumped by every new request; a stale result is dropped
	want    image.Rectangle
	running bool
}

func newPhotoPanel(win fyne.Window, scope *async.Scope, camera app.Camera, changed func()) *photoPanel {
	p := &photoPanel{win: win, scope: scope, camera: camera, changed: changed}
	p.editor = newPhotoEditor(p.request)
	p.thumb = &canvas.Image{FillMode: canvas.ImageFillContain}
	p.thumb.SetMinSize(fyne.NewSize(90, 111))
	p.status = &widget.Label{Text: lang.L("No photo yet."), Wrapping: fyne.TextWrapWord}
	p.camNote = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.MediumImportance}
	p.fileBtn = widgets.NewKeyButton(lang.L("Photo from a file…"), widget.MediumImportance, p.chooseFile)
	p.fileBtn.Icon = theme.FolderOpenIcon()
	p.camBtn = widgets.NewKeyButton(lang.L("Take a photo"), widget.MediumImportance, p.capture)
	p.camBtn.Icon = theme.MediaPhotoIcon()
	p.camBtn.Disable()
	p.zoomIn = widgets.NewKeyButton("", widget.MediumImportance, func() { p.editor.zoomBy(1.15) })
	p.zoomIn.Icon = theme.ZoomInIcon()
	p.zoomOut = widgets.NewKeyButton("", widget.MediumImportance, func() { p.editor.zoomBy(1 / 1.15) })
	p.zoomOut.Icon = theme.ZoomOutIcon()
	p.checkCamera()
	return p
}

func (p *photoPanel) object() fyne.CanvasObject {
	buttons := container.NewHBox(p.fileBtn, p.camBtn, p.zoomOut, p.zoomIn)
	hint := &widget.Label{Text: lang.L("Drag to move the frame; zoom with the mouse wheel or the buttons."), Importance: widget.LowImportance, Wrapping: fyne.TextWrapWord}
	result := container.NewBorder(nil, nil, p.thumb, nil, container.NewVBox(p.status, p.camNote))
	return container.NewVBox(p.editor, hint, buttons, result)
}

// checkCamera asks the camera whether it can take a photo, off the UI goroutine.
func (p *photoPanel) checkCamera() {
	if p.camera == nil {
		p.camNote.SetText(noCameraText())
		return
	}
	cam := p.camera
	async.Go(p.scope, 10*time.Second, cam.Available, func(err error) {
		if err != nil {
			p.camNote.SetText(noCameraText())
			return
		}
		p.camNote.SetText("")
		p.camBtn.Enable()
	})
}

func noCameraText() string {
	return lang.L("No camera can be used on this computer (it needs a camera and ffmpeg); choose a photo file instead.")
}

// chooseFile opens the file dialog; the file is read and decoded off the UI goroutine.
func (p *photoPanel) chooseFile() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		p.setBusy(lang.L("Opening the photo…"))
		go func() {
			img, err := decodePhoto(r)
			r.Close()
			p.loaded(img, err)
		}()
	}, p.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".jpg", ".jpeg", ".png", ".JPG", ".JPEG", ".PNG"}))
	widgets.ShowFileDialog(p.win, d) // Esc cancels
}

// capture takes a frame from the camera off the UI goroutine.
func (p *photoPanel) capture() {
	p.setBusy(lang.L("Taking the photo…"))
	cam := p.camera
	async.Run(p.scope, 20*time.Second, cam.Capture, func(img image.Image, err error) { go p.loaded(img, err) })
}

func (p *photoPanel) setBusy(text string) {
	p.status.Importance = widget.MediumImportance
	p.status.SetText(text)
}

// decodePhoto reads a JPEG or PNG, refusing files and pictures too large to handle.
func decodePhoto(r io.Reader) (image.Image, error) {
	b, err := io.ReadAll(io.LimitReader(r, photoFileMax+1))
	if err != nil {
		return nil, fmt.Errorf("read photo: %w", err)
	}
	if len(b) > photoFileMax {
		return nil, errTooBig
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil || format != "jpeg" && format != "png" {
		return nil, errNotPicture
	}
	if cfg.Width*cfg.Height > photoPixelsMax {
		return nil, errTooBig
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, errNotPicture
	}
	return img, nil
}

// SetImage takes a photo from elsewhere (a test, a screenshot scene); it may be called from any
// goroutine.
func (p *photoPanel) SetImage(img image.Image) { go p.loaded(img, nil) }

// loaded runs on a worker goroutine: it makes the on-screen copy, then hands over to the UI.
func (p *photoPanel) loaded(img image.Image, err error) {
	var preview image.Image
	if err == nil {
		preview = shrink(img, previewMax)
	}
	p.scope.Do(func() {
		if err != nil {
			p.refuse(err)
			return
		}
		p.src = img
		p.editor.setImage(img.Bounds(), preview)
		p.request(p.editor.crop)
	})
}

// shrink returns a copy of img whose longest side is at most max pixels.
func shrink(img image.Image, max int) image.Image {
	b := img.Bounds()
	f := math.Min(1, float64(max)/float64(b.Dx()))
	f = math.Min(f, float64(max)/float64(b.Dy()))
	w, h := int(math.Round(float64(b.Dx())*f)), int(math.Round(float64(b.Dy())*f))
	dst := image.NewRGBA(image.Rect(0, 0, max1(w), max1(h)))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

func max1(n int) int { return max(n, 1) }

// request asks for the photo to be prepared from crop; on the UI goroutine. Only one preparation
// runs at a time: a request made meanwhile is taken up when it ends, the latest crop winning.
func (p *photoPanel) request(crop image.Rectangle) {
	if p.src == nil {
		return
	}
	p.want = crop
	p.gen++
	if !p.running {
		p.start()
	}
}

func (p *photoPanel) start() {
	p.running = true
	src, crop, gen := p.src, p.want, p.gen
	p.setBusy(lang.L("Preparing the photo…"))
	go func() {
		b, err := app.PreparePhoto(src, crop)
		var thumb image.Image
		if err == nil {
			thumb, err = jpeg.Decode(bytes.NewReader(b))
		}
		p.scope.Do(func() {
			p.running = false
			if gen != p.gen {
				p.start()
				return
			}
			if err != nil {
				p.refuse(err)
				return
			}
			p.jpeg = b
			p.thumb.Image = thumb
			p.thumb.Refresh()
			p.status.Importance = widget.SuccessImportance
			p.status.SetText(lang.L("Photo ready: 358×441 pixels, {{.KB}} KB.", map[string]any{"KB": kb(len(b))}))
			p.changed()
		})
	}()
}

// refuse shows why there is no usable photo and drops the previous one.
func (p *photoPanel) refuse(err error) {
	p.jpeg = nil
	p.thumb.Image = nil
	p.thumb.Refresh()
	p.status.Importance = widget.DangerImportance
	p.status.SetText(photoErrorText(err))
	p.changed()
}

// kb is a size in KB with one decimal, as the clerk reads it against the 5–60 KB rule.
func kb(n int) string { return fmt.Sprintf("%.1f", float64(n)/1024) }

func photoErrorText(err error) string {
	switch {
	case errors.Is(err, app.ErrPhotoTooSmall):
		return lang.L("The photo is smaller than 358×441 pixels: take it again closer, or zoom out.")
	case errors.Is(err, app.ErrPhotoBlank):
		return lang.L("The photo is nearly blank: take it again.")
	case errors.Is(err, app.ErrNoCamera):
		return noCameraText()
	case errors.Is(err, errNotPicture):
		return lang.L("This file is not a JPEG or PNG picture.")
	case errors.Is(err, errTooBig):
		return lang.L("This picture is too large to open; choose a smaller file.")
	case errors.Is(err, context.DeadlineExceeded):
		return lang.L("The camera did not answer in time; try again or choose a file.")
	}
	return lang.L("The photo could not be used; take it again or choose another file.")
}

// photoEditor shows the photo with the 358:441 crop frame. Dragging moves the frame; the mouse
// wheel and zoomBy change its size around its centre. Coordinates of crop are the source's.
type photoEditor struct {
	widget.BaseWidget
	bounds  image.Rectangle // of the source
	preview image.Image     // the source scaled down, stretched over bounds on screen
	crop    image.Rectangle
	onCrop  func(image.Rectangle)

	dx, dy float64 // drag not yet applied, in source pixels
	shown  float32 // display units per source pixel, from the last layout
}

func newPhotoEditor(onCrop func(image.Rectangle)) *photoEditor {
	e := &photoEditor{onCrop: onCrop}
	e.ExtendBaseWidget(e)
	return e
}

func (e *photoEditor) setImage(bounds image.Rectangle, preview image.Image) {
	e.bounds, e.preview = bounds, preview
	e.crop = app.PhotoCrop(bounds)
	e.Refresh()
}

// Dragged moves the frame with the pointer.
func (e *photoEditor) Dragged(ev *fyne.DragEvent) {
	if e.preview == nil || e.shown <= 0 {
		return
	}
	e.dx += float64(ev.Dragged.DX / e.shown)
	e.dy += float64(ev.Dragged.DY / e.shown)
	moved := e.crop.Add(image.Pt(int(e.dx), int(e.dy)))
	e.dx -= float64(int(e.dx))
	e.dy -= float64(int(e.dy))
	e.crop = clampRect(moved, e.bounds)
	e.Refresh()
}

// DragEnd prepares the photo from the frame where it was left.
func (e *photoEditor) DragEnd() {
	e.dx, e.dy = 0, 0
	if e.preview != nil {
		e.onCrop(e.crop)
	}
}

// Scrolled zooms: up (away from the user) makes the frame smaller.
func (e *photoEditor) Scrolled(ev *fyne.ScrollEvent) {
	switch {
	case ev.Scrolled.DY > 0:
		e.zoomBy(1.1)
	case ev.Scrolled.DY < 0:
		e.zoomBy(1 / 1.1)
	}
}

// zoomBy shrinks the frame by f (f > 1 zooms in), keeping its centre, between the largest frame
// and 358×441 source pixels (the photo is never up-scaled).
func (e *photoEditor) zoomBy(f float64) {
	if e.preview == nil {
		return
	}
	largest := app.PhotoCrop(e.bounds)
	w := int(math.Round(float64(e.crop.Dx()) / f))
	w = min(max(w, min(app.PhotoWidth, largest.Dx())), largest.Dx())
	h := w * app.PhotoHeight / app.PhotoWidth
	if h > largest.Dy() {
		h = largest.Dy()
	}
	c := image.Pt((e.crop.Min.X+e.crop.Max.X)/2, (e.crop.Min.Y+e.crop.Max.Y)/2)
	r := image.Rect(c.X-w/2, c.Y-h/2, c.X-w/2+w, c.Y-h/2+h)
	if r.Size() == e.crop.Size() {
		return
	}
	e.crop = clampRect(r, e.bounds)
	e.Refresh()
	e.onCrop(e.crop)
}

// clampRect moves r inside b without changing its size (r is never larger than b).
func clampRect(r, b image.Rectangle) image.Rectangle {
	d := image.Point{}
	if r.Min.X < b.Min.X {
		d.X = b.Min.X - r.Min.X
	} else if r.Max.X > b.Max.X {
		d.X = b.Max.X - r.Max.X
	}
	if r.Min.Y < b.Min.Y {
		d.Y = b.Min.Y - r.Min.Y
	} else if r.Max.Y > b.Max.Y {
		d.Y = b.Max.Y - r.Max.Y
	}
	return r.Add(d)
}

func (e *photoEditor) MinSize() fyne.Size { return fyne.NewSize(280, 300) }

func (e *photoEditor) CreateRenderer() fyne.WidgetRenderer {
	r := &photoEditorRenderer{e: e,
		bg:    canvas.NewRectangle(color.NRGBA{0xEE, 0xEE, 0xEE, 0xFF}),
		img:   &canvas.Image{FillMode: canvas.ImageFillStretch, ScaleMode: canvas.ImageScaleSmooth},
		frame: &canvas.Rectangle{StrokeColor: color.NRGBA{0xE6, 0x3C, 0x1E, 0xFF}, StrokeWidth: 2},
		empty: widget.NewLabel(lang.L("Photo preview")),
	}
	for i := range r.shade {
		r.shade[i] = canvas.NewRectangle(color.NRGBA{0, 0, 0, 0x90})
	}
	return r
}

type photoEditorRenderer struct {
	e     *photoEditor
	bg    *canvas.Rectangle
	img   *canvas.Image
	shade [4]*canvas.Rectangle
	frame *canvas.Rectangle
	empty *widget.Label
}

func (r *photoEditorRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.img, r.shade[0], r.shade[1], r.shade[2], r.shade[3], r.frame, r.empty}
}

func (r *photoEditorRenderer) MinSize() fyne.Size { return r.e.MinSize() }
func (r *photoEditorRenderer) Destroy()           {}

func (r *photoEditorRenderer) Refresh() {
	r.img.Image = r.e.preview
	r.Layout(r.e.Size())
	canvas.Refresh(r.e)
}

// Layout fits the photo into the widget and lays the frame and the shading around it.
func (r *photoEditorRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	e := r.e
	has := e.preview != nil
	r.empty.Hidden = has
	r.img.Hidden, r.frame.Hidden = !has, !has
	for _, s := range r.shade {
		s.Hidden = !has
	}
	if !has {
		r.empty.Move(fyne.NewPos(8, 8))
		r.empty.Resize(r.empty.MinSize())
		return
	}
	bw, bh := float32(e.bounds.Dx()), float32(e.bounds.Dy())
	s := min(size.Width/bw, size.Height/bh)
	e.shown = s
	ox, oy := (size.Width-bw*s)/2, (size.Height-bh*s)/2
	r.img.Move(fyne.NewPos(ox, oy))
	r.img.Resize(fyne.NewSize(bw*s, bh*s))
	c := e.crop.Sub(e.bounds.Min)
	fx, fy := ox+float32(c.Min.X)*s, oy+float32(c.Min.Y)*s
	fw, fh := float32(c.Dx())*s, float32(c.Dy())*s
	r.frame.Move(fyne.NewPos(fx, fy))
	r.frame.Resize(fyne.NewSize(fw, fh))
	place := func(sh *canvas.Rectangle, x, y, w, h float32) {
		sh.Move(fyne.NewPos(x, y))
		sh.Resize(fyne.NewSize(max(w, 0), max(h, 0)))
	}
	place(r.shade[0], ox, oy, bw*s, fy-oy)            // above
	place(r.shade[1], ox, fy+fh, bw*s, oy+bh*s-fy-fh) // below
	place(r.shade[2], ox, fy, fx-ox, fh)              // left
	place(r.shade[3], fx+fw, fy, ox+bw*s-fx-fw, fh)   // right
}
