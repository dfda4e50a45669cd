package hallscreens

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"ykt/app"
	"ykt/app/ids"
	"ykt/ui/uitest"
)

// chipOf is what the card reader reads from a social security card: its number and the holder's
// SSN and birth date.
func chipOf(cardBody, ssn string) *app.SSCData {
	c, _ := ids.CardNoCheck(cardBody)
	no := cardBody + string(c)
	birth, _ := ids.BirthDate(ssn)
	b := birth.Format(time.DateOnly)
	return &app.SSCData{CardNo: no, CardNoValid: ids.ValidCardNo(no), ExpiryDate: "2030-02-28", SSN: &ssn, BirthDate: &b}
}

func ssnOf(body string) string {
	c, _ := ids.CheckChar(body)
	return body + string(c)
}

// TestKioskRefusesLostCard: a card reported lost (temporarily or formally) or cancelled is not
// accepted as identity at the kiosk (domain.md §2.2 rule 6), even though its chip carries its
// owner's SSN: the kiosk asks the platform about the card swiped, says why in the gate's sentence,
// and offers the ID card and the keypad — never the owner's green channel or appointment. An
// expired card still identifies, with a warning and the renewal offer.
func TestKioskRefusesLostCard(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	s, client := kioskTerminal(t, nil)
	if err := s.UpdateCard("X00000051", func(c *app.Card) { c.ExpiryDate = "2020-01-01" }); err != nil {
		t.Fatal(err)
	}
	sun := ssnOf("50010619380305002") // 孙桂兰, 88; her only card is in TEMP_LOSS
	if err := f.Client.SetAppointments(context.Background(), []app.Appointment{{AppointmentID: "ap-9", SSN: sun, BusinessCode: "CARD_LOSS",
		SlotStart: uitest.HallNow().Add(10 * time.Minute), SlotEnd: uitest.HallNow().Add(40 * time.Minute), Status: "BOOKED"}}); err != nil {
		t.Fatal(err)
	}
	w := f.App.NewWindow("")
	defer w.Close()
	w.Resize(fyne.NewSize(1024, 768))
	k := NewKiosk(f.App, w, KioskDeps{Hall: f.Client, Do: f.UI.Do, Now: f.Clock.Now, Enrich: platformEnrich(client)})
	f.UI.DrainUntil(t, func() bool { return len(k.cfg.Businesses) > 0 })

	const refusal = "这张卡不能用来取号，请改刷身份证，或输入身份证号。"
	for _, tc := range []struct {
		name, title string
		chip        *app.SSCData
	}{
		{"temporarily lost", "此卡已临时挂失", chipOf("X1000001", sun)},
		{"formally lost", "此卡已正式挂失", chipOf("X0000007", "500106195501010026")},
		{"cancelled", "此卡已注销", chipOf("X1000003", ssnOf("50010619700101004"))},
	} {
		go k.Swiped(tc.chip, nil)
		f.UI.DrainUntil(t, func() bool { return k.title.Text == tc.title })
		if k.message.Text != refusal || k.holder != nil {
			t.Errorf("%s: %q, holder %+v", tc.name, k.message.Text, k.holder)
		}
		var names []string
		for _, b := range k.buttons {
			names = append(names, b.Text)
		}
		if fmt.Sprint(names) != "[输入身份证号取号 没带卡？不刷卡直接取号 返回]" {
			t.Errorf("%s: choices %q", tc.name, names)
		}
		screen := uitest.Markup(w.Canvas())
		if strings.Contains(screen, tc.chip.CardNo) || strings.Contains(screen, *tc.chip.SSN) {
			t.Errorf("%s: the screen shows the card number or the SSN", tc.name)
		}
	}
	// The keypad is offered.
	test.Tap(buttonNamed(t, k.buttons, "输入身份证号取号"))
	if k.title.Text != "请输入身份证号" {
		t.Errorf("keypad: %q", k.title.Text)
	}

	// Expired: the ticket is taken, with the warning and the renewal offer.
	go k.Swiped(chipOf("X0000005", "50010619900101001X"), nil)
	f.UI.DrainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
	if !strings.Contains(k.message.Text, "此卡已过有效期，本次仍可取号，请到窗口办理到期换领。") {
		t.Errorf("expired card: %q", k.message.Text)
	}
	test.Tap(buttonNamed(t, k.buttons, "挂失与解挂"))
	f.UI.DrainUntil(t, func() bool { return k.issued != nil })
	test.Tap(buttonNamed(t, k.buttons, "完成"))

	// A card in order keeps its holder's green channel (王建国, disabled, platform only).
	go k.Swiped(chipOf("X0000003", "50010619850615003X"), nil)
	f.UI.DrainUntil(t, func() bool { return k.title.Text == "请选择要办理的业务" })
	if k.holder == nil || !k.holder.Disabled || strings.Contains(k.message.Text, "有效期") {
		t.Errorf("card in order: %+v %q", k.holder, k.message.Text)
	}
}

// TestKioskAsksToSwipeAgain: a card that could not be read (swiped too fast, pulled too soon, a
// chip without the holder's data) tells the resident, in the heading, to swipe it again — for a
// few seconds, then the screen says again what it said.
func TestKioskAsksToSwipeAgain(t *testing.T) {
	f := uitest.NewHall(t, "zh_Hans")
	w := f.App.NewWindow("")
	defer w.Close()
	w.Resize(fyne.NewSize(1024, 768))
	k := NewKiosk(f.App, w, KioskDeps{Hall: f.Client, Do: f.UI.Do, Now: f.Clock.Now})
	k.swipeAgainFor = 300 * time.Millisecond
	welcome := [2]string{k.title.Text, k.message.Text}
	noSSN := chipOf("X0000001", "50010619900101001X")
	noSSN.SSN = nil
	badNo := chipOf("X0000001", "50010619900101001X")
	badNo.CardNo, badNo.CardNoValid = "X00000010", false
	for name, read := range map[string]func(){
		"pulled too soon": func() { k.Swiped(nil, app.ErrNoCard) },
		"read error":      func() { k.Swiped(nil, &app.CardError{Err: errors.New("6A82")}) },
		"no SSN in chip":  func() { k.Swiped(noSSN, nil) },
		"bad card number": func() { k.Swiped(badNo, nil) },
	} {
		go read()
		f.UI.DrainUntil(t, func() bool { return k.title.Text == "无法读取此卡" })
		if k.message.Text != "请重新刷卡，或改用身份证、扫码。" || k.holder != nil {
			t.Errorf("%s: %q, holder %+v", name, k.message.Text, k.holder)
		}
		f.UI.DrainUntil(t, func() bool { return k.title.Text == welcome[0] })
		if k.message.Text != welcome[1] {
			t.Errorf("%s: back to %q", name, k.message.Text)
		}
	}
}
