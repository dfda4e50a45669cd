package desk

import (
	"context"
	"slices"
	"sync"
	"time"
	"ykt/app"
	"ykt/ui/async"
	"ykt/ui/widgets"
	"ykt/ui/words"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// lockScreen locks the workbench after the idle time (security.md ML-3: 10 minutes) or on Ctrl+L,
// keeping the work in progress aside; the clerk unlocks with their password, checked by the
// platform. While locked the window shows the lock alone — the desk and any dialog over it are
// taken off the canvas, not merely covered — and every key typed goes into the password box
// whatever had focus (a scanner's burst, an F-key). The resident's screen is a separate window
// and stays as it is.
type lockScreen struct {
	wb *Workbench

	mu    sync.Mutex
	timer *time.Timer

	password *widgets.KeyEntry
	message  *widget.Label
	locked   bool

	// what the lock put aside, given back on unlock: the window's content, its dialogs, its menu
	// and the focused widget.
	behind   fyne.CanvasObject
	overlays []fyne.CanvasObject
	menu     *fyne.MainMenu
	focused  fyne.Focusable
}

func newLockScreen(wb *Workbench) *lockScreen { return &lockScreen{wb: wb} }

// start arms the idle timer for a signed-in clerk.
func (l *lockScreen) start() { l.touch() }

// touch records activity: the idle time starts again.
func (l *lockScreen) touch() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.timer != nil {
		l.timer.Stop()
	}
	l.timer = time.AfterFunc(l.wb.deps.IdleLock, func() { l.wb.deps.Do(l.lockNow) })
}

// stop disarms the timer and removes the lock (sign-out): what it put aside is dropped, the
// sign-in screen comes next.
func (l *lockScreen) stop() {
	l.mu.Lock()
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.mu.Unlock()
	l.locked = false
	l.behind, l.overlays, l.focused = nil, nil, nil
	if l.menu != nil {
		l.wb.win.SetMainMenu(l.menu)
		l.menu = nil
	}
}

// lockNow puts the workbench aside and shows the lock; call on the UI goroutine.
func (l *lockScreen) lockNow() {
	if l.locked || l.wb.clerk == nil {
		return
	}
	l.locked = true
	l.wb.updateDeviceGate()
	c := l.wb.win.Canvas()
	l.behind, l.focused = c.Content(), c.Focused()
	l.overlays = slices.Clone(c.Overlays().List())
	for _, o := range l.overlays {
		c.Overlays().Remove(o)
	}
	l.menu = l.wb.win.MainMenu()
	l.wb.win.SetMainMenu(nil) // no 柜台 or 同步 menu behind the clerk's back
	l.wb.closeSyncPanel()     // its own window would stay readable, and usable, beside the lock
	l.password = widgets.NewKeyEntry(lang.L("Password"))
	l.password.Password = true
	l.password.OnSubmitted = func(string) { l.unlock() }
	l.message = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	content := container.NewVBox(
		&widget.Label{Text: lang.L("Locked"), SizeName: "headingText", Alignment: fyne.TextAlignCenter},
		&widget.Label{Text: lang.L("{{.Name}}, enter your password to go on. Your work is kept.", map[string]any{"Name": l.wb.clerk.Name}), Wrapping: fyne.TextWrapWord},
		l.password,
		container.NewGridWithColumns(2,
			widgets.NewKeyButton(lang.L("Unlock"), widget.HighImportance, l.unlock),
			widgets.NewKeyButton(lang.L("Sign out"), widget.MediumImportance, l.wb.SignOut)),
		l.message)
	c.SetContent(container.NewCenter(container.New(widgets.FixedWidth(400), content)))
	c.Focus(l.password)
}

// typedRune takes a character the window heard into the password box while locked, and reports
// whether it did (the desk must not see it).
func (l *lockScreen) typedRune(r rune) bool {
	if !l.locked {
		return false
	}
	l.focusPassword()
	l.password.TypedRune(r)
	return true
}

// typedKey takes a key the window heard while locked: Enter unlocks, editing keys edit the
// password, everything else (F-keys, Esc) does nothing. It reports whether the lock took it.
func (l *lockScreen) typedKey(ev *fyne.KeyEvent) bool {
	if !l.locked {
		return false
	}
	l.focusPassword()
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		l.unlock()
	case fyne.KeyBackspace, fyne.KeyDelete, fyne.KeyLeft, fyne.KeyRight, fyne.KeyHome, fyne.KeyEnd:
		l.password.TypedKey(ev)
	}
	return true
}

func (l *lockScreen) focusPassword() {
	if c := l.wb.win.Canvas(); c.Focused() != l.password {
		c.Focus(l.password)
	}
}

// unlock re-authenticates the clerk with the platform off the UI goroutine.
func (l *lockScreen) unlock() {
	pw, id := l.password.Text, l.wb.clerk.ID
	l.password.SetText("")
	l.message.SetText(lang.L("Checking…"))
	async.Run(l.wb.scope, 20*time.Second, func(ctx context.Context) (app.ClerkSession, error) {
		return l.wb.deps.Services.Sessions.SignIn(ctx, id, pw)
	}, func(sess app.ClerkSession, err error) {
		if !l.locked {
			return // signed out meanwhile
		}
		if err != nil {
			l.message.SetText(words.ClerkMessage(err))
			return
		}
		l.restore()
		if l.wb.offline != sess.Offline {
			l.wb.offline = sess.Offline // back online: the notice goes, the queue is sent
			l.wb.buildDesk()
		}
		l.wb.updateDeviceGate()
		l.touch()
	})
}

// restore gives the window back what the lock put aside: the desk, its dialogs, its menu and the
// focus (the identify bar when the focused widget is gone).
func (l *lockScreen) restore() {
	l.locked = false
	c := l.wb.win.Canvas()
	c.SetContent(l.behind)
	for _, o := range l.overlays {
		c.Overlays().Add(o)
	}
	l.wb.win.SetMainMenu(l.menu)
	if l.focused != nil {
		c.Focus(l.focused) // refused when the widget is no longer on the canvas
	}
	if f := c.Focused(); (f == nil || f != l.focused) && len(l.overlays) == 0 {
		c.Focus(l.wb.identify.entry)
	}
	l.behind, l.overlays, l.menu, l.focused = nil, nil, nil, nil
}
