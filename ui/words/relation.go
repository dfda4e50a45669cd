package words

import "fyne.io/fyne/v2/lang"

// Relation is a proxy's relation to the resident (platform-api §5.1) in words.
func Relation(code string) string {
	switch code {
	case "SPOUSE":
		return lang.L("Spouse")
	case "CHILD":
		return lang.L("Son or daughter")
	case "PARENT":
		return lang.L("Parent")
	case "RELATIVE":
		return lang.L("Other relative")
	case "GUARDIAN":
		return lang.L("Guardian")
	case "COMMUNITY_WORKER":
		return lang.L("Community worker")
	case "OTHER":
		return lang.L("Other person")
	}
	return code
}
