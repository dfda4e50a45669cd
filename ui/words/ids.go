package words

import (
	"strings"

	"fyne.io/fyne/v2/lang"

	"ykt/app/ids"
)

// ShortID is the first block of a UUID, enough for the clerk to tell records apart.
func ShortID(id string) string {
	if i := strings.IndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}

// IDProblem says what is wrong with a typed ID number.
func IDProblem(p ids.Problem) string {
	switch p {
	case ids.OK:
		return lang.L("ID number is valid")
	case ids.BadCheck:
		return lang.L("Check digit is wrong: please re-type the ID number")
	case ids.BadBirth, ids.FutureBirth:
		return lang.L("Birth date in the ID number is not a real date")
	case ids.BadLength:
		return lang.L("An ID number has 18 characters")
	default:
		return lang.L("An ID number is 17 digits and a digit or X")
	}
}
