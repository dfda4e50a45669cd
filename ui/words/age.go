package words

import (
	"time"

	"fyne.io/fyne/v2/lang"
)

// Age says how old cached data is, in the largest sensible unit.
func Age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return lang.L("less than a minute")
	case d < time.Hour:
		return lang.N("{{.N}} minutes", int(d.Minutes()), map[string]any{"N": int(d.Minutes())})
	case d < 48*time.Hour:
		return lang.N("{{.N}} hours", int(d.Hours()), map[string]any{"N": int(d.Hours())})
	default:
		return lang.N("{{.N}} days", int(d.Hours()/24), map[string]any{"N": int(d.Hours() / 24)})
	}
}
