// Package i18n chooses the interface language: Simplified Chinese by default, English second.
package i18n

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2/lang"

	"ykt/assets"
)

// Language is an interface language the app ships.
type Language struct {
	Code string // file name stem in assets/translations
	Name string // the language's own name, shown in the menu
}

// Languages are the interface languages; the first is the default.
var Languages = []Language{{"zh_Hans", "中文"}, {"en", "English"}}

// PrefLanguage is the preference key of the chosen language.
const PrefLanguage = "ui.language"

// UseLanguage makes code the language of every lang.L lookup from now on. Fyne has no public
// "set language", so the chosen file is loaded under the system locale's name, which the
// localizer picks; this works whatever LANG says, including C (engineering.md §1.6).
func UseLanguage(code string) error {
	data, err := assets.Translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		return fmt.Errorf("no translation %q: %w", code, err)
	}
	if err := lang.AddTranslationsForLocale(data, lang.SystemLocale()); err != nil {
		return fmt.Errorf("load translation %q: %w", code, err)
	}
	return nil
}

// LanguageOrDefault returns code when the app ships it, else the default language.
func LanguageOrDefault(code string) string {
	for _, l := range Languages {
		if l.Code == code {
			return code
		}
	}
	return Languages[0].Code
}

// NormalizeLocaleEnv replaces a C/POSIX or empty locale, which Fyne cannot parse and complains
// about at every start, with en_US.UTF-8 for this process. The interface language is chosen by
// UseLanguage, not by the locale.
func NormalizeLocaleEnv() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") {
			os.Setenv(k, "en_US.UTF-8")
		}
		return
	}
	os.Setenv("LANG", "en_US.UTF-8")
}
