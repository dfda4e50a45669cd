package sim

import (
	"encoding/json"
	"fmt"
	"time"

	"ykt/app"
	"ykt/app/ids"
	"ykt/assets"
)

// DemoPassword is the password of every demo clerk (demo mode and tests only).
const DemoPassword = "ykt-demo-2026"

// DemoHall is the hall of demo mode.
const DemoHall = "500106-ZWZX"

// DemoClerk is a clerk of the demo data.
type DemoClerk struct {
	ID, Name string
	Roles    []string
	HallCode string
	BankCode string
}

// DemoClerks are the demo clerks, one or more of every role; all use DemoPassword.
var DemoClerks = []DemoClerk{
	{"c0107", "李敏", []string{app.RoleCounter}, DemoHall, ""},
	{"c0108", "王芳", []string{app.RoleCounter}, DemoHall, ""},
	{"c0201", "陈刚", []string{app.RoleBank}, "500106-ICBC01", "ICBC"},
	{"c0202", "周婷", []string{app.RoleBank}, "500106-CCB01", "CCB"},
	{"c0301", "刘洋", []string{app.RoleHomeVisit}, DemoHall, ""},
	{"c0901", "赵敏", []string{app.RoleSupervisor, app.RoleCounter}, DemoHall, ""},
}

// DemoEnrollmentCodes are single-use codes valid for any hall, seeded with the demo data.
var DemoEnrollmentCodes = []string{"DEMO-0001", "DEMO-0002", "DEMO-0003", "DEMO-0004", "DEMO-0005",
	"DEMO-0006", "DEMO-0007", "DEMO-0008", "DEMO-0009", "DEMO-0010"}

// DemoTerminalCodes are single-use codes for unattended terminals (v1.1), valid for any hall.
var DemoTerminalCodes = map[string]app.TerminalKind{"KIOSK-0001": app.TerminalKiosk, "KIOSK-0002": app.TerminalKiosk,
	"GATE-0001": app.TerminalGate, "GATE-0002": app.TerminalGate}

var halls = [][2]string{
	{DemoHall, "沙坪坝区政务服务中心"},
	{"500106-TXQ", "天星桥街道便民服务中心"},
	{"500106-ICBC01", "中国工商银行重庆沙坪坝支行"},
	{"500106-CCB01", "中国建设银行重庆小龙坎支行"},
}

