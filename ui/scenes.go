package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"ykt/app"
)

// Scenes are the screens `ykt --screenshot FILE --scene NAME` can show in demo mode, for the
// documentation's screenshots and for training: each plays the clerk's steps on the real
// workbench against the demo platform.
var Scenes = []string{"signin", "resident", "temp-loss", "payments", "evaluation", "shortcuts"}

// sceneClerk is the demo clerk the scenes sign in as.
const sceneClerk = "c0107"

// PlayScene signs the demo clerk in and shows the named screen; it returns the window to
// capture. It runs on its own goroutine and waits for each step.
func (wb *Workbench) PlayScene(name, password string) (fyne.Window, error) {
	if name == "" || name == "signin" {
		return wb.win, nil
	}
	if wb.deps.Services == nil {
		return wb.win, errors.New("scenes need the (demo) platform")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sess, err := wb.deps.Services.Sessions.SignIn(ctx, sceneClerk, password)
	if err != nil {
		return wb.win, fmt.Errorf("sign in %s: %w", sceneClerk, err)
	}
	fyne.DoAndWait(func() { wb.signedIn(sess.Clerk) })
	switch name {
	case "resident", "temp-loss", "evaluation", "shortcuts":
		wb.sceneIdentify("500106194203080048") // 李秀英: elderly, bank account not activated
	case "payments":
		wb.sceneIdentify("50010619900101001X") // 陈明: wages, one returned
	default:
		return wb.win, fmt.Errorf("no scene %q; scenes: %v", name, Scenes)
	}
	switch name {
	case "temp-loss":
		fyne.DoAndWait(func() { wb.startAction(app.ActTempLoss) })
	case "shortcuts":
		fyne.DoAndWait(wb.showShortcuts)
	case "evaluation":
		fyne.DoAndWait(wb.finishService)
		return wb.deps.Resident.Window(), nil
	}
	return wb.win, nil
}

// sceneIdentify types an ID number and waits until the resident (and their payments) show.
func (wb *Workbench) sceneIdentify(id string) {
	fyne.DoAndWait(func() { wb.identifyTyped(id) })
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		done := false
		fyne.DoAndWait(func() { done = wb.view != nil && (len(wb.view.Payments) > 0 || wb.view.PaymentsUnavailable) })
		if done {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
