package desk

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/ui/widgets"
)

// StatusBar is the bottom line of the workbench: platform, card reader, outbox counts and the time.
// Its state is a binding, so workers update it from any goroutine.
type StatusBar struct {
	status binding.Item[app.Status]
	now    binding.Item[time.Time]

	platformDot *canvas.Text
	platform    *widget.Label
	reader      *widget.Label
	pending     *widget.Label
	failed      *widget.Label
	conflicts   *widget.Label
	clock       *widget.Label
	bar         *fyne.Container
	// OnOpenSync, when set, makes the outbox counts a button that opens the sync panel.
	OnOpenSync func()
}

func newStatusBar() *StatusBar {
	s := &StatusBar{
		status:      binding.NewItem[app.Status](func(a, b app.Status) bool { return a == b }),
		now:         binding.NewItem[time.Time](func(a, b time.Time) bool { return a.Equal(b) }),
		platformDot: canvas.NewText("●", theme.Color(theme.ColorNameDisabled)),
		platform:    widget.NewLabel(""),
		reader:      widget.NewLabel(""),
		pending:     widget.NewLabel(""),
		failed:      widget.NewLabel(""),
		conflicts:   widget.NewLabel(""),
		clock:       widget.NewLabel(""),
	}
	s.status.AddListener(binding.NewDataListener(s.refresh))
	s.now.AddListener(binding.NewDataListener(s.refreshClock))
	return s
}

func (s *StatusBar) object() fyne.CanvasObject {
	items := []fyne.CanvasObject{s.platformDot, s.platform, widget.NewSeparator(), s.reader, widget.NewSeparator(), s.pending, s.failed, s.conflicts}
	if s.OnOpenSync != nil {
		items = append(items, widgets.NewKeyButton(lang.L("Details"), widget.LowImportance, s.OnOpenSync))
	}
	s.bar = container.NewHBox(append(items, layout.NewSpacer(), s.clock)...)
	return container.NewVBox(widget.NewSeparator(), s.bar)
}

// Show sets the status; safe from any goroutine.
func (s *StatusBar) Show(st app.Status) { _ = s.status.Set(st) }

// SetTime sets the clock; safe from any goroutine.
func (s *StatusBar) SetTime(t time.Time) { _ = s.now.Set(t) }

func (s *StatusBar) refresh() {
	st, _ := s.status.Get()
	text, col := platformText(st, s.clockNow())
	s.platform.SetText(text)
	s.platformDot.Color = col
	s.platformDot.Refresh()
	s.reader.SetText(readerText(st.Reader))
	if st.OutboxErr {
		s.pending.SetText(lang.L("Local database unreadable"))
		s.failed.SetText("")
		s.conflicts.SetText("")
		return
	}
	s.showPending(st.Outbox)
	s.failed.SetText(lang.L("Failed {{.N}}", map[string]any{"N": st.Outbox.Rejected}))
	s.conflicts.SetText(lang.L("Conflicts {{.N}}", map[string]any{"N": st.Outbox.Conflicts}))
	s.failed.Importance = importanceIf(st.Outbox.Rejected > 0, widget.DangerImportance)
	s.conflicts.Importance = importanceIf(st.Outbox.Conflicts > 0, widget.WarningImportance)
	s.failed.Refresh()
	s.conflicts.Refresh()
}

// showPending shows the operations waiting for the platform; after a week the age of the oldest
// joins them as a warning, and after MaxWaiting as an error, since new business then stops (SY-2).
func (s *StatusBar) showPending(c app.OutboxCounts) {
	now := s.clockNow()
	days := c.WaitedDays(now)
	switch waited := c.Waited(now); {
	case waited >= app.MaxWaiting:
		s.pending.Importance = widget.DangerImportance
	case waited >= app.WarnWaiting:
		s.pending.Importance = widget.WarningImportance
	default:
		s.pending.Importance = widget.MediumImportance
		s.pending.SetText(lang.L("Pending {{.N}}", map[string]any{"N": c.Pending}))
		return
	}
	s.pending.SetText(lang.L("Pending {{.N}}, the oldest for {{.D}} days", map[string]any{"N": c.Pending, "D": days}))
}

// clockNow is the time the bar shows (the system's before the first tick).
func (s *StatusBar) clockNow() time.Time {
	if t, _ := s.now.Get(); !t.IsZero() {
		return t
	}
	return time.Now()
}

func (s *StatusBar) refreshClock() {
	t, _ := s.now.Get()
	if t.IsZero() {
		s.clock.SetText("")
		return
	}
	s.clock.SetText(t.In(app.Shanghai).Format("2006-01-02 15:04"))
	if s.pending.Text != "" {
		s.refresh() // "offline since" and the oldest operation's age follow the clock
	}
	if s.bar != nil {
		s.bar.Refresh() // the clock grew from nothing: lay the bar out again
	}
}

// platformText says the platform's state in words; the dot's colour repeats it, never replaces it.
// Offline since another day, the date is said too.
func platformText(st app.Status, now time.Time) (string, color.Color) {
	switch st.Platform {
	case app.PlatformOnline:
		return lang.L("Platform online"), theme.Color(theme.ColorNameSuccess)
	case app.PlatformOffline:
		if st.LastOnline.IsZero() {
			return lang.L("Platform offline"), theme.Color(theme.ColorNameError)
		}
		since := st.LastOnline.In(app.Shanghai).Format("15:04")
		if app.ServiceDay(st.LastOnline) != app.ServiceDay(now) {
			since = st.LastOnline.In(app.Shanghai).Format("01-02 15:04")
		}
		return lang.L("Platform offline since {{.T}}", map[string]any{"T": since}),
			theme.Color(theme.ColorNameError)
	default:
		return lang.L("Platform: not enrolled"), theme.Color(theme.ColorNameDisabled)
	}
}

func readerText(r app.ReaderStatus) string {
	switch r.State {
	case app.ReaderNone:
		return lang.L("Card reader: none connected")
	case app.ReaderEmpty:
		return lang.L("Card reader: {{.Name}}, no card", map[string]any{"Name": r.Name})
	case app.ReaderCard:
		return lang.L("Card reader: {{.Name}}, card inserted", map[string]any{"Name": r.Name})
	default:
		return lang.L("Card reader: smart card service not running")
	}
}

func importanceIf(cond bool, imp widget.Importance) widget.Importance {
	if cond {
		return imp
	}
	return widget.MediumImportance
}