// DefaultCatalog is the service catalogue the simulator starts with.
func DefaultCatalog() app.Catalog {
	biz := func(code, name string, inPerson, proxy bool, guide string) app.Business {
		return app.Business{Code: code, Name: name, InPersonOnly: inPerson, AllowsProxy: proxy, Guide: guide}
	}
	c := app.Catalog{
		// The district's scenario guides (应用指南、网点、操作指引: the pilot plan, 二(一)3): what to bring,
		// the steps, who may act for the holder, where else it can be done.
		Businesses: []app.Business{
			biz("CARD_APPLICATION", "社保卡首次申领（含即时制卡）", false, true, "材料：本人居民身份证（16 周岁以下可用户口簿），照片可在窗口现场采集。步骤：核对身份 → 采集照片 → 选择合作银行 → 即时制卡网点当场领卡；批量制卡完成后凭回执到受理网点领卡，进度可扫回执二维码或拨打 12333 查询。可由他人代办申请，领卡启用须本人。"),
			biz("CARD_REPLACE", "社保卡补领、换领", false, true, "遗失补领须先正式挂失原卡（窗口、合作银行网点或 12333 均可）；损坏换领须交回原卡。材料：本人居民身份证。即时制卡网点当场领新卡，其他网点批量制卡后凭回执领卡。可代办申请，领卡启用须本人。"),
			biz("CARD_RENEW", "社保卡到期换领", false, true, "有效期截止前 60 天内可办理。材料：居民身份证和原卡，到任一受理网点换领；新卡启用前原卡照常使用。可代办申请，领卡启用须本人。"),
			biz("CARD_TEMP_LOSS", "社保卡临时挂失", false, true, "卡片遗失、被盗时先临时挂失，7 天后自动解除；可在窗口、合作银行网点办理，或拨打 12333。需要补卡时办理正式挂失。可代办。"),
			biz("CARD_FORMAL_LOSS", "社保卡正式挂失", false, true, "正式挂失后原卡不能再用、不可撤销，之后办理补领。材料：居民身份证；代办须带代办人身份证和委托书。"),
			biz("CARD_UNBLOCK", "社保卡解挂", true, false, "找回临时挂失的卡后解除挂失：须本人持卡和居民身份证到窗口或合作银行网点办理。"),
			biz("CARD_ENABLE", "社保卡领卡启用", true, false, "须本人持居民身份证和申领回执领卡，现场设置密码并启用社保功能和金融账户。"),
			biz("PIN_RESET", "社保卡密码重置", true, false, "密码遗忘或锁定：须本人持卡和居民身份证办理，不能代办；也可到发卡银行网点办理。"),
			biz("FINANCIAL_ACTIVATE", "社保卡金融账户激活", true, false, "补贴、工资需要激活金融账户才能到账：须本人持卡和居民身份证到发卡银行任一网点办理。"),
			biz("INFO_CHANGE", "个人信息变更（电话、地址）", false, false, "电话、地址变更须本人持居民身份证办理；姓名、身份证号变更先到公安机关办理，再凭证明到窗口申请。"),
			biz("PAYMENT_QUERY", "惠民惠农补贴、农民工工资查询", false, true, "凭社保卡、身份证或电子社保卡查询发放到卡的补贴和工资；发放失败多因金融账户未激活。咨询 12345、12333。"),
			biz("PROGRESS_QUERY", "制卡进度查询", false, true, "凭身份证号码或回执上的申请编号查询；也可扫描回执二维码或拨打 12333。"),
			biz("CONSULT", "政策咨询", false, true, "社保卡政策、用卡场景和网点信息；咨询电话 12345、12333。"),
		},
		ServicePoints: []app.ServicePoint{
			{Code: DemoHall, Name: "沙坪坝区政务服务中心", Address: "重庆市沙坪坝区天星桥正街 5 号", Kind: "HALL",
				Businesses: []string{"CARD_APPLICATION", "CARD_REPLACE", "CARD_RENEW", "CARD_TEMP_LOSS", "CARD_FORMAL_LOSS", "CARD_UNBLOCK", "CARD_ENABLE", "PIN_RESET", "INFO_CHANGE", "PAYMENT_QUERY", "PROGRESS_QUERY", "CONSULT"}},
			{Code: "500106-TXQ", Name: "天星桥街道便民服务中心", Address: "重庆市沙坪坝区天星桥街道", Kind: "COMMUNITY",
				Businesses: []string{"CARD_TEMP_LOSS", "PAYMENT_QUERY", "PROGRESS_QUERY", "CONSULT"}},
			{Code: "500106-XLK", Name: "小龙坎街道便民服务中心", Address: "重庆市沙坪坝区小龙坎街道", Kind: "COMMUNITY",
				Businesses: []string{"CARD_APPLICATION", "CARD_REPLACE", "CARD_RENEW", "CARD_TEMP_LOSS", "PAYMENT_QUERY", "PROGRESS_QUERY", "CONSULT"}},
			{Code: "500106-SJP", Name: "石井坡街道便民服务中心", Address: "重庆市沙坪坝区石井坡街道", Kind: "COMMUNITY",
				Businesses: []string{"CARD_APPLICATION", "CARD_REPLACE", "CARD_TEMP_LOSS", "PAYMENT_QUERY", "PROGRESS_QUERY", "CONSULT"}},
			{Code: "500106-SD", Name: "山洞街道便民服务中心", Address: "重庆市沙坪坝区山洞街道", Kind: "COMMUNITY",
				Businesses: []string{"CARD_TEMP_LOSS", "PAYMENT_QUERY", "PROGRESS_QUERY", "CONSULT"}},
			{Code: "500106-ICBC01", Name: "中国工商银行重庆沙坪坝支行", Address: "重庆市沙坪坝区三峡广场", Kind: "BANK",
				Businesses: []string{"CARD_APPLICATION", "CARD_REPLACE", "CARD_RENEW", "CARD_TEMP_LOSS", "CARD_FORMAL_LOSS", "CARD_UNBLOCK", "PIN_RESET", "FINANCIAL_ACTIVATE", "PAYMENT_QUERY"}},
			{Code: "500106-CCB01", Name: "中国建设银行重庆小龙坎支行", Address: "重庆市沙坪坝区小龙坎正街", Kind: "BANK",
				Businesses: []string{"CARD_APPLICATION", "CARD_REPLACE", "CARD_TEMP_LOSS", "FINANCIAL_ACTIVATE", "PAYMENT_QUERY"}},
			{Code: "500106-BOC01", Name: "中国银行重庆沙坪坝支行", Address: "重庆市沙坪坝区三峡广场", Kind: "BANK",
				Businesses: []string{"CARD_APPLICATION", "CARD_REPLACE", "CARD_TEMP_LOSS", "FINANCIAL_ACTIVATE", "PAYMENT_QUERY"}},
			{Code: "500106-CQRCB01", Name: "重庆农村商业银行沙坪坝支行", Address: "重庆市沙坪坝区沙坪坝正街", Kind: "BANK",
				Businesses: []string{"CARD_APPLICATION", "CARD_REPLACE", "CARD_TEMP_LOSS", "FINANCIAL_ACTIVATE", "PAYMENT_QUERY"}},
		},
		Banks: []app.CatalogBank{{Code: "ICBC", Name: "中国工商银行", InstantIssue: true}, {Code: "CCB", Name: "中国建设银行", InstantIssue: true},
			{Code: "ABC", Name: "中国农业银行", InstantIssue: false}, {Code: "BOC", Name: "中国银行", InstantIssue: true},
			{Code: "CQRCB", Name: "重庆农村商业银行", InstantIssue: false}},
		PriorityPolicy: app.DefaultPriorityPolicy,
	}
	c.Evaluation.Levels = []string{"非常满意", "满意", "基本满意", "不满意", "非常不满意"}
	return c
}

