package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"ykt/app"
	"ykt/ui/forms"
)

// Scenes are the screens `ykt --screenshot FILE --scene NAME` can show in demo mode, for the
// documentation's screenshots and for training: each plays the clerk's steps on the real
// workbench against the demo platform.
var Scenes = []string{"signin", "resident", "temp-loss", "formal-loss", "unblock", "enable", "pin-reset", "activate", "info-change",
	"proxy", "payments", "application", "evaluation", "sync", "home-visits", "shortcuts", "guide"}

// formScenes show the form of one card business, for a demo resident whose card allows it.
var formScenes = map[string]struct {
	clerk, ssn string
	action     app.Action
}{
	"temp-loss":   {"c0107", "500106194203080048", app.ActTempLoss},   // 李秀英
	"formal-loss": {"c0107", "500106194912310029", app.ActFormalLoss}, // 张三
	"unblock":     {"c0107", "500106193803050024", app.ActUnblock},    // 孙桂兰: card temporarily lost
	"enable":      {"c0107", "500106201904200025", app.ActEnable},     // 刘小雨: new card, sealed
	"pin-reset":   {"c0107", "500106197809230024", app.ActPINReset},   // 赵丽: PIN locked
	"activate":    {"c0202", "500106194203080048", app.ActActivate},   // 李秀英 at the CCB teller's
	"info-change": {"c0107", "500106194912310029", app.ActInfoChange}, // 张三
}

// sceneClerk is the demo clerk the scenes sign in as; home visits are shown by a home-visit worker.
func sceneClerk(scene string) string {
	if f, ok := formScenes[scene]; ok {
		return f.clerk
	}
	if scene == "home-visits" {
		return "c0301"
	}
	return "c0107"
}

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
	clerk := sceneClerk(name)
	sess, err := wb.deps.Services.Sessions.SignIn(ctx, clerk, password)
	if err != nil {
		return wb.win, fmt.Errorf("sign in %s: %w", clerk, err)
	}
	fyne.DoAndWait(func() { wb.signedIn(sess.Clerk) })
	f, form := formScenes[name]
	switch {
	case form:
		wb.sceneIdentify(f.ssn)
		fyne.DoAndWait(func() { wb.startAction(f.action) })
		return wb.win, nil
	case name == "resident" || name == "evaluation" || name == "shortcuts" || name == "sync":
		wb.sceneIdentify("500106194203080048") // 李秀英: elderly, bank account not activated
	case name == "payments":
		wb.sceneIdentify("50010619900101001X") // 陈明: wages, one returned
	case name == "proxy":
		wb.sceneIdentify("500106197809230024") // 赵丽: PIN locked (in person only)
	case name == "application" || name == "guide":
		wb.sceneIdentify("500106195501010026") // 周淑珍: elderly, visually disabled, card formally lost
	case name == "home-visits":
		time.Sleep(2 * time.Second) // the visit list downloads at sign-in
	default:
		return wb.win, fmt.Errorf("no scene %q; scenes: %v", name, Scenes)
	}
	return wb.sceneFinish(name)
}

// sceneFinish opens the screen the scene is about, and says which window to capture.
func (wb *Workbench) sceneFinish(name string) (fyne.Window, error) {
	switch name {
	case "shortcuts":
		fyne.DoAndWait(wb.showShortcuts)
	case "proxy":
		fyne.DoAndWait(func() {
			wb.actions.proxyData = &app.Proxy{Name: "赵小丽", IDNumber: "11010519491231002X", Phone: "13912345678", Relation: "CHILD", AuthorizationNo: "WT-2026-0088"}
			wb.actions.render()
		})
	case "application":
		fyne.DoAndWait(func() {
			wb.startAction(app.ActReplaceLost)
			if wb.appForm != nil {
				wb.appForm.SetPhoto(forms.DemoPortrait())
			}
		})
	case "guide": // the replacement's guide and the service points for 就近申领 (guides.go)
		fyne.DoAndWait(func() {
			wb.actions.guideOpen[app.ActReplaceLost] = true
			wb.actions.render()
		})
	case "sync":
		fyne.DoAndWait(func() { wb.startAction(app.ActTempLoss) })
		var w fyne.Window
		fyne.DoAndWait(func() { w = wb.showSyncPanel() })
		return w, nil
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
		fyne.DoAndWait(func() { done = wb.view != nil && (wb.view.PaymentsLoaded || wb.view.PaymentsUnavailable) })
		if done {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
