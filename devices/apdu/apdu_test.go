package apdu

import (
	"errors"
	"strings"
	"testing"
)

func TestCommandBytes(t *testing.T) {
	for _, c := range []struct {
		cmd  Command
		want string
	}{
		{ReadRecord(0x07, 0x04, 0x0B), "00 B2 07 04 0B"},
		{ReadRecord(0x01, 0x04, 0), "00 B2 01 04 00"},
		{Select(0x00, 0x00, []byte{0x3F, 0x00}, NoLe), "00 A4 00 00 02 3F 00"},
		{Select(0x04, 0x00, []byte{0xA0, 0x00}, 256), "00 A4 04 00 02 A0 00 00"},
		{GetResponse(0x10), "00 C0 00 00 10"},
	} {
		if got := c.cmd.String(); got != c.want {
			t.Errorf("%s, want %s", got, c.want)
		}
	}
}

// TestWrongLe is the example of cards.md §1.9: 00 B2 07 04 09 → 6C 0B → resend with Le 0B.
func TestWrongLe(t *testing.T) {
	s := &Script{Answers: map[string][]string{
		"00 B2 07 04 09": {"6C 0B"},
		"00 B2 07 04 0B": {"07 09 58 30 30 30 30 30 30 31 39 90 00"},
	}}
	ch := NewChannel(s)
	rsp, err := ch.Exchange(ReadRecord(7, 4, 9))
	if err != nil || !rsp.OK() || string(rsp.Data[2:]) != "X00000019" || ch.Count != 2 {
		t.Fatalf("%+v %v count %d", rsp, err, ch.Count)
	}
}

func TestGetResponseChain(t *testing.T) {
	s := &Script{Answers: map[string][]string{
		"80 A8 00 00 02 83 00 00": {"61 04"},
		"00 C0 00 00 04":          {"77 04 82 02 61 02"},
		"00 C0 00 00 02":          {"7C 00 90 00"},
	}}
	ch := NewChannel(s)
	rsp, err := ch.Exchange(Command{CLA: 0x80, INS: 0xA8, Data: []byte{0x83, 0x00}, Le: 0})
	if err != nil || Hex(rsp.Data) != "77 04 82 02 7C 00" || ch.Count != 3 {
		t.Fatalf("% X %v %d", rsp.Data, err, ch.Count)
	}
}

func TestLimits(t *testing.T) {
	// A card that answers 61 01 for ever: 16 rounds and no more.
	endless := &Script{Answers: map[string][]string{"00 B2 01 04 00": {"61 01"}, "00 C0 00 00 01": {"AA 61 01"}}}
	ch := NewChannel(endless)
	if _, err := ch.Exchange(ReadRecord(1, 4, 0)); !errors.Is(err, ErrMalformed) || ch.Count != 17 {
		t.Errorf("endless 61XX: %v after %d APDUs", err, ch.Count)
	}
	// 6C twice is not obeyed twice.
	twice := &Script{Answers: map[string][]string{"00 B2 01 04 05": {"6C 06"}, "00 B2 01 04 06": {"6C 05"}}}
	if _, err := NewChannel(twice).Exchange(ReadRecord(1, 4, 5)); !errors.Is(err, ErrMalformed) {
		t.Errorf("6C twice: %v", err)
	}
	// More data than Le asked for.
	greedy := &Script{Answers: map[string][]string{"00 B2 01 04 02": {"01 02 03 90 00"}}}
	if _, err := NewChannel(greedy).Exchange(ReadRecord(1, 4, 2)); !errors.Is(err, ErrMalformed) {
		t.Errorf("response longer than Le: %v", err)
	}
	// No status word.
	if _, err := NewChannel(&Script{Answers: map[string][]string{"00 B2 01 04 02": {"90"}}}).Exchange(ReadRecord(1, 4, 2)); !errors.Is(err, ErrMalformed) {
		t.Errorf("one byte: %v", err)
	}
}

func TestStatusWords(t *testing.T) {
	for sw, want := range map[SW]string{0x9000: "success", 0x6982: "security", 0x63C2: "2 tries", 0x63C0: "blocked", 0x6A83: "record not found", 0x6114: "20 bytes", 0x1234: "unexpected"} {
		if !strings.Contains(sw.Meaning(), want) {
			t.Errorf("%s: %q", sw, sw.Meaning())
		}
	}
	err := error(&Error{Op: "read EF06 name", SW: 0x6982})
	if !IsSW(err, 0x6A82, 0x6982) || IsSW(err, 0x9000) || !strings.Contains(err.Error(), "69 82") {
		t.Errorf("%v", err)
	}
}

// FuzzExchange drives the 61XX/6CXX logic with arbitrary card answers (FZ-5 replay stream).
func FuzzExchange(f *testing.F) {
	f.Add([]byte{0, 2, 0x6C, 0x0B, 0, 13, 7, 9, 0x58, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x31, 0x39, 0x90, 0x00}, 9)
	f.Add(ReplayStream([]byte{0x61, 0x02}, []byte{0x01, 0x02, 0x61, 0x01}, []byte{0x03, 0x90, 0x00}), 0)
	f.Add([]byte{0, 1, 0x90}, 5)
	f.Fuzz(func(t *testing.T, stream []byte, le int) {
		if le < 0 || le > 256 {
			le = 0
		}
		ch := NewChannel(NewReplay(stream))
		rsp, err := ch.Exchange(ReadRecord(1, 4, le))
		if ch.Count > 2+maxGetResponseRounds {
			t.Fatalf("%d APDUs", ch.Count)
		}
		if err == nil && len(rsp.Data) > maxResponseData {
			t.Fatalf("%d bytes", len(rsp.Data))
		}
	})
}
