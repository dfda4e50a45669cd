package gate_test

import (
	"context"
	"testing"
	"time"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/ids"
	"ykt/app/queue"
	"ykt/platform/sim"
)

// TestEnrichCardAsksAboutTheCardPresented: a swiped card is asked about by its own number (idType
// CARD_NO), so a found card reported lost or cancelled identifies nobody — not even as its owner,
// whose SSN its chip carries and whose current card may be fine — while an expired card still
// identifies, with the warning; a card the platform does not know is taken as before.
func TestEnrichCardAsksAboutTheCardPresented(t *testing.T) {
	pe := newPlatform(t)
	ctx := context.Background()
	if err := pe.sim.UpdateCard("X00000051", func(c *app.Card) { c.ExpiryDate = "2020-01-01" }); err != nil {
		t.Fatal(err)
	}
	sun := queue.Holder{SSN: "50010619380305002" + checkOf(t, "50010619380305002"), BirthDate: "1938-03-05"} // 孙桂兰, 88
	cases := []struct {
		name     string
		h        queue.Holder
		card     string
		refused  gate.Reason
		expired  bool
		disabled bool
	}{
		{"normal card, registered disability", queue.Holder{SSN: "50010619850615003X"}, "X00000035", gate.ReasonNone, false, true},
		{"temporarily lost card, elderly owner", sun, cardNo("X1000001"), gate.ReasonTempLoss, false, false},
		{"formally lost card", queue.Holder{SSN: "500106195501010026"}, "X00000078", gate.ReasonFormalLoss, false, false},
		{"cancelled card", queue.Holder{SSN: "50010619700101004" + checkOf(t, "50010619700101004")}, cardNo("X1000003"), gate.ReasonCancelled, false, false},
		{"expired card", queue.Holder{SSN: "50010619900101001X"}, "X00000051", gate.ReasonNone, true, false},
		{"unknown card", queue.Holder{SSN: "50010619900101001X"}, cardNo("X9999999"), gate.ReasonNone, false, false},
		{"card number failing its check", queue.Holder{SSN: "50010619900101001X"}, "X00000010", gate.ReasonUnreadable, false, false},
	}
	for _, tc := range cases {
		ans := gate.EnrichCard(ctx, pe.client, sim.DemoHall, tc.h, gate.KioskCard{CardNo: tc.card}, time.Second)
		if ans.Refused != tc.refused || ans.Expired != tc.expired || ans.Holder.Disabled != tc.disabled || ans.Offline {
			t.Errorf("%s: %+v", tc.name, ans)
		}
		if want := tc.h.SSN; tc.refused != gate.ReasonNone {
			if !ans.Holder.Anonymous() || len(ans.Reasons) != 0 {
				t.Errorf("%s: a refused card still identifies %+v with %v", tc.name, ans.Holder, ans.Reasons)
			}
		} else if ans.Holder.SSN != want {
			t.Errorf("%s: holder %+v", tc.name, ans.Holder)
		}
		if ans.CardNoMasked == tc.card || len(ans.CardNoMasked) != len(tc.card) {
			t.Errorf("%s: masked card number %q", tc.name, ans.CardNoMasked)
		}
	}

	// Offline the kiosk cannot know of a loss (no deny list): the card is taken, the chip's own
	// expiry date checked, and the answer marked missing for staff.
	pe.sim.Close()
	ans := gate.EnrichCard(ctx, pe.client, sim.DemoHall, sun, gate.KioskCard{CardNo: cardNo("X1000001"), ExpiryDate: "2020-01-01"}, time.Second)
	if !ans.Offline || ans.Refused != gate.ReasonNone || !ans.Expired || ans.Holder.SSN != sun.SSN {
		t.Errorf("offline, chip expired: %+v", ans)
	}
}

func checkOf(t *testing.T, body string) string {
	t.Helper()
	c, ok := ids.CheckChar(body)
	if !ok {
		t.Fatalf("no check character for %s", body)
	}
	return string(c)
}
