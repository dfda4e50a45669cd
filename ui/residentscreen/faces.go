package residentscreen

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The five levels' faces, drawn rather than taken from a font: a face glyph (U+1F600…) is not in
// the CJK fonts a hall PC has. Each is a ring, two eyes and a mouth from a broad smile (非常满意)
// to a deep frown (非常不满意), all filled shapes, so the theme recolours them like its icons.

// faceSize is the faces' size on the resident screen (elderly mode: large and plain).
const faceSize = 72

// mouthCurve is how far the middle of the mouth bends down (a smile, > 0) or up (a frown) per
// level, in a 24-unit face.
var mouthCurve = [5]float64{3.4, 1.8, 0, -1.8, -3.4}

// face is the drawing of level (1 best … 5 worst), recoloured to the theme's text colour.
func face(level int) fyne.Resource {
	k := mouthCurve[level-1]
	y := 15.5 - k/4 // a frown sits a little lower, a smile a little higher
	const t = 0.85  // half the mouth's thickness
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">`+
		// the ring: the outer circle clockwise, the inner one back (non-zero rule leaves a hole)
		`<path fill="#000000" d="M1,12 A11,11 0 1,1 23,12 A11,11 0 1,1 1,12 Z M3,12 A9,9 0 1,0 21,12 A9,9 0 1,0 3,12 Z"/>`+
		`<circle fill="#000000" cx="8.5" cy="9.5" r="1.6"/><circle fill="#000000" cx="15.5" cy="9.5" r="1.6"/>`+
		`<path fill="#000000" d="M7,%.2f Q12,%.2f 17,%.2f L17,%.2f Q12,%.2f 7,%.2f Z"/></svg>`,
		y-t, y+2*k-t, y-t, y+t, y+2*k+t, y+t)
	return theme.NewThemedResource(fyne.NewStaticResource(fmt.Sprintf("evaluation-face-%d.svg", level), []byte(svg)))
}

// levelButton is one level of the evaluation: the face above its words, all five alike — the same
// size, the same plain button colour and a visible edge, no colour that says which to choose.
// It is a Button (Text, Importance, OnTapped) drawn with the face on top.
type levelButton struct {
	widget.Button
	level int
}

func newLevelButton(level int, words string, tapped func()) *levelButton {
	b := &levelButton{level: level}
	b.Text, b.Importance, b.OnTapped = words, widget.MediumImportance, tapped
	b.ExtendBaseWidget(b)
	return b
}

func (b *levelButton) CreateRenderer() fyne.WidgetRenderer {
	b.ExtendBaseWidget(b)
	r := &levelRenderer{b: b, bg: &canvas.Rectangle{}, face: canvas.NewImageFromResource(face(b.level)),
		text: &canvas.Text{Alignment: fyne.TextAlignCenter}}
	r.face.FillMode = canvas.ImageFillContain
	r.face.SetMinSize(fyne.NewSquareSize(faceSize))
	r.Refresh()
	return r
}

type levelRenderer struct {
	b    *levelButton
	bg   *canvas.Rectangle
	face *canvas.Image
	text *canvas.Text
}

func (r *levelRenderer) padding() float32 {
	return r.b.Theme().Size(theme.SizeNameInnerPadding)
}

func (r *levelRenderer) Layout(size fyne.Size) {
	p := r.padding()
	r.bg.Resize(size)
	textH := r.text.MinSize().Height
	top := (size.Height - faceSize - p/2 - textH) / 2
	r.face.Move(fyne.NewPos((size.Width-faceSize)/2, top))
	r.face.Resize(fyne.NewSquareSize(faceSize))
	r.text.Move(fyne.NewPos(0, top+faceSize+p/2))
	r.text.Resize(fyne.NewSize(size.Width, textH))
}

func (r *levelRenderer) MinSize() fyne.Size {
	p := r.padding()
	t := r.text.MinSize()
	return fyne.NewSize(max(t.Width, faceSize)+2*p, faceSize+p/2+t.Height+2*p)
}

func (r *levelRenderer) Refresh() {
	th, v := r.b.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
	r.bg.FillColor = th.Color(theme.ColorNameButton, v)
	r.bg.StrokeColor = th.Color(theme.ColorNameForeground, v) // an edge anyone can see
	r.bg.StrokeWidth = 2
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.text.Text, r.text.Color = r.b.Text, th.Color(theme.ColorNameForeground, v)
	r.text.TextSize = th.Size(theme.SizeNameText)
	r.face.Resource = face(r.b.level)
	r.face.Refresh()
	r.bg.Refresh()
	r.text.Refresh()
}

func (r *levelRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.face, r.text}
}

func (r *levelRenderer) Destroy() {}
