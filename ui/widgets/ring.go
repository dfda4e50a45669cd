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
//
// Where edged says so (a grey button, a drop-down) it also draws the control's edge, always: a
// 2 px line in the entries' border colour, which the theme holds at 4.5:1 against the window
// (issue 15, point 4: every control edge readable; Fyne's grey button on white is 1.1:1).
type ringRenderer struct {
	fyne.WidgetRenderer
	edge, outer, inner *canvas.Rectangle
	on, edged          func() bool
}

func newRingRenderer(r fyne.WidgetRenderer, on, edged func() bool) *ringRenderer {
	band := func(width float32) *canvas.Rectangle {
		b := canvas.NewRectangle(color.Transparent)
		b.StrokeWidth = width
		b.Hide()
		return b
	}
	if edged == nil {
		edged = func() bool { return false }
	}
	rr := &ringRenderer{WidgetRenderer: r, edge: band(2), outer: band(FocusRingWidth), inner: band(2), on: on, edged: edged}
	rr.refreshRing()
	return rr
}

// Objects are the widget's own, its edge, then the ring on top.
func (r *ringRenderer) Objects() []fyne.CanvasObject {
	objs := r.WidgetRenderer.Objects()
	out := make([]fyne.CanvasObject, 0, len(objs)+3)
	return append(append(out, objs...), r.edge, r.outer, r.inner)
}

// Layout lays the widget out and puts the ring on its edge.
func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	// A stroke is drawn centred on the rectangle's edge: each band's rectangle is inset by half
	// its width, so that the ring lies inside the widget.
	// A 2 px stroke centred 1 px inside: two whole pixel rows, none blended with the window.
	r.edge.Move(fyne.NewPos(1, 1))
	r.edge.Resize(size.SubtractWidthHeight(2, 2))
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
	r.edge.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	r.edge.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	// No Refresh of the edge itself: this runs inside the widget's refresh, which repaints it, and
	// a refresh of a shown object from here kept the window repainting every frame.
	r.edge.Hidden = !r.edged()
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