// seed installs the catalogue and halls, and with "demo" the demo data (once) and today's
// appointments and home visits (every start, for the day it is).
func (s *Server) seed(mode string) error {
	if mode != "" && mode != "demo" {
		return fmt.Errorf("platform simulator: unknown seed %q (want demo)", mode)
	}
	doc, err := s.meta("catalog")
	if err != nil {
		return err
	}
	if doc == "" {
		doc = mustJSON(DefaultCatalog())
		if err := s.setMeta(s.db, "catalog", doc); err != nil {
			return err
		}
	}
	var c app.Catalog
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return fmt.Errorf("stored catalogue: %w", err)
	}
	s.cat = &c
	for _, h := range halls {
		if _, err := s.db.Exec("INSERT OR IGNORE INTO halls (hall_code, name) VALUES (?, ?)", h[0], h[1]); err != nil {
			return err
		}
	}
	if mode == "" {
		return nil
	}
	done, err := s.meta("seed")
	if err != nil {
		return err
	}
	if done == "" {
		if err := s.seedDemo(); err != nil {
			return fmt.Errorf("seed demo data: %w", err)
		}
		if err := s.setMeta(s.db, "seed", "demo"); err != nil {
			return err
		}
	}
	return s.ensureToday()
}

// demoFile is assets/demo/residents.json.
type demoFile struct {
	Residents []struct {
		app.Resident
		Cards []struct {
			app.Card
		} `json:"cards"`
	} `json:"residents"`
}

