package app

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func problems(es []FieldError) map[string]Problem {
	m := map[string]Problem{}
	for _, e := range es {
		m[e.Field] = e.Problem
	}
	return m
}

func TestProxyValidate(t *testing.T) {
	ok := Proxy{Name: "张小三", IDNumber: "11010519491231002X", Phone: "13912345678", Relation: "CHILD", AuthorizationNo: "WT-2026-001"}
	tests := []struct {
		name  string
		p     Proxy
		minor bool
		want  map[string]Problem
	}{
		{"complete", ok, false, map[string]Problem{}},
		{"bad id", func() Proxy { p := ok; p.IDNumber = "110105194912310021"; return p }(), false, map[string]Problem{"proxy.idNumber": ProbIDCheck}},
		{"the resident themself", func() Proxy { p := ok; p.IDNumber = "500106194912310029"; return p }(), false, map[string]Problem{"proxy.idNumber": ProbSelf}},
		{"no authorization", func() Proxy { p := ok; p.AuthorizationNo = ""; return p }(), false, map[string]Problem{"proxy.authorizationNo": ProbRequired}},
		{"guardian of a minor needs none", func() Proxy { p := ok; p.AuthorizationNo = ""; p.Relation = "GUARDIAN"; return p }(), true, map[string]Problem{}},
		{"guardian of an adult needs one", func() Proxy { p := ok; p.AuthorizationNo = ""; p.Relation = "GUARDIAN"; return p }(), false, map[string]Problem{"proxy.authorizationNo": ProbRequired}},
		{"empty", Proxy{}, false, map[string]Problem{"proxy.name": ProbRequired, "proxy.idNumber": ProbRequired, "proxy.phone": ProbPhone,
			"proxy.relation": ProbChoice, "proxy.authorizationNo": ProbRequired}},
	}
	for _, tt := range tests {
		if got := problems(tt.p.Validate("500106194912310029", tt.minor)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestCardOpPayloadShapes: each type gets exactly the fields platform-api §5.1 lists.
func TestCardOpPayloadShapes(t *testing.T) {
	c := Card{CardNo: "X00000019", Bank: &Bank{Code: "ICBC"}, Version: 12}
	proxy := &Proxy{Name: "张小三", IDNumber: "11010519491231002X", Phone: "13912345678", Relation: "CHILD", AuthorizationNo: "WT-1"}
	tests := []struct {
		a    Action
		want string
	}{
		{ActTempLoss, `{"cardNo":"X00000019","ssn":"500106194912310029","expectedVersion":12,"channel":"WINDOW","proxy":{"name":"张小三","idNumber":"11010519491231002X","phone":"13912345678","relation":"CHILD","authorizationNo":"WT-1"}}`},
		{ActFormalLoss, `{"cardNo":"X00000019","ssn":"500106194912310029","expectedVersion":12,"channel":"WINDOW","side":"BOTH","proxy":{"name":"张小三","idNumber":"11010519491231002X","phone":"13912345678","relation":"CHILD","authorizationNo":"WT-1"}}`},
		{ActUnblock, `{"cardNo":"X00000019","ssn":"500106194912310029","expectedVersion":12,"channel":"WINDOW"}`},
		{ActEnable, `{"cardNo":"X00000019","ssn":"500106194912310029","channel":"WINDOW"}`},
		{ActPINReset, `{"cardNo":"X00000019","ssn":"500106194912310029","channel":"WINDOW"}`},
		{ActActivate, `{"cardNo":"X00000019","ssn":"500106194912310029","bankCode":"ICBC"}`},
	}
	for _, tt := range tests {
		p := NewCardOpPayload(tt.a, c, "500106194912310029", ChannelWindow, "BOTH", proxy)
		b, _ := json.Marshal(p)
		if string(b) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.a, b, tt.want)
		}
		if errs := p.Validate(tt.a); len(errs) != 0 {
			t.Errorf("%s: valid payload refused: %v", tt.a, errs)
		}
	}
	bad := CardOpPayload{CardNo: "X00000018", SSN: "500106194912310028"}
	if got := problems(bad.Validate(ActFormalLoss)); !reflect.DeepEqual(got, map[string]Problem{"cardNo": ProbCardNo, "ssn": ProbIDCheck, "side": ProbChoice}) {
		t.Errorf("bad payload: %v", got)
	}
}

func TestInfoChangeValidate(t *testing.T) {
	phone, badPhone, empty := "13912345678", "1391234567", " "
	for _, tt := range []struct {
		c    InfoChanges
		want map[string]Problem
	}{
		{InfoChanges{Phone: &phone}, map[string]Problem{}},
		{InfoChanges{}, map[string]Problem{"changes": ProbNoChange}},
		{InfoChanges{Phone: &badPhone, Address: &empty}, map[string]Problem{"changes.phone": ProbPhone, "changes.address": ProbRequired}},
	} {
		if got := problems(InfoChangePayload{SSN: "500106194912310029", Changes: tt.c}.Validate()); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%+v: %v, want %v", tt.c, got, tt.want)
		}
	}
}

