package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// FocusRingWidth is the width of the focus ring's outer band; the inner band is 2 px.
const FocusRingWidth = 3

// ringInk is the ring's outer band: near-black stands out 3:1 against white, grey and the
// programme's blue alike.
var ringInk = color.NRGBA{R: 0x10, G: 0x10, B: 0x10, A: 0xFF}

// ringRenderer draws a widget and, while it has focus, a ring over its edge: a near-black band
// outside a band in the background colour. Both stand out against a light widget or a primary
// one (Fyne's own focus tint is nearly invisible on a primary button), and against each other.
type ringRenderer struct {
	fyne.WidgetRenderer
	outer, inner *canvas.Rectangle
	on           func() bool
}

func newRingRenderer(r fyne.WidgetRenderer, on func() bool) *ringRenderer {
	band := func(width float32) *canvas.Rectangle {
		b := canvas.NewRectangle(color.Transparent)
		b.StrokeWidth = width
		b.Hide()
		return b
	}
	rr := &ringRenderer{WidgetRenderer: r, outer: band(FocusRingWidth), inner: band(2), on: on}
	rr.refreshRing()
	return rr
}

// Objects are the widget's own, then the ring on top.
func (r *ringRenderer) Objects() []fyne.CanvasObject {
	objs := r.WidgetRenderer.Objects()
	out := make([]fyne.CanvasObject, 0, len(objs)+2)
	return append(append(out, objs...), r.outer, r.inner)
}

// Layout lays the widget out and puts the ring on its edge.
func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	// A stroke is drawn centred on the rectangle's edge: each band's rectangle is inset by half
	// its width, so that the ring lies inside the widget.
	half := float32(FocusRingWidth) / 2
	r.outer.Move(fyne.NewPos(half, half))
	r.outer.Resize(size.SubtractWidthHeight(2*half, 2*half))
	in := float32(FocusRingWidth) + 1
	r.inner.Move(fyne.NewPos(in, in))
	r.inner.Resize(size.SubtractWidthHeight(2*in, 2*in))
}

// Refresh redraws the widget and shows or hides the ring.
func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.refreshRing()
}

func (r *ringRenderer) refreshRing() {
	r.outer.StrokeColor = ringInk
	r.inner.StrokeColor = theme.Color(theme.ColorNameBackground)
	radius := theme.Size(theme.SizeNameInputRadius)
	r.outer.CornerRadius, r.inner.CornerRadius = radius, max(0, radius-FocusRingWidth)
	for _, b := range []*canvas.Rectangle{r.outer, r.inner} {
		if r.on() {
			b.Show()
		} else {
			b.Hide()
		}
		b.Refresh()
	}
}
