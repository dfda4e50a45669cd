package desk

import (
	"context"
	"strings"
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

// signInScreen asks for the clerk's ID and password and signs in through the platform; the
// clerk's roles then decide what the workbench offers.
type signInScreen struct {
	wb       *Workbench
	clerkID  *widget.Entry
	password *widget.Entry
	button   *widget.Button
	message  *widget.Label
}

func newSignInScreen(wb *Workbench) *signInScreen {
	s := &signInScreen{wb: wb, message: &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}}
	s.clerkID = &widget.Entry{PlaceHolder: lang.L("Clerk ID"), OnSubmitted: func(string) { wb.win.Canvas().Focus(s.password) }}
	s.clerkID.ExtendBaseWidget(s.clerkID)
	s.password = &widget.Entry{PlaceHolder: lang.L("Password"), Password: true, OnSubmitted: func(string) { s.submit() }}
	s.password.ExtendBaseWidget(s.password)
	s.button = &widget.Button{Text: lang.L("Sign in"), Importance: widget.HighImportance, OnTapped: s.submit}
	return s
}

func (s *signInScreen) object() fyne.CanvasObject {
	ws := s.wb.deps.Workstation
	form := container.NewVBox(
		&widget.Label{Text: lang.L("YKT Counter"), SizeName: "headingText", Alignment: fyne.TextAlignCenter},
		&widget.Label{Text: lang.L("{{.Hall}} · Window {{.No}}", map[string]any{"Hall": ws.HallName, "No": ws.WindowNo}), Alignment: fyne.TextAlignCenter},
		widget.NewSeparator(),
		widget.NewForm(widget.NewFormItem(lang.L("Clerk ID"), s.clerkID), widget.NewFormItem(lang.L("Password"), s.password)),
		s.button, s.message)
	if hint := demoHint(s.wb.deps.DemoClerks, s.wb.deps.DemoPassword); hint != "" {
		form.Add(&widget.Label{Text: hint, Wrapping: fyne.TextWrapWord})
	}
	return container.NewCenter(container.New(widgets.FixedWidth(420), form))
}

// submit signs in off the UI goroutine; the password never leaves memory except to the platform.
func (s *signInScreen) submit() {
	id, pw := strings.TrimSpace(s.clerkID.Text), s.password.Text
	if id == "" || pw == "" {
		s.message.SetText(lang.L("Enter your clerk ID and password."))
		return
	}
	s.button.Disable()
	s.message.SetText(lang.L("Signing in…"))
	svc := s.wb.deps.Services
	async.Run(s.wb.scope, 20*time.Second, func(ctx context.Context) (app.ClerkSession, error) {
		return svc.Sessions.SignIn(ctx, id, pw)
	}, func(sess app.ClerkSession, err error) {
		s.password.SetText("")
		s.button.Enable()
		if err != nil {
			s.message.SetText(words.ClerkMessage(err))
			return
		}
		s.message.SetText("")
		s.wb.offline = sess.Offline
		s.wb.signedIn(sess.Clerk)
	})
}

// demoHint names the demo clerks with their roles in words, and the demo password.
func demoHint(clerks []app.Clerk, password string) string {
	if len(clerks) == 0 {
		return ""
	}
	var who []string
	for _, c := range clerks {
		who = append(who, lang.L("{{.ID}} {{.Name}} ({{.Roles}})", map[string]any{"ID": c.ID, "Name": c.Name, "Roles": rolesText(c)}))
	}
	return lang.L("Demo clerks (password {{.Password}}):", map[string]any{"Password": password}) + "\n" + strings.Join(who, "\n")
}
