package uitest

import (
	"reflect"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// Texts collects every label, card title, button and entry text on the canvas, a line each.
func Texts(c fyne.Canvas) string { return ObjectTexts(c.Content()) }

// ObjectTexts is Texts for one object and everything inside it.
func ObjectTexts(o fyne.CanvasObject) string {
	var b strings.Builder
	Walk(o, func(o any) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Card:
			b.WriteString(x.Title + "\n" + x.Subtitle + "\n")
		case *widget.Entry:
			b.WriteString(x.Text + "|" + x.PlaceHolder + "\n")
		case *widget.Button:
			b.WriteString("[" + x.Text + "]\n")
		default:
			if e := embeddedEntry(o); e != nil {
				b.WriteString(e.Text + "|" + e.PlaceHolder + "\n")
			}
		}
	})
	return b.String()
}

// OverlayText is what the top overlay (a dialog) shows: labels and buttons.
func OverlayText(w fyne.Window) string {
	var b strings.Builder
	Walk(w.Canvas().Overlays().Top(), func(o any) {
		switch x := o.(type) {
		case *widget.Label:
			b.WriteString(x.Text + "\n")
		case *widget.Button:
			b.WriteString("[" + x.Text + "]\n")
		}
	})
	return b.String()
}

// Walk visits o and everything inside it: containers, scrolls and cards.
func Walk(o fyne.CanvasObject, visit func(any)) {
	if o == nil {
		return
	}
	visit(o)
	switch x := o.(type) {
	case *widget.Card:
		Walk(x.Content, visit)
	case *container.Scroll:
		Walk(x.Content, visit)
	case *fyne.Container:
		for _, c := range x.Objects {
			Walk(c, visit)
		}
	case fyne.Widget:
		// Compound widgets (dialogs) keep their parts in the renderer.
		if _, simple := o.(*widget.Label); !simple {
			for _, c := range test.WidgetRenderer(x).Objects() {
				Walk(c, visit)
			}
		}
	}
}

// embeddedEntry finds a widget.Entry embedded in a screen's own entry type (the ID bar's).
func embeddedEntry(o any) *widget.Entry {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := v.Elem().FieldByName("Entry")
	if !f.IsValid() || !f.CanAddr() {
		return nil
	}
	e, _ := f.Addr().Interface().(*widget.Entry)
	return e
}

// Buttons lists the buttons a window shows, in order.
func Buttons(w fyne.Window) []*widget.Button {
	var out []*widget.Button
	Walk(w.Canvas().Content(), func(o any) {
		if b, ok := o.(*widget.Button); ok {
			out = append(out, b)
		}
	})
	return out
}

// Button is the button with this text on the window (not in a dialog), or nil.
func Button(w fyne.Window, text string) *widget.Button {
	for _, b := range Buttons(w) {
		if b.Text == text {
			return b
		}
	}
	return nil
}
