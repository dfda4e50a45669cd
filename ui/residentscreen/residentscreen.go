package residentscreen

import (
	"strings"

	"ykt/ui/theme"
	"ykt/ui/words"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// Screen is the window that faces the resident across the counter — full screen on the
// second monitor when there is one, else a window the clerk can turn towards them. It shows
// what is being done for them and asks for their evaluation (好差评) in large text. It never
// times out: the clerk closes or changes it (domain.md §4, §5.3).
type Screen struct {
	win   fyne.Window
	body  *fyne.Container
	large *container.ThemeOverride // elderly-mode sizes around body
	// Levels are the evaluation's five labels, best first (catalogue evaluation.levels).
	levels []string
	// buttons of the evaluation on show, for tests; rated names the service they rate.
	buttons []*widget.Button
	rated   *widget.Label
}

// New makes the resident's window; call Show to put it on screen.
func New(a fyne.App) *Screen {
	s := &Screen{win: a.NewWindow(lang.L("Resident screen")), body: container.NewVBox()}
	s.large = theme.LargeText(a, container.NewPadded(container.NewCenter(s.body)))
	s.win.SetContent(s.large)
	s.win.SetCloseIntercept(func() { s.win.Hide() }) // the clerk hides it; it comes back for the next resident
	s.win.Resize(fyne.NewSize(1024, 600))
	return s
}

// Show puts the window up: full screen on a second monitor when the driver has one.
func (s *Screen) Show() {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok && d.HasSecondaryDisplay() {
		if w, ok := s.win.(desktop.Window); ok {
			w.RequestFullScreenSecondary()
		}
	}
	s.win.Show()
}

// Hide takes the window away.
func (s *Screen) Hide() { s.win.Hide() }

// Close closes the window for good (the program ends).
func (s *Screen) Close() {
	s.win.SetCloseIntercept(nil)
	s.win.Close()
}

// Window is the resident's window (screenshots).
func (s *Screen) Window() fyne.Window { return s.win }

// ShowWelcome is the idle screen.
func (s *Screen) ShowWelcome(hall string) {
	s.set(heading(lang.L("Welcome")), widget.NewLabelWithStyle(hall, fyne.TextAlignCenter, fyne.TextStyle{}))
}

// ShowConfirm tells the resident what is being done for them, a line each (masked data only).
func (s *Screen) ShowConfirm(title string, lines []string) {
	objs := []fyne.CanvasObject{heading(title)}
	for _, l := range lines {
		objs = append(objs, &widget.Label{Text: l, Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord})
	}
	s.set(objs...)
}

// Rated is the service the resident is asked to rate: at which window (or on a home visit), by
// which clerk, for which business — said on the screen so the resident rates what they know.
type Rated struct {
	Window   string // the window number ("07"); "" on a home visit
	ClerkID  string // the clerk's staff number (工号) as the platform gives it
	Clerk    string // the clerk's name as the platform gives it
	Business string // the business done, in words (临时挂失)
}

// text is the line naming window, clerk and business, e.g. "07 号窗口 · 李敏（工号 c0107）· 临时挂失".
func (r Rated) text() string {
	where := lang.L("Home visit")
	if r.Window != "" {
		where = lang.L("Window {{.No}}", map[string]any{"No": r.Window})
	}
	parts := []string{where}
	if r.Clerk != "" || r.ClerkID != "" {
		parts = append(parts, lang.L("{{.Name}} (staff no. {{.ID}})", map[string]any{"Name": r.Clerk, "ID": r.ClerkID}))
	}
	if r.Business != "" {
		parts = append(parts, r.Business)
	}
	return strings.Join(parts, " · ")
}

// AskEvaluation shows the five levels for the service what, with none pre-selected. The levels
// have equal weight: the same size and colour, each a face and its words. When the resident taps
// one, chosen gets its level (1 best … 5 worst) and the screen thanks them; there is no way to
// change it afterwards from this screen, and no timeout.
func (s *Screen) AskEvaluation(what Rated, levels []string, chosen func(level int)) {
	if len(levels) != 5 {
		levels = words.EvaluationLevels()
	}
	s.levels = levels
	s.buttons = nil
	row := container.NewGridWithColumns(5)
	for i, l := range levels {
		level := i + 1
		b := newLevelButton(level, l, func() {
			s.thank()
			chosen(level)
		})
		s.buttons = append(s.buttons, &b.Button)
		row.Add(b)
	}
	s.rated = &widget.Label{Text: what.text(), Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}}
	s.set(heading(lang.L("Please rate our service today")),
		s.rated,
		&widget.Label{Text: lang.L("Tap one. Your rating goes to the government service supervision platform."), Alignment: fyne.TextAlignCenter, Wrapping: fyne.TextWrapWord},
		row)
}

func (s *Screen) thank() {
	s.buttons = nil
	s.set(heading(lang.L("Thank you for your rating")), widget.NewLabelWithStyle(lang.L("Have a good day."), fyne.TextAlignCenter, fyne.TextStyle{}))
}

func (s *Screen) set(objs ...fyne.CanvasObject) {
	s.body.Objects = objs
	s.large.Refresh() // applies the large theme to the new objects too
}

func heading(text string) *widget.Label {
	return &widget.Label{Text: text, Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}, SizeName: "headingText"}
}
