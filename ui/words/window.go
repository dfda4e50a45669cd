package words

// Window drops leading zeros, as the voice and the sign over the window say it: "07" → "7".
func Window(w string) string {
	for len(w) > 1 && w[0] == '0' {
		w = w[1:]
	}
	return w
}
