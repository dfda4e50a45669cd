package desk

import (
	"context"
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
// keeping the work in progress underneath; the clerk unlocks with their password, checked by the
// platform. The resident's screen is a separate window and stays as it is.
type lockScreen struct {
	wb *Workbench

	mu    sync.Mutex
	timer *time.Timer

	popup    *widget.PopUp
	password *widget.Entry
	message  *widget.Label
	locked   bool
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

// stop disarms the timer and removes the lock (sign-out).
func (l *lockScreen) stop() {
	l.mu.Lock()
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.mu.Unlock()
	if l.popup != nil {
		l.popup.Hide()
	}
	l.locked = false
}

// lockNow covers the workbench; call on the UI goroutine.
func (l *lockScreen) lockNow() {
	if l.locked || l.wb.clerk == nil {
		return
	}
	l.locked = true
	l.wb.updateDeviceGate()
	l.password = &widget.Entry{Password: true, PlaceHolder: lang.L("Password"), OnSubmitted: func(string) { l.unlock() }}
	l.password.ExtendBaseWidget(l.password)
	l.message = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	content := container.NewVBox(
		&widget.Label{Text: lang.L("Locked"), SizeName: "headingText", Alignment: fyne.TextAlignCenter},
		&widget.Label{Text: lang.L("{{.Name}}, enter your password to go on. Your work is kept.", map[string]any{"Name": l.wb.clerk.Name}), Wrapping: fyne.TextWrapWord},
		l.password,
		container.NewGridWithColumns(2,
			&widget.Button{Text: lang.L("Unlock"), Importance: widget.HighImportance, OnTapped: l.unlock},
			&widget.Button{Text: lang.L("Sign out"), OnTapped: l.wb.SignOut}),
		l.message)
	l.popup = widget.NewModalPopUp(container.New(widgets.FixedWidth(400), content), l.wb.win.Canvas())
	l.popup.Show()
	l.wb.win.Canvas().Focus(l.password)
}

// unlock re-authenticates the clerk with the platform off the UI goroutine.
func (l *lockScreen) unlock() {
	pw, id := l.password.Text, l.wb.clerk.ID
	l.password.SetText("")
	l.message.SetText(lang.L("Checking…"))
	async.Run(l.wb.scope, 20*time.Second, func(ctx context.Context) (app.ClerkSession, error) {
		return l.wb.deps.Services.Sessions.SignIn(ctx, id, pw)
	}, func(sess app.ClerkSession, err error) {
		if err != nil {
			l.message.SetText(words.ClerkMessage(err))
			return
		}
		if l.wb.offline != sess.Offline {
			l.wb.offline = sess.Offline // back online: the notice goes, the queue is sent
			l.wb.buildDesk()
		}
		l.locked = false
		l.wb.updateDeviceGate()
		l.popup.Hide()
		l.touch()
		l.wb.win.Canvas().Focus(l.wb.identify.entry)
	})
}
