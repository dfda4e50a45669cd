package gatescreen

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"

	"ykt/app/gate"
)

// Colours of the states; never the only signal — the headline says it in words and the icon
// differs.
var (
	colourIdle    = color.NRGBA{R: 0x1f, G: 0x3a, B: 0x5f, A: 0xff}
	colourOpen    = color.NRGBA{R: 0x1b, G: 0x7f, B: 0x3b, A: 0xff}
	colourRefused = color.NRGBA{R: 0xb0, G: 0x2a, B: 0x1e, A: 0xff}
	colourFault   = color.NRGBA{R: 0x6b, G: 0x4e, B: 0x00, A: 0xff}
	colourStaff   = color.NRGBA{R: 0xff, G: 0xd5, B: 0x4f, A: 0xff}
)

// Screen is the gate's full-screen status view. Its methods run on the UI goroutine (fyne.Do).
type Screen struct {
	root     *fyne.Container
	bg       *canvas.Rectangle
	icon     *canvas.Image
	headline *canvas.Text
	advice   *canvas.Text
	staff    *fyne.Container // one line per fault
	staffBg  *canvas.Rectangle
	lines    []string
	// Hold is how long an opening stays before the invitation returns (default 4 s): an open
	// gate needs no reading. A refusal or a fault stays until the next presentation (domain.md
	// §5.3: no auto-dismiss on a resident's screen).
	Hold  time.Duration
	timer *time.Timer
	shown int // outcomes shown so far
	do    func(func())
}

// New builds the view; do runs a function on the UI goroutine (fyne.Do; tests pass a direct call).
func New(do func(func())) *Screen {
	s := &Screen{bg: canvas.NewRectangle(colourIdle), Hold: 4 * time.Second, do: do}
	s.icon = canvas.NewImageFromResource(theme.LoginIcon())
	s.icon.FillMode = canvas.ImageFillContain
	s.icon.SetMinSize(fyne.NewSize(160, 160))
	s.headline = text(56, true)
	s.advice = text(30, false)
	s.staff = container.NewVBox()
	s.staffBg = canvas.NewRectangle(colourStaff)
	staff := container.NewStack(s.staffBg, container.NewPadded(s.staff))
	middle := container.NewVBox(layout.NewSpacer(), container.NewCenter(s.icon), s.headline, s.advice, layout.NewSpacer())
	s.root = container.NewStack(s.bg, container.NewBorder(nil, staff, nil, nil, middle))
	s.SetFaults(Faults{})
	s.idle()
	return s
}

func text(size float32, bold bool) *canvas.Text {
	return &canvas.Text{TextSize: size, Color: color.White, Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: bold}}
}

// Content is the view's canvas object (the window's content, full screen).
func (s *Screen) Content() fyne.CanvasObject { return s.root }

func (s *Screen) idle() {
	s.set(colourIdle, theme.LoginIcon(), Idle(), "")
}

func (s *Screen) set(bg color.Color, icon fyne.Resource, headline, advice string) {
	s.bg.FillColor = bg
	s.icon.Resource = theme.NewColoredResource(icon, theme.ColorNameForegroundOnPrimary) // white on the state's colour
	s.headline.Text, s.advice.Text = headline, advice
	s.bg.Refresh()
	s.icon.Refresh()
	s.headline.Refresh()
	s.advice.Refresh()
}

// Show shows an outcome until the next one. An opening alone gives way to the invitation after
// Hold; a refusal or a fault stays, however long the resident takes to read where to go.
func (s *Screen) Show(o gate.Outcome) {
	if s.timer != nil {
		s.timer.Stop()
	}
	s.shown++
	headline, advice := Words(o)
	switch {
	case o.Open && o.Reason != gate.ReasonNone: // opens with a warning (an expired card)
		s.set(colourOpen, theme.WarningIcon(), headline, advice)
	case o.Open:
		s.set(colourOpen, theme.ConfirmIcon(), headline, advice)
		shown := s.shown
		s.timer = time.AfterFunc(s.Hold, func() {
			s.do(func() {
				if s.shown == shown { // an opening's hold never clears a later outcome
					s.idle()
				}
			})
		})
	case o.Reason == gate.ReasonController:
		s.set(colourFault, theme.WarningIcon(), headline, advice)
	default:
		s.set(colourRefused, theme.CancelIcon(), headline, advice)
	}
}

// Headline and Advice are what the view says now (tests).
func (s *Screen) Headline() string { return s.headline.Text }

// Advice is the second line.
func (s *Screen) Advice() string { return s.advice.Text }

// SetFaults updates the staff strip; it disappears when there is nothing to say.
func (s *Screen) SetFaults(f Faults) {
	lines := f.Lines()
	s.lines = lines
	s.staff.RemoveAll()
	for _, l := range lines {
		s.staff.Add(&canvas.Text{Text: l, TextSize: 20, Color: color.Black, Alignment: fyne.TextAlignCenter})
	}
	if len(lines) == 0 {
		s.staffBg.Hide()
		s.staff.Hide()
	} else {
		s.staffBg.Show()
		s.staff.Show()
	}
	s.staff.Refresh()
}

// Staff is the staff strip's text, its lines joined (tests).
func (s *Screen) Staff() string { return strings.Join(s.lines, "\n") }
