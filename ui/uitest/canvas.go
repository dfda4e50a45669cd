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
	if inner := embeddedWidget(o); inner != nil {
		visit(inner) // a screen's own kind of button or entry is also the Fyne one it embeds
	}
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

// Contains reports whether child is o or anywhere inside it.
func Contains(o fyne.CanvasObject, child fyne.CanvasObject) bool {
	found := false
	Walk(o, func(x any) {
		if x == any(child) {
			found = true
		}
	})
	return found
}

// embeddedWidget finds the Fyne button, entry, check box or drop-down embedded in a screen's own
// widget type (the ID bar, the Key widgets, the tip button), nil for anything else.
func embeddedWidget(o any) any {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	for _, name := range []string{"Button", "Entry", "Check", "Select"} {
		f := v.Elem().FieldByName(name)
		if !f.IsValid() || !f.CanAddr() {
			continue
		}
		switch w := f.Addr().Interface().(type) {
		case *widget.Button, *widget.Entry, *widget.Check, *widget.Select:
			return w
		}
	}
	return nil
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
