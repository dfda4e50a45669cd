package app

import (
	"testing"
	"time"
)

func TestAgeOn(t *testing.T) {
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 10, 0, 0, 0, Shanghai) }
	tests := []struct {
		birth, on time.Time
		want      int
	}{
		{d(1949, 12, 31), d(2026, 11, 28), 76},
		{d(1966, 11, 28), d(2026, 11, 28), 60}, // reached on the birthday
		{d(1966, 11, 29), d(2026, 11, 28), 59},
		{d(1964, 2, 29), d(2025, 2, 28), 60}, // leap-day birth: not yet in a non-leap year
		{d(1964, 2, 29), d(2025, 3, 1), 61},
		{d(1964, 2, 29), d(2024, 2, 29), 60},
	}
	for _, tt := range tests {
		if got := AgeOn(tt.birth, tt.on); got != tt.want {
			t.Errorf("AgeOn(%s, %s) = %d, want %d", tt.birth.Format(time.DateOnly), tt.on.Format(time.DateOnly), got, tt.want)
		}
	}
	// Local midnight, not UTC midnight: 2026-11-27T16:30Z is already the 28th in Chongqing.
	b := d(1966, 11, 28)
	if got := AgeOn(b, time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)); got != 60 {
		t.Errorf("age at 00:30 local on the birthday = %d, want 60", got)
	}
}