func TestApplicationValidate(t *testing.T) {
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, Shanghai)
	src := portrait(800, 1000, 5)
	photo, err := PreparePhoto(src, src.Bounds())
	if err != nil {
		t.Fatal(err)
	}
	banks := []CatalogBank{{Code: "ICBC", InstantIssue: true}, {Code: "ABC", InstantIssue: false}}
	elderly := "ELDERLY"
	old := "X00000019"
	base := ApplicationPayload{ApplicationID: "a1", Kind: "NEW", Make: "INSTANT", SSN: "500106194912310029", Name: "张三", Sex: "2", Nation: "01",
		BirthDate: "1949-12-31", IDValidUntil: "LONG_TERM", Phone: "13800000000", Address: "重庆市沙坪坝区天星桥街道正街1号", BankCode: "ICBC",
		Urgent: true, UrgentReason: &elderly}
	check := ApplicationCheck{PhotoJPEG: photo, Banks: banks, Today: today, GreenChannel: "ELDERLY"}
	tests := []struct {
		name   string
		edit   func(*ApplicationPayload, *ApplicationCheck)
		expect map[string]Problem
	}{
		{"complete urgent instant application", func(*ApplicationPayload, *ApplicationCheck) {}, map[string]Problem{}},
		{"birth date disagrees with the ID", func(p *ApplicationPayload, _ *ApplicationCheck) { p.BirthDate = "1949-12-30" }, map[string]Problem{"birthDate": ProbDate}},
		{"instant at a batch-only bank", func(p *ApplicationPayload, _ *ApplicationCheck) { p.BankCode = "ABC" }, map[string]Problem{"make": ProbNotInstant}},
		{"unknown bank", func(p *ApplicationPayload, _ *ApplicationCheck) { p.BankCode = "XYZ" }, map[string]Problem{"bankCode": ProbChoice}},
		{"urgent without green channel", func(_ *ApplicationPayload, c *ApplicationCheck) { c.GreenChannel = "" }, map[string]Problem{"urgent": ProbNotEligible}},
		{"no photo", func(_ *ApplicationPayload, c *ApplicationCheck) { c.PhotoJPEG = nil }, map[string]Problem{"photo": ProbRequired}},
		{"photo of the wrong size", func(_ *ApplicationPayload, c *ApplicationCheck) {
			b, _ := encodeJPEG(portrait(400, 500, 1), 90)
			c.PhotoJPEG = b
		}, map[string]Problem{"photo": ProbPhotoSize}},
		{"replacement needs the old card", func(p *ApplicationPayload, _ *ApplicationCheck) { p.Kind = "REPLACE_LOST" }, map[string]Problem{"oldCardNo": ProbCardNo}},
		{"replacement with the old card", func(p *ApplicationPayload, _ *ApplicationCheck) { p.Kind = "REPLACE_LOST"; p.OldCardNo = &old }, map[string]Problem{}},
		{"renewal outside the window", func(p *ApplicationPayload, c *ApplicationCheck) {
			p.Kind, p.OldCardNo = "RENEW", &old
			c.OldCard = &Card{CardNo: old, ExpiryDate: "2031-12-02"}
		}, map[string]Problem{"kind": ProbDate}},
		{"renewal inside the window", func(p *ApplicationPayload, c *ApplicationCheck) {
			p.Kind, p.OldCardNo = "RENEW", &old
			c.OldCard = &Card{CardNo: old, ExpiryDate: "2026-12-20"}
		}, map[string]Problem{}},
		{"bad phone, sex, nation, validity", func(p *ApplicationPayload, _ *ApplicationCheck) {
			p.Phone, p.Sex, p.Nation, p.IDValidUntil = "23800000000", "3", "57", "someday"
		}, map[string]Problem{"phone": ProbPhone, "sex": ProbChoice, "nation": ProbChoice, "idValidUntil": ProbDate}},
		{"mailing checked when given", func(p *ApplicationPayload, _ *ApplicationCheck) {
			p.Mailing = &Mailing{Name: "张三", Phone: "138", Address: ""}
		},
			map[string]Problem{"mailing.phone": ProbPhone, "mailing.address": ProbRequired}},
		{"proxy checked when given", func(p *ApplicationPayload, _ *ApplicationCheck) { p.Proxy = &Proxy{Name: "李四"} },
			map[string]Problem{"proxy.idNumber": ProbRequired, "proxy.phone": ProbPhone, "proxy.relation": ProbChoice, "proxy.authorizationNo": ProbRequired}},
	}
	for _, tt := range tests {
		p, c := base, check
		tt.edit(&p, &c)
		if got := problems(p.Validate(c)); !reflect.DeepEqual(got, tt.expect) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.expect)
		}
	}
}

func TestGreenChannelReason(t *testing.T) {
	today := time.Date(2026, 11, 28, 10, 0, 0, 0, Shanghai)
	p := DefaultPriorityPolicy
	for _, tt := range []struct {
		r    Resident
		pol  PriorityPolicy
		want string
	}{
		{Resident{SSN: "500106194912310029"}, p, "ELDERLY"},
		{Resident{SSN: "50010619850615003X", Disability: &Disability{Category: "PHYSICAL", Grade: 2}}, p, "DISABLED"},
		{Resident{SSN: "50010619850615003X"}, p, ""},
		{Resident{SSN: "500106196611280013"}, p, "ELDERLY"}, // 60 today
		{Resident{SSN: "500106194912310029"}, PriorityPolicy{ElderlyAge: 80}, ""},
		{Resident{SSN: "50010619850615003X", Disability: &Disability{}}, PriorityPolicy{ElderlyAge: 60, Disabled: false}, ""},
	} {
		if got := GreenChannelReason(tt.r, tt.pol, today); got != tt.want {
			t.Errorf("%s %+v: %q, want %q", tt.r.SSN, tt.pol, got, tt.want)
		}
	}
}
