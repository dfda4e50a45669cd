package ids

import (
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	today := time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		id   string
		want Problem
	}{
		// Valid vectors of cards.md §5.1.
		{"11010519491231002X", OK},
		{"11010519491231002x", OK},
		{"440524188001010014", OK},
		{"34052419800101001X", OK},
		{"53010219200508011X", OK},
		{"111111198101011110", OK},
		{"500106194912310029", OK},
		{"310108198403300087", BadCheck}, // the right check is X (cards.md §5.1)
		{"31010819840330008X", OK},
		{"888888188808088880", OK},
		{"340524198001010013", BadCheck},
		{"34052419800101001", BadLength},
		{"3405241980010100133", BadLength},
		{"34052419800101001Y", BadChars},
		{"3405241980A101001X", BadChars},
		{"340524198013010019", BadBirth}, // month 13
		{"340524187001010019", BadBirth}, // before 1880
		{"500106203001010011", FutureBirth},
	}
	for _, tt := range tests {
		if got := Check(tt.id, today); got != tt.want {
			t.Errorf("Check(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestCardNoCheck(t *testing.T) {
	tests := []struct {
		no   string
		want bool
	}{
		{"D2143569X", true}, // worked example of the spec, Σ = 199
		{"X00000019", true}, // MOHRSS sample, Σ = 101
		{"X00000018", false},
		{"x00000019", false},
		{"X0000001", false},
		{"X0000001*9", false},
	}
	for _, tt := range tests {
		if got := ValidCardNo(tt.no); got != tt.want {
			t.Errorf("ValidCardNo(%q) = %v, want %v", tt.no, got, tt.want)
		}
	}
}

func TestBirthDate(t *testing.T) {
	got, err := BirthDate("500106194912310029")
	if err != nil || got.Format(time.DateOnly) != "1949-12-31" {
		t.Fatalf("BirthDate = %v, %v", got, err)
	}
	if _, err := BirthDate("5001061949"); err == nil {
		t.Fatal("short ID gave no error")
	}
}

func TestLuhn(t *testing.T) {
	for _, tt := range []struct {
		d    string
		want bool
	}{{"4111111111111111", true}, {"4111111111111112", false}, {"79927398713", true}, {"", false}, {"12a4", false}} {
		if got := Luhn(tt.d); got != tt.want {
			t.Errorf("Luhn(%q) = %v, want %v", tt.d, got, tt.want)
		}
	}
}
