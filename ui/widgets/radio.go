package widgets

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// KeyRadioGroup is a radio group (单选) made of KeyButtons: Tab reaches each option, Space
// chooses it, and Enter, Esc and the function keys reach the window — a dialog confirms or
// cancels — where Fyne's own radio items swallow them. Its fields are those of widget.RadioGroup.
type KeyRadioGroup struct {
	widget.DisableableWidget
	Options    []string
	Selected   string // "" none
	Horizontal bool
	Required   bool // choosing the selected option again does not clear it
	OnChanged  func(string)

	box   *fyne.Container
	items []*KeyButton
	shown []string // the options the items were made for
}

// NewKeyRadioGroup is a vertical group of options, none chosen.
func NewKeyRadioGroup(options []string, changed func(string)) *KeyRadioGroup {
	r := &KeyRadioGroup{Options: options, OnChanged: changed}
	r.ExtendBaseWidget(r)
	return r
}

// SetSelected chooses option ("" clears) and tells OnChanged when it changed.
func (r *KeyRadioGroup) SetSelected(option string) {
	if r.Selected == option {
		return
	}
	r.Selected = option
	r.Refresh()
	if r.OnChanged != nil {
		r.OnChanged(option)
	}
}

func (r *KeyRadioGroup) choose(option string) {
	if r.Disabled() {
		return
	}
	if option == r.Selected {
		if r.Required {
			return
		}
		option = ""
	}
	r.SetSelected(option)
}

// CreateRenderer lays the options out in a row or a column.
func (r *KeyRadioGroup) CreateRenderer() fyne.WidgetRenderer {
	r.ExtendBaseWidget(r)
	r.box = container.NewVBox()
	r.sync()
	return widget.NewSimpleRenderer(r.box)
}

// Refresh shows the options, the choice and the enabled state as the fields say.
func (r *KeyRadioGroup) Refresh() {
	r.sync()
	r.BaseWidget.Refresh()
}

func (r *KeyRadioGroup) sync() {
	if r.box == nil {
		return
	}
	if !slices.Equal(r.shown, r.Options) {
		r.shown = slices.Clone(r.Options)
		r.items = r.items[:0]
		for _, option := range r.Options {
			b := NewKeyButton(option, widget.LowImportance, func() { r.choose(option) })
			b.Alignment = widget.ButtonAlignLeading
			r.items = append(r.items, b)
		}
	}
	objs := make([]fyne.CanvasObject, len(r.items))
	for i, b := range r.items {
		icon := theme.RadioButtonIcon()
		if r.Options[i] == r.Selected {
			icon = theme.RadioButtonCheckedIcon()
		}
		b.Icon = icon
		if r.Disabled() {
			b.Disable()
		} else {
			b.Enable()
		}
		b.Refresh()
		objs[i] = b
	}
	if r.Horizontal {
		r.box.Layout = layout.NewHBoxLayout()
	} else {
		r.box.Layout = layout.NewVBoxLayout()
	}
	r.box.Objects = objs
	r.box.Refresh()
}
