package hallscreens

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/ui/async"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// SupervisorSignIn is what the statistics screen (ykt --role stats) shows first: the hall's
// statistics and its 差评 list are the supervisor's (design.md roles), so a clerk signs in with
// their own platform account (ML-1) and only one holding the SUPERVISOR role goes on (ML-6). Any
// other account gets one sentence and no statistics. The sign-in is audited by app.Sessions.
type SupervisorSignIn struct {
	scope    *async.Scope
	signIn   func(ctx context.Context, clerkID, password string) (app.ClerkSession, error)
	open     func(app.Clerk)
	clerkID  *widgets.KeyEntry
	password *widgets.KeyEntry
	button   *widgets.KeyButton
	message  *widget.Label
	content  fyne.CanvasObject
}

// NewSupervisorSignIn builds the sign-in; open is called on the UI goroutine with a supervisor.
// signIn is app.Sessions.SignIn; do runs on the UI goroutine (nil: fyne.Do).
func NewSupervisorSignIn(signIn func(ctx context.Context, clerkID, password string) (app.ClerkSession, error), do func(func()), open func(app.Clerk)) *SupervisorSignIn {
	do, _ = async.Defaults(do, nil)
	s := &SupervisorSignIn{scope: async.NewScope(do), signIn: signIn, open: open}
	s.clerkID = widgets.NewKeyEntry(lang.L("Clerk ID"))
	s.password = widgets.NewKeyEntry(lang.L("Password"))
	s.password.Password = true
	s.clerkID.OnSubmitted = func(string) { s.submit() }
	s.password.OnSubmitted = func(string) { s.submit() }
	s.button = widgets.NewKeyButton(lang.L("Sign in"), widget.HighImportance, s.submit)
	s.message = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	box := container.NewVBox(
		&widget.Label{Text: lang.L("Queue statistics"), SizeName: "headingText", Alignment: fyne.TextAlignCenter},
		&widget.Label{Text: lang.L("For the hall's supervisor: sign in with your own account."), Wrapping: fyne.TextWrapWord},
		s.clerkID, s.password, s.button, s.message)
	s.content = container.NewCenter(container.New(widgets.FixedWidth(420), box))
	return s
}

// Object is the sign-in's content.
func (s *SupervisorSignIn) Object() fyne.CanvasObject { return s.content }

// Focus puts the cursor in the clerk ID on c.
func (s *SupervisorSignIn) Focus(c fyne.Canvas) { c.Focus(s.clerkID) }

// Close ends a sign-in in flight.
func (s *SupervisorSignIn) Close() { s.scope.Close() }

// SignIn signs in with these credentials as if typed (demo screenshots).
func (s *SupervisorSignIn) SignIn(clerkID, password string) {
	s.clerkID.SetText(clerkID)
	s.password.SetText(password)
	s.submit()
}

func (s *SupervisorSignIn) submit() {
	id, pw := strings.TrimSpace(s.clerkID.Text), s.password.Text
	if id == "" || pw == "" || s.button.Disabled() {
		return
	}
	s.password.SetText("")
	s.button.Disable()
	s.message.SetText(lang.L("Checking…"))
	async.Run(s.scope, 20*time.Second, func(ctx context.Context) (app.ClerkSession, error) {
		return s.signIn(ctx, id, pw)
	}, func(sess app.ClerkSession, err error) {
		s.button.Enable()
		switch {
		case err != nil:
			s.message.SetText(words.ClerkMessage(err))
		case !sess.Clerk.HasRole(app.RoleSupervisor):
			s.message.SetText(lang.L("The statistics are for the hall's supervisor: this account may not see them."))
		default:
			s.message.SetText("")
			s.open(sess.Clerk)
		}
	})
}
