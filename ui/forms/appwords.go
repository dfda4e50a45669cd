package forms

import (
	"fyne.io/fyne/v2/lang"

	"ykt/app"
)

// Words of the card application form: codes of the platform in the interface language.

// sexCodes are GB 2261.1 codes in the order the form offers them.
var sexCodes = []string{"1", "2", "9"}

func sexText(code string) string {
	switch code {
	case "1":
		return lang.L("Male")
	case "2":
		return lang.L("Female")
	case "9":
		return lang.L("Not stated")
	}
	return code
}

// nationCodes are the GB 3304 codes of the 56 nationalities (民族), 97 其他 and 98 外国血统.
var nationCodes = []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14",
	"15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32",
	"33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50",
	"51", "52", "53", "54", "55", "56", "97", "98"}

// nationText is the option shown for a nationality code: the code and the name.
func nationText(code string) string {
	return code + " " + nationName(code)
}

func nationName(code string) string {
	switch code {
	case "01":
		return lang.L("Han")
	case "02":
		return lang.L("Mongol")
	case "03":
		return lang.L("Hui")
	case "04":
		return lang.L("Tibetan")
	case "05":
		return lang.L("Uyghur")
	case "06":
		return lang.L("Miao")
	case "07":
		return lang.L("Yi")
	case "08":
		return lang.L("Zhuang")
	case "09":
		return lang.L("Bouyei")
	case "10":
		return lang.L("Korean")
	case "11":
		return lang.L("Manchu")
	case "12":
		return lang.L("Dong")
	case "13":
		return lang.L("Yao")
	case "14":
		return lang.L("Bai")
	case "15":
		return lang.L("Tujia")
	case "16":
		return lang.L("Hani")
	case "17":
		return lang.L("Kazakh")
	case "18":
		return lang.L("Dai")
	case "19":
		return lang.L("Li")
	case "20":
		return lang.L("Lisu")
	case "21":
		return lang.L("Va")
	case "22":
		return lang.L("She")
	case "23":
		return lang.L("Gaoshan")
	case "24":
		return lang.L("Lahu")
	case "25":
		return lang.L("Shui")
	case "26":
		return lang.L("Dongxiang")
	case "27":
		return lang.L("Naxi")
	case "28":
		return lang.L("Jingpo")
	case "29":
		return lang.L("Kirgiz")
	case "30":
		return lang.L("Tu")
	case "31":
		return lang.L("Daur")
	case "32":
		return lang.L("Mulao")
	case "33":
		return lang.L("Qiang")
	case "34":
		return lang.L("Blang")
	case "35":
		return lang.L("Salar")
	case "36":
		return lang.L("Maonan")
	case "37":
		return lang.L("Gelao")
	case "38":
		return lang.L("Xibe")
	case "39":
		return lang.L("Achang")
	case "40":
		return lang.L("Pumi")
	case "41":
		return lang.L("Tajik")
	case "42":
		return lang.L("Nu")
	case "43":
		return lang.L("Uzbek")
	case "44":
		return lang.L("Russian")
	case "45":
		return lang.L("Ewenki")
	case "46":
		return lang.L("De'ang")
	case "47":
		return lang.L("Bonan")
	case "48":
		return lang.L("Yugur")
	case "49":
		return lang.L("Gin")
	case "50":
		return lang.L("Tatar")
	case "51":
		return lang.L("Derung")
	case "52":
		return lang.L("Oroqen")
	case "53":
		return lang.L("Hezhen")
	case "54":
		return lang.L("Monba")
	case "55":
		return lang.L("Lhoba")
	case "56":
		return lang.L("Jino")
	case "97":
		return lang.L("Other nationality")
	case "98":
		return lang.L("Chinese citizen of foreign origin")
	}
	return ""
}

// makeText is how the card is made (制卡方式).
func makeText(code string) string {
	switch code {
	case "INSTANT":
		return lang.L("Instant: made here and now")
	case "BATCH":
		return lang.L("Batch: made centrally, collected or posted")
	}
	return code
}

// makeShortText is the making in a few words, for the summary and the receipt.
func makeShortText(code string) string {
	switch code {
	case "INSTANT":
		return lang.L("Instant issue")
	case "BATCH":
		return lang.L("Batch making")
	}
	return code
}

// greenText says why a resident has the green channel (绿色通道).
func greenText(reason string) string {
	switch reason {
	case "ELDERLY":
		return lang.L("elderly resident")
	case "DISABLED":
		return lang.L("disabled resident")
	}
	return reason
}

// problemText is the sentence shown next to a field the application check refused.
func problemText(field string, p app.Problem) string {
	switch p {
	case app.ProbRequired:
		return requiredText(field)
	case app.ProbIDCheck:
		return lang.L("The ID number fails its check digit.")
	case app.ProbPhone:
		return lang.L("Enter an 11-digit mobile number.")
	case app.ProbCardNo:
		return lang.L("Choose the card this application replaces.")
	case app.ProbChoice:
		return choiceText(field)
	case app.ProbDate:
		return dateProblemText(field)
	case app.ProbPhotoSize:
		return lang.L("The photo must be 358×441 pixels.")
	case app.ProbPhotoBytes:
		return lang.L("The photo must be 5–60 KB.")
	case app.ProbNotInstant:
		return lang.L("This bank cannot make cards on the spot: choose batch making, or a bank marked for instant issue.")
	case app.ProbNotEligible:
		return lang.L("Urgent making is only for green-channel residents (elderly or disabled).")
	case app.ProbSelf:
		return lang.L("The proxy cannot be the resident.")
	}
	return lang.L("This entry is not valid.")
}

func choiceText(field string) string {
	switch field {
	case "bankCode":
		return lang.L("Choose the bank.")
	case "make":
		return lang.L("Choose how the card is made.")
	case "sex":
		return lang.L("Choose the sex.")
	case "nation":
		return lang.L("Choose the nationality.")
	case "proxy.relation":
		return lang.L("Choose the proxy's relation to the resident.")
	}
	return lang.L("Choose one of the options.")
}

func requiredText(field string) string {
	switch field {
	case "photo":
		return lang.L("Add the resident's photo.")
	case "proxy.authorizationNo":
		return lang.L("Enter the power-of-attorney number (not needed for the guardian of a minor).")
	case "proxy.idNumber":
		return lang.L("Enter the proxy's ID number, or read their ID card.")
	}
	return lang.L("Please fill this in.")
}

func dateProblemText(field string) string {
	switch field {
	case "birthDate":
		return lang.L("The birth date does not match the ID number.")
	case "kind":
		return lang.L("A renewal is possible only from 60 days before the card expires.")
	}
	return lang.L("Enter a date as YYYY-MM-DD, or tick Long-term.")
}
