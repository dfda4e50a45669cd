// Package assets holds what the binary carries besides code: the translations (Simplified
// Chinese first, English second), the application icon and demo data.
package assets

import (
	"embed"

	"fyne.io/fyne/v2"
)

// Translations holds translations/zh_Hans.json and translations/en.json; every key is in both.
//
//go:embed translations/*.json
var Translations embed.FS

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)

// DemoResidents is demo/residents.json: the synthetic people of demo mode, shared by the platform
// simulator's seed and the virtual card profiles.
//
//go:embed demo/residents.json
var DemoResidents []byte

// DemoCards holds cards/*.json: the virtual social security cards of demo mode and tests
// (`ykt sim card --profile NAME`), one per demo resident. elderly.json is the default.
//
//go:embed cards/*.json
var DemoCards embed.FS
