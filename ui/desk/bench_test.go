package desk

import (
	"testing"
	"time"
)

// BenchmarkCardToPanel is the time from a card read to the resident panel shown: the chip read
// through the real card code against the in-process demo card, the platform look-up of the
// resident and cards over loopback, the panel built. The PC/SC round trips of a read through
// pcscd (≈ 7 ms, `ykt bench card`) come on top; payments fill in afterwards and are not counted.
func BenchmarkCardToPanel(b *testing.B) {
	d := newDesk(b, "c0107")
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		read := readDemoCard(b, "elderly")
		d.wb.view = nil
		d.wb.CardInserted(read)
		d.ui.DrainUntil(b, func() bool { return d.wb.view != nil })
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/panel")
}
