package syncpanel

import (
	"testing"

	"ykt/app"
)

// FuzzConflictWords: a CONFLICT result is the platform's JSON; the panel's words for it (what was
// meant, what the platform has now, whether it can be applied again) never panic.
func FuzzConflictWords(f *testing.F) {
	f.Add(uint8(0), []byte(`{"ssn":"500106194912310029","cardNo":"X00000019","expectedVersion":12}`),
		[]byte(`{"cardNo":"X00000019","socialStatus":"TEMP_LOSS","financialStatus":"ACTIVE","tempLossUntil":"2026-12-30T00:00:00+08:00","version":13}`))
	f.Add(uint8(1), []byte(`{"ssn":"500106194912310029","changes":{"phone":"13800000000","address":null},"expectedVersion":3}`),
		[]byte(`{"ssn":"500106194912310029","name":"张三","phone":"13800000000","version":4}`))
	f.Add(uint8(2), []byte(`null`), []byte(`{"version":null}`))
	f.Add(uint8(0), []byte(`{"expectedVersion":"x"}`), []byte(`{"cardNo":"X","tempLossUntil":null,"version":1e400}`))
	types := []string{app.OpCardTempLoss, app.OpInfoChange, app.OpCardApplication, app.OpPINReset, "UNKNOWN"}
	f.Fuzz(func(t *testing.T, typ uint8, payload, result []byte) {
		rec := app.OpRecord{Operation: app.Operation{Type: types[int(typ)%len(types)], Payload: payload}, Result: result}
		_ = meantLines(rec)
		_ = currentLines(rec)
		_ = canReapply(rec)
		_ = subjectText(factsOf(payload), "张*")
	})
}