func (s *Server) seedDemo() error {
	var f demoFile
	if err := json.Unmarshal(assets.DemoResidents, &f); err != nil {
		return fmt.Errorf("assets/demo/residents.json: %w", err)
	}
	tx, err := s.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, r := range f.Residents {
		res := r.Resident
		res.Version = 1
		if err := putResident(tx, res); err != nil {
			return err
		}
		for _, c := range r.Cards {
			card := c.Card
			card.Version = 1
			if err := putCard(tx, res.SSN, card, "", s.now()); err != nil {
				return err
			}
		}
	}
	if err := s.seedMore(tx); err != nil {
		return err
	}
	for _, c := range DemoClerks {
		if err := s.addClerkTx(tx, c); err != nil {
			return err
		}
	}
	for _, code := range DemoEnrollmentCodes {
		if _, err := tx.Exec("INSERT OR IGNORE INTO enrollment_codes (code) VALUES (?)", code); err != nil {
			return err
		}
	}
	for code, kind := range DemoTerminalCodes {
		if _, err := tx.Exec("INSERT OR IGNORE INTO enrollment_codes (code, terminal) VALUES (?, ?)", code, string(kind)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *Server) addClerkTx(q queryer, c DemoClerk) error {
	salt := []byte("demo-salt-" + c.ID)[:16]
	var bank any
	if c.BankCode != "" {
		bank = c.BankCode
	}
	_, err := q.Exec(`INSERT OR IGNORE INTO clerks (clerk_id, name, roles, hall_code, bank_code, salt, pw_hash) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Name, joinRoles(c.Roles), c.HallCode, bank, salt, passwordHash(salt, DemoPassword))
	return err
}

func joinRoles(r []string) string {
	out := ""
	for i, v := range r {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

// synthetic is one generated demo resident.
type synthetic struct {
	body, name, sex, phone, address string
	disability                      *app.Disability
	social                          app.SocialStatus
	financial                       app.FinancialStatus
	bank                            string
	expiry                          string // "" = issue + 10 years
}

var banks = map[string]string{"ICBC": "中国工商银行", "CCB": "中国建设银行", "ABC": "中国农业银行", "BOC": "中国银行", "CQRCB": "重庆农村商业银行"}

// seedMore adds residents beyond the shared demo people: cards in the remaining states, a renewal
// due soon, and payments, applications and history for the demo people.
func (s *Server) seedMore(q queryer) error {
	now := shanghai(s.now())
	soon := now.AddDate(0, 0, 30).Format(time.DateOnly)
	more := []synthetic{
		{"50010619380305002", "孙桂兰", "2", "13300000011", "重庆市沙坪坝区童家桥街道嘉陵村3号", nil, app.SocialTempLoss, app.FinancialActive, "ICBC", ""},
		{"50010619620714003", "吴志强", "1", "13300000012", "重庆市沙坪坝区联芳街道梨树湾1号", &app.Disability{Category: "HEARING", Grade: 3}, app.SocialNormal, app.FinancialLoss, "ABC", ""},
		{"50010619700101004", "郑海", "1", "13300000013", "重庆市沙坪坝区井口镇美丽山水5号", nil, app.SocialCancelled, app.FinancialClosed, "BOC", ""},
		{"50010619810909005", "冯静", "2", "13300000014", "重庆市沙坪坝区詹家溪街道香榭1号", nil, app.SocialNormal, app.FinancialActive, "CCB", soon},
		{"50010620000202006", "何磊", "1", "13300000015", "重庆市沙坪坝区大学城中路55号", nil, app.SocialNormal, app.FinancialActive, "ICBC", ""},
		{"50010619450606007", "黄淑芬", "2", "13300000016", "重庆市沙坪坝区山洞街道平正街9号", &app.Disability{Category: "MULTIPLE", Grade: 1}, app.SocialNormal, app.FinancialActive, "CQRCB", ""},
	}
	for i, m := range more {
		check, _ := ids.CheckChar(m.body)
		ssn := m.body + string(check)
		birth, _ := ids.BirthDate(ssn)
		r := app.Resident{SSN: ssn, Name: m.name, Sex: m.sex, Nation: "01", BirthDate: birth.Format(time.DateOnly), Phone: m.phone,
			Address: m.address, Disability: m.disability, Version: 1}
		if r.Disability != nil {
			r.Disability.CertNo = fmt.Sprintf("%s%d%d", ssn, map[string]int{"HEARING": 2, "MULTIPLE": 7}[r.Disability.Category], r.Disability.Grade)
		}
		if err := putResident(q, r); err != nil {
			return err
		}
		body := fmt.Sprintf("X10000%02d", i+1)
		cc, _ := ids.CardNoCheck(body)
		issue := "2020-03-01"
		exp := m.expiry
		if exp == "" {
			exp = "2030-02-28"
		}
		card := app.Card{CardNo: body + string(cc), CardIDCode: fmt.Sprintf("500100D156000005%016X", 0xA0+i), RegionCode: "500100",
			Bank: &app.Bank{Code: m.bank, Name: banks[m.bank]}, SocialStatus: m.social, FinancialStatus: m.financial,
			IssueDate: issue, ExpiryDate: exp, Version: 3}
		prev := app.SocialStatus("")
		if m.social == app.SocialTempLoss {
			until := now.AddDate(0, 0, 4)
			card.TempLossUntil, prev = &until, app.SocialNormal
		}
		if err := putCard(q, ssn, card, prev, s.now()); err != nil {
			return err
		}
	}
	return s.seedPayments(q, now)
}

func (s *Server) seedPayments(q queryer, now time.Time) error {
	year := now.Year()
	at := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 10, 2, 11, 0, app.Shanghai) }
	type pay struct {
		ssn, kind, program, payer string
		fen                       int64
		when                      time.Time
		status                    app.PaymentStatus
		account                   string
	}
	pays := []pay{
		{"500106194912310029", "SUBSIDY", "耕地地力保护补贴", "沙坪坝区财政局", 152300, at(3, 15), app.PaymentCredited, "6212 **** **** 0025"},
		{"500106194912310029", "SUBSIDY", "高龄津贴", "沙坪坝区民政局", 10000, at(6, 10), app.PaymentCredited, "6212 **** **** 0025"},
		{"500106194912310029", "SUBSIDY", "城乡居民基本养老保险待遇", "重庆市社会保险局", 185000, at(9, 10), app.PaymentCredited, "6212 **** **** 0025"},
		{"500106194203080048", "SUBSIDY", "高龄津贴", "沙坪坝区民政局", 20000, at(6, 10), app.PaymentFailed, "6217 **** **** 0122"},
		{"500106194203080048", "SUBSIDY", "耕地地力保护补贴", "沙坪坝区财政局", 98000, at(3, 15), app.PaymentFailed, "6217 **** **** 0122"},
		{"50010619850615003X", "SUBSIDY", "困难残疾人生活补贴", "沙坪坝区残联", 9000, at(5, 20), app.PaymentCredited, "6228 **** **** 0018"},
		{"50010619850615003X", "SUBSIDY", "重度残疾人护理补贴", "沙坪坝区残联", 9000, at(8, 20), app.PaymentCredited, "6228 **** **** 0018"},
		{"50010619900101001X", "WAGE", "沙坪坝区井口安置房二期项目", "重庆建工第三建设有限责任公司", 680000, at(4, 30), app.PaymentCredited, "6216 **** **** 0032"},
		{"50010619900101001X", "WAGE", "沙坪坝区井口安置房二期项目", "重庆建工第三建设有限责任公司", 720000, at(5, 31), app.PaymentCredited, "6216 **** **** 0032"},
		{"50010619900101001X", "WAGE", "大学城地铁站配套工程", "中铁十一局集团第五工程有限公司", 650000, at(7, 15), app.PaymentReturned, "6216 **** **** 0032"},
		{"50010619900101001X", "WAGE", "大学城地铁站配套工程", "中铁十一局集团第五工程有限公司", 650000, at(7, 22), app.PaymentCredited, "6216 **** **** 0032"},
		{"500106195501010026", "SUBSIDY", "困难残疾人生活补贴", "沙坪坝区残联", 9000, at(5, 20), app.PaymentCredited, "6216 **** **** 0040"},
	}
	for i, p := range pays {
		doc := app.Payment{PaymentID: fmt.Sprintf("p-%d-%04d", year, i+1), Kind: app.PaymentKind(p.kind), Program: p.program, Payer: p.payer,
			AmountFen: p.fen, CreditedAt: p.when, Status: p.status, AccountMasked: p.account}
		if _, err := q.Exec("INSERT OR IGNORE INTO payments (payment_id, ssn, kind, credited_ms, doc) VALUES (?, ?, ?, ?, ?)",
			doc.PaymentID, p.ssn, p.kind, ms(p.when), mustJSON(doc)); err != nil {
			return err
		}
	}
	return s.seedApplications(q, now)
}

func (s *Server) seedApplications(q queryer, now time.Time) error {
	day := func(n int) time.Time { return now.AddDate(0, 0, -n) }
	apps := []struct {
		ssn string
		a   app.Application
	}{
		{"500106195501010026", app.Application{ApplicationID: "a-demo-0001", Kind: "REPLACE_LOST", Make: "BATCH", Status: app.AppMaking,
			History: []app.ApplicationHistory{{Status: app.AppSubmitted, At: day(9), Note: "窗口受理（代办）"}, {Status: app.AppReviewing, At: day(8), Note: "审核中"}, {Status: app.AppMaking, At: day(5), Note: "已送制卡中心"}}}},
		{"50010620000202006" + checkOf("50010620000202006"), app.Application{ApplicationID: "a-demo-0002", Kind: "NEW", Make: "BATCH", Status: app.AppReady,
			History: []app.ApplicationHistory{{Status: app.AppSubmitted, At: day(20), Note: "网上申请"}, {Status: app.AppMaking, At: day(15), Note: "制卡中"}, {Status: app.AppReady, At: day(2), Note: "已到网点，请本人领取"}}}},
		{"50010619810909005" + checkOf("50010619810909005"), app.Application{ApplicationID: "a-demo-0003", Kind: "RENEW", Make: "BATCH", Status: app.AppRejected,
			History: []app.ApplicationHistory{{Status: app.AppSubmitted, At: day(12), Note: "网上申请"}, {Status: app.AppRejected, At: day(11), Note: "照片不符合要求，请重新提交"}}}},
	}
	for _, a := range apps {
		if _, err := q.Exec("INSERT OR IGNORE INTO applications (application_id, ssn, status, doc) VALUES (?, ?, ?, ?)",
			a.a.ApplicationID, a.ssn, string(a.a.Status), mustJSON(a.a)); err != nil {
			return err
		}
	}
	return nil
}

func checkOf(body string) string {
	c, _ := ids.CheckChar(body)
	return string(c)
}

// ensureToday adds the day's demo appointments at the demo hall and the home-visit worker's tasks
// (idempotent: ids carry the date).
func (s *Server) ensureToday() error {
	now := shanghai(s.now())
	day := now.Format(time.DateOnly)
	slot := func(h, m int) time.Time {
		return time.Date(now.Year(), now.Month(), now.Day(), h, m, 0, 0, app.Shanghai)
	}
	apts := []app.Appointment{
		{SSN: "500106194912310029", Name: "张三", BusinessCode: "CARD_APPLICATION", SlotStart: slot(9, 30), SlotEnd: slot(10, 0), Status: "BOOKED"},
		{SSN: "50010619850615003X", Name: "王建国", BusinessCode: "INFO_CHANGE", SlotStart: slot(10, 0), SlotEnd: slot(10, 30), Status: "BOOKED"},
		{SSN: "500106197809230024", Name: "赵丽", BusinessCode: "PIN_RESET", SlotStart: slot(11, 0), SlotEnd: slot(11, 30), Status: "BOOKED"},
		{SSN: "50010619900101001X", Name: "陈明", BusinessCode: "PAYMENT_QUERY", SlotStart: slot(8, 30), SlotEnd: slot(9, 0), Status: "MISSED"},
		{SSN: "500106201904200025", Name: "刘小雨", BusinessCode: "CARD_ENABLE", SlotStart: slot(14, 0), SlotEnd: slot(14, 30), Status: "CANCELLED"},
	}
	for i := range apts {
		apts[i].AppointmentID = fmt.Sprintf("apt-%s-%02d", day, i+1)
		if _, err := s.db.Exec("INSERT OR IGNORE INTO appointments (appointment_id, hall_code, day, doc) VALUES (?, ?, ?, ?)",
			apts[i].AppointmentID, DemoHall, day, mustJSON(apts[i])); err != nil {
			return err
		}
	}
	visits := []visitDoc{
		{SSN: "500106194203080048", Address: "重庆市沙坪坝区小龙坎街道新街12号", Reason: "ELDERLY", Businesses: []string{"FINANCIAL_ACTIVATE", "PAYMENT_QUERY"}, Note: "84 岁，行动不便；补贴发放失败，需激活金融账户（转银行）"},
		{SSN: "500106195501010026", Address: "重庆市沙坪坝区石井坡街道中心湾2号", Reason: "DISABLED", Businesses: []string{"CARD_APPLICATION"}, Note: "视力残疾二级；补领卡制卡中，告知领卡方式"},
		{SSN: "50010619450606007" + checkOf("50010619450606007"), Address: "重庆市沙坪坝区山洞街道平正街9号", Reason: "ILL", Businesses: []string{"CARD_TEMP_LOSS", "CARD_APPLICATION"}, Note: "长期卧床；家属代办"},
	}
	for i := range visits {
		visits[i].VisitID = fmt.Sprintf("hv-%s-%02d", day, i+1)
		if _, err := s.db.Exec("INSERT OR IGNORE INTO home_visits (visit_id, clerk_id, day, ssn, doc) VALUES (?, ?, ?, ?, ?)",
			visits[i].VisitID, "c0301", day, visits[i].SSN, mustJSON(visits[i])); err != nil {
			return err
		}
	}
	return nil
}
