// Command ykt is YKT Counter: the desktop workbench of the social security card "one card for
// resident services" programme, and its command-line tools (run `ykt --help`).
package main

import (
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"ykt/assets"
	"ykt/cli"
	"ykt/ui/i18n"
	"ykt/ui/theme"
)

// appID names the application to Fyne (preferences, desktop integration).
const appID = "cn.gov.cq.spb.ykt"

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr, newFyneApp))
}

// newFyneApp is the only place that creates the Fyne application, so that no other package
// links the GLFW driver (engineering.md §1.1).
func newFyneApp() fyne.App {
	i18n.NormalizeLocaleEnv()
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	theme.ApplyTextSize(a) // the application theme, large text if the clerk chose it
	return a
}
