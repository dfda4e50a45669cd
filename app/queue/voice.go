package queue

import (
	"strconv"
	"strings"
)

var digitWords = [10]string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// CallText is the call as the display writes it: "请 A012 号到 7 号窗口办理" (number and window
// only, PI-14).
func CallText(number, window string) string {
	return "请 " + number + " 号到 " + windowNumber(window) + " 号窗口办理"
}

// SpokenCallText is the call as the speech engine reads it: the ticket's digits one by one
// ("A 零 一 二"), the window as a Chinese number ("七", "十二").
func SpokenCallText(number, window string) string {
	return "请 " + spellDigits(number) + " 号，到 " + spokenWindow(window) + " 号窗口办理"
}

// windowNumber drops leading zeros: "07" → "7".
func windowNumber(w string) string {
	if n, err := strconv.Atoi(w); err == nil && n >= 0 {
		return strconv.Itoa(n)
	}
	return w
}

// spellDigits reads every digit on its own and keeps letters apart.
func spellDigits(s string) string {
	var parts []string
	for _, r := range s {
		if r >= '0' && r <= '9' {
			parts = append(parts, digitWords[r-'0'])
		} else {
			parts = append(parts, string(r))
		}
	}
	return strings.Join(parts, " ")
}

// spokenWindow reads 1–99 as a Chinese number and anything else digit by digit.
func spokenWindow(w string) string {
	n, err := strconv.Atoi(w)
	switch {
	case err != nil || n < 1 || n > 99:
		return spellDigits(w)
	case n < 10:
		return digitWords[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digitWords[n%10]
	case n%10 == 0:
		return digitWords[n/10] + "十"
	default:
		return digitWords[n/10] + "十" + digitWords[n%10]
	}
}
