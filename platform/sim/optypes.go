package sim

import (
	"bytes"
	"database/sql"
	"encoding/base64"
	"image/jpeg"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"ykt/app"
	"ykt/app/ids"
)

var (
	mobileRE    = regexp.MustCompile(`^1[3-9]\d{9}$`)
	contactRE   = regexp.MustCompile(`^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$`)
	nationRE    = regexp.MustCompile(`^\d{2}$`)
	channels    = map[string]bool{"WINDOW": true, "BANK": true, "HOME_VISIT": true}
	relations   = map[string]bool{"SPOUSE": true, "CHILD": true, "PARENT": true, "RELATIVE": true, "GUARDIAN": true, "COMMUNITY_WORKER": true, "OTHER": true}
	errNoRights = rejected(app.CodeForbidden, "该工作人员无权为此卡办理")
)

func invalid(msg string) (outcome, error) { return rejected(app.CodeValidation, msg), nil }

// checkProxy validates a proxy (代办人) block; "" when it is fine.
func checkProxy(p *app.Proxy) string {
	switch {
	case p == nil:
		return ""
	case strings.TrimSpace(p.Name) == "":
		return "proxy.name 必填"
	case !validSSN(p.IDNumber):
		return "proxy.idNumber 不是有效的公民身份号码"
	case !mobileRE.MatchString(p.Phone):
		return "proxy.phone 必须是 11 位手机号码"
	case !relations[p.Relation]:
		return "proxy.relation 不是已知的关系"
	case p.AuthorizationNo == "" && p.Relation != "GUARDIAN":
		return "proxy.authorizationNo 必填（监护人除外）"
	}
	return ""
}

// cardPayload covers the card operations; fields a type does not take must be absent.
type cardPayload struct {
	CardNo          string     `json:"cardNo"`
	SSN             string     `json:"ssn"`
	ExpectedVersion *int64     `json:"expectedVersion"`
	Channel         string     `json:"channel"`
	Side            string     `json:"side"`
	BankCode        string     `json:"bankCode"`
	Proxy           *app.Proxy `json:"proxy"`
}

// loadCard decodes a card payload and finds the card of that resident.
func (s *Server) loadCard(e *opEnv, needVersion, needChannel, proxyAllowed bool) (*cardPayload, *app.Card, *outcome, error) {
	var p cardPayload
	if o := e.payload(&p); o != nil {
		return nil, nil, o, nil
	}
	fail := func(code, msg string) (*cardPayload, *app.Card, *outcome, error) {
		o := rejected(code, msg)
		return nil, nil, &o, nil
	}
	switch {
	case len(p.CardNo) != 9:
		return fail(app.CodeValidation, "cardNo 必须是 9 位社保卡号")
	case !validSSN(p.SSN):
		return fail(app.CodeValidation, "ssn 不是有效的社会保障号码")
	case needVersion && p.ExpectedVersion == nil:
		return fail(app.CodeValidation, "expectedVersion 必填")
	case needChannel && !channels[p.Channel]:
		return fail(app.CodeValidation, "channel 必须是 WINDOW、BANK 或 HOME_VISIT")
	case !proxyAllowed && p.Proxy != nil:
		return fail(app.CodeValidation, "proxy: 本业务须持卡人本人办理，不可代办")
	}
	if msg := checkProxy(p.Proxy); msg != "" {
		return fail(app.CodeValidation, msg)
	}
	c, owner, err := s.card(e.tx, p.CardNo)
	if err != nil {
		return nil, nil, nil, err
	}
	if c == nil || owner != p.SSN {
		return fail(app.CodeNotFound, "查无此卡，或卡号与社会保障号码不符")
	}
	return &p, c, nil, nil
}

func (s *Server) save(e *opEnv, c *app.Card, p *cardPayload, prev app.SocialStatus) (outcome, error) {
	c.Version++
	if err := putCard(e.tx, p.SSN, *c, prev, s.now()); err != nil {
		return outcome{}, err
	}
	return applied(c), nil
}

func finalSocial(c *app.Card) bool {
	return c.SocialStatus == app.SocialFormalLoss || c.SocialStatus == app.SocialCancelled
}

func (s *Server) tempLoss(e *opEnv) (outcome, error) {
	p, c, o, err := s.loadCard(e, true, true, true)
	if o != nil || err != nil {
		return deref(o), err
	}
	switch {
	case finalSocial(c):
		return rejected(app.CodeInvalidState, "卡已正式挂失或注销，不能临时挂失"), nil
	case c.SocialStatus == app.SocialTempLoss:
		return already(c), nil
	case *p.ExpectedVersion != c.Version:
		return conflict(c), nil
	}
	prev := c.SocialStatus
	until := shanghai(s.now().AddDate(0, 0, TempLossDays))
	c.SocialStatus, c.TempLossUntil = app.SocialTempLoss, &until
	return s.save(e, c, p, prev)
}

func (s *Server) formalLoss(e *opEnv) (outcome, error) {
	p, c, o, err := s.loadCard(e, true, true, true)
	if o != nil || err != nil {
		return deref(o), err
	}
	if p.Side != "SOCIAL" && p.Side != "FINANCIAL" && p.Side != "BOTH" {
		return invalid("side 必须是 SOCIAL、FINANCIAL 或 BOTH")
	}
	socialDone := c.SocialStatus == app.SocialFormalLoss
	finDone := c.FinancialStatus == app.FinancialLoss || c.FinancialStatus == app.FinancialClosed
	switch {
	case c.SocialStatus == app.SocialCancelled:
		return rejected(app.CodeInvalidState, "卡已注销"), nil
	case p.Side == "SOCIAL" && socialDone, p.Side == "FINANCIAL" && finDone, p.Side == "BOTH" && socialDone && finDone:
		return already(c), nil
	case *p.ExpectedVersion != c.Version:
		return conflict(c), nil
	}
	if p.Side != "FINANCIAL" {
		c.SocialStatus, c.TempLossUntil = app.SocialFormalLoss, nil
	}
	if p.Side != "SOCIAL" && c.FinancialStatus != app.FinancialClosed {
		c.FinancialStatus = app.FinancialLoss
	}
	return s.save(e, c, p, "")
}

func (s *Server) unblock(e *opEnv) (outcome, error) {
	p, c, o, err := s.loadCard(e, true, true, false)
	if o != nil || err != nil {
		return deref(o), err
	}
	switch {
	case c.SocialStatus == app.SocialNormal:
		return already(c), nil
	case c.SocialStatus != app.SocialTempLoss:
		return rejected(app.CodeInvalidState, "只有临时挂失的卡可以解挂"), nil
	case *p.ExpectedVersion != c.Version:
		return conflict(c), nil
	}
	var prev sql.NullString
	if err := e.tx.QueryRow("SELECT prev_status FROM cards WHERE card_no = ?", c.CardNo).Scan(&prev); err != nil {
		return outcome{}, err
	}
	c.SocialStatus, c.TempLossUntil = app.SocialStatus(prev.String), nil
	if c.SocialStatus == "" || c.SocialStatus == app.SocialTempLoss {
		c.SocialStatus = app.SocialNormal
	}
	return s.save(e, c, p, "")
}

// stateChange is CARD_ENABLE (SEALED → NORMAL) and PIN_RESET (LOCKED → NORMAL): in person only.
func (s *Server) stateChange(e *opEnv, from app.SocialStatus, msg string) (outcome, error) {
	p, c, o, err := s.loadCard(e, false, true, false)
	if o != nil || err != nil {
		return deref(o), err
	}
	switch c.SocialStatus {
	case app.SocialNormal:
		return already(c), nil
	case from:
		c.SocialStatus = app.SocialNormal
		return s.save(e, c, p, "")
	}
	return rejected(app.CodeInvalidState, msg), nil
}

func (s *Server) enable(e *opEnv) (outcome, error) {
	return s.stateChange(e, app.SocialSealed, "只有封存状态的卡可以启用")
}

func (s *Server) pinReset(e *opEnv) (outcome, error) {
	return s.stateChange(e, app.SocialLocked, "只有应用锁定的卡可以重置密码")
}

func (s *Server) financialActivate(e *opEnv) (outcome, error) {
	p, c, o, err := s.loadCard(e, false, false, false)
	if o != nil || err != nil {
		return deref(o), err
	}
	switch {
	case p.BankCode == "":
		return invalid("bankCode 必填")
	case c.Bank == nil || p.BankCode != c.Bank.Code || e.clerk.BankCode != p.BankCode:
		return errNoRights, nil
	case finalSocial(c):
		return rejected(app.CodeInvalidState, "卡已正式挂失或注销"), nil
	case c.FinancialStatus == app.FinancialActive:
		return already(c), nil
	case c.FinancialStatus != app.FinancialInactive:
		return rejected(app.CodeInvalidState, "金融账户不是待激活状态"), nil
	}
	c.FinancialStatus = app.FinancialActive
	return s.save(e, c, p, "")
}

func deref(o *outcome) outcome {
	if o == nil {
		return outcome{}
	}
	return *o
}

// applicationPayload is §5.2.
type applicationPayload struct {
	ApplicationID string     `json:"applicationId"`
	Kind          string     `json:"kind"`
	Make          string     `json:"make"`
	SSN           string     `json:"ssn"`
	Name          string     `json:"name"`
	Sex           string     `json:"sex"`
	Nation        string     `json:"nation"`
	BirthDate     string     `json:"birthDate"`
	IDValidUntil  string     `json:"idValidUntil"`
	Phone         string     `json:"phone"`
	Address       string     `json:"address"`
	BankCode      string     `json:"bankCode"`
	Photo         *photo     `json:"photo"`
	Mailing       *mail      `json:"mailing"`
	Proxy         *app.Proxy `json:"proxy"`
	Urgent        bool       `json:"urgent"`
	UrgentReason  *string    `json:"urgentReason"`
	OldCardNo     *string    `json:"oldCardNo"`
}

type photo struct {
	JPEGBase64 string `json:"jpegBase64"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
}

type mail struct {
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	Address string `json:"address"`
}

// Photo rules of §5.2.
const (
	PhotoWidth   = 358
	PhotoHeight  = 441
	PhotoMinSize = 5 << 10
	PhotoMaxSize = 60 << 10
)

func checkPhoto(p *photo) string {
	if p == nil {
		return "photo 必填"
	}
	b, err := base64.StdEncoding.DecodeString(p.JPEGBase64)
	if err != nil {
		return "photo.jpegBase64 不是 base64"
	}
	if len(b) < PhotoMinSize || len(b) > PhotoMaxSize {
		return "photo 大小必须在 5–60 KB 之间"
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return "photo 不是 JPEG 图像"
	}
	if cfg.Width != PhotoWidth || cfg.Height != PhotoHeight || p.Width != cfg.Width || p.Height != cfg.Height {
		return "photo 必须是 358×441 像素"
	}
	return ""
}

func (s *Server) checkApplication(e *opEnv, p *applicationPayload) string {
	birth, _ := ids.BirthDate(p.SSN)
	switch {
	case !uuidRE.MatchString(p.ApplicationID):
		return "applicationId 必须是 UUID"
	case p.Kind != "NEW" && p.Kind != "REPLACE_LOST" && p.Kind != "REPLACE_DAMAGED" && p.Kind != "RENEW":
		return "kind 不是已知的申领类型"
	case p.Make != "INSTANT" && p.Make != "BATCH":
		return "make 必须是 INSTANT 或 BATCH"
	case !validSSN(p.SSN):
		return "ssn 不是有效的公民身份号码（校验码错误）"
	case strings.TrimSpace(p.Name) == "" || utf8.RuneCountInString(p.Name) > 30:
		return "name 必填"
	case p.Sex != "1" && p.Sex != "2" && p.Sex != "9":
		return "sex 必须是 1、2 或 9"
	case !nationRE.MatchString(p.Nation):
		return "nation 必须是两位民族代码"
	case p.BirthDate != birth.Format(time.DateOnly):
		return "birthDate 与身份证号码中的出生日期不一致"
	case p.IDValidUntil != "LONG_TERM" && !dateRE.MatchString(p.IDValidUntil):
		return "idValidUntil 必须是日期或 LONG_TERM"
	case !mobileRE.MatchString(p.Phone):
		return "phone 必须是 11 位手机号码"
	case strings.TrimSpace(p.Address) == "":
		return "address 必填"
	case p.Kind != "NEW" && (p.OldCardNo == nil || *p.OldCardNo == ""):
		return "oldCardNo: 补领、换领和到期换领须提供原卡号"
	case p.Urgent && (p.UrgentReason == nil || *p.UrgentReason != "ELDERLY" && *p.UrgentReason != "DISABLED"):
		return "urgentReason 必须是 ELDERLY 或 DISABLED"
	case p.Mailing != nil && (p.Mailing.Name == "" || !mobileRE.MatchString(p.Mailing.Phone) || p.Mailing.Address == ""):
		return "mailing 的 name、phone、address 必填且 phone 为手机号码"
	}
	if msg := checkProxy(p.Proxy); msg != "" {
		return msg
	}
	if msg := checkPhoto(p.Photo); msg != "" {
		return msg
	}
	bank, found := s.bank(p.BankCode)
	switch {
	case !found:
		return "bankCode 不是合作银行"
	case p.Make == "INSTANT" && !bank.InstantIssue:
		return "make: 该银行不支持即时制卡"
	}
	return ""
}

func (s *Server) cardApplication(e *opEnv) (outcome, error) {
	var p applicationPayload
	if o := e.payload(&p); o != nil {
		return *o, nil
	}
	if msg := s.checkApplication(e, &p); msg != "" {
		return invalid(msg)
	}
	if p.OldCardNo != nil && *p.OldCardNo != "" {
		old, owner, err := s.card(e.tx, *p.OldCardNo)
		if err != nil {
			return outcome{}, err
		}
		if old == nil || owner != p.SSN {
			return rejected(app.CodeNotFound, "原卡不存在或不属于申请人"), nil
		}
		if p.Kind == "RENEW" {
			exp, _ := time.ParseInLocation(time.DateOnly, old.ExpiryDate, app.Shanghai)
			if s.now().Before(exp.AddDate(0, 0, -60)) {
				return invalid("kind: 到期换领只能在有效期截止前 60 天内办理")
			}
		}
	}
	var n int
	if err := e.tx.QueryRow("SELECT COUNT(*) FROM applications WHERE application_id = ?", p.ApplicationID).Scan(&n); err != nil || n > 0 {
		if err != nil {
			return outcome{}, err
		}
		return invalid("applicationId 已存在")
	}
	if err := e.tx.QueryRow("SELECT COUNT(*) FROM applications WHERE ssn = ? AND status NOT IN ('COLLECTED', 'REJECTED')", p.SSN).Scan(&n); err != nil {
		return outcome{}, err
	}
	if n > 0 {
		return rejected(app.CodeInvalidState, "申请人已有在办的社保卡申请"), nil
	}
	if r, err := resident(e.tx, p.SSN); err != nil {
		return outcome{}, err
	} else if r == nil {
		if err := putResident(e.tx, app.Resident{SSN: p.SSN, Name: p.Name, Sex: p.Sex, Nation: p.Nation, BirthDate: p.BirthDate,
			Phone: p.Phone, Address: p.Address, Version: 1}); err != nil {
			return outcome{}, err
		}
	}
	a := app.Application{ApplicationID: p.ApplicationID, Kind: p.Kind, Make: p.Make, Status: app.AppSubmitted,
		History: []app.ApplicationHistory{{Status: app.AppSubmitted, At: shanghai(s.now()), Note: "窗口受理"}}}
	if _, err := e.tx.Exec("INSERT INTO applications (application_id, ssn, status, doc) VALUES (?, ?, ?, ?)",
		a.ApplicationID, p.SSN, string(a.Status), mustJSON(a)); err != nil {
		return outcome{}, err
	}
	return applied(map[string]any{"applicationId": a.ApplicationID, "status": a.Status}), nil
}

func (s *Server) infoChange(e *opEnv) (outcome, error) {
	var p struct {
		SSN             string `json:"ssn"`
		ExpectedVersion *int64 `json:"expectedVersion"`
		Changes         struct {
			Phone   *string `json:"phone"`
			Address *string `json:"address"`
		} `json:"changes"`
	}
	if o := e.payload(&p); o != nil {
		return *o, nil
	}
	ch := p.Changes
	switch {
	case !validSSN(p.SSN):
		return invalid("ssn 不是有效的社会保障号码")
	case p.ExpectedVersion == nil:
		return invalid("expectedVersion 必填")
	case ch.Phone == nil && ch.Address == nil:
		return invalid("changes 至少包含 phone 或 address")
	case ch.Phone != nil && !mobileRE.MatchString(*ch.Phone):
		return invalid("changes.phone 必须是 11 位手机号码")
	case ch.Address != nil && (strings.TrimSpace(*ch.Address) == "" || utf8.RuneCountInString(*ch.Address) > 200):
		return invalid("changes.address 必填且不超过 200 字")
	}
	r, err := resident(e.tx, p.SSN)
	if err != nil || r == nil {
		if err != nil {
			return outcome{}, err
		}
		return rejected(app.CodeNotFound, "查无此人"), nil
	}
	if *p.ExpectedVersion != r.Version {
		return conflict(r), nil
	}
	if ch.Phone != nil {
		r.Phone = *ch.Phone
	}
	if ch.Address != nil {
		r.Address = *ch.Address
	}
	r.Version++
	if err := putResident(e.tx, *r); err != nil {
		return outcome{}, err
	}
	return applied(r), nil
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

func (s *Server) serviceRecord(e *opEnv) (outcome, error) {
	var p struct {
		RecordID     string  `json:"recordId"`
		TicketNo     *string `json:"ticketNo"`
		BusinessCode string  `json:"businessCode"`
		SSN          *string `json:"ssn"`
		CalledAt     *string `json:"calledAt"`
		StartedAt    string  `json:"startedAt"`
		EndedAt      string  `json:"endedAt"`
		Outcome      string  `json:"outcome"`
		Channel      string  `json:"channel"`
		Assisted     *struct {
			Mode   string `json:"mode"`
			Reason string `json:"reason"`
		} `json:"assisted"`
		Proxy        *app.Proxy `json:"proxy"`
		RelatedOpIDs []string   `json:"relatedOpIds"`
	}
	if o := e.payload(&p); o != nil {
		return *o, nil
	}
	started, okS := parseTime(p.StartedAt)
	ended, okE := parseTime(p.EndedAt)
	switch {
	case !uuidRE.MatchString(p.RecordID):
		return invalid("recordId 必须是 UUID")
	case !s.knownBusiness(p.BusinessCode):
		return invalid("businessCode 不是目录中的业务")
	case p.SSN != nil && !validSSN(*p.SSN):
		return invalid("ssn 不是有效的社会保障号码")
	case !okS || !okE || ended.Before(started):
		return invalid("startedAt/endedAt 必须是 RFC 3339 时间且 endedAt 不早于 startedAt")
	case p.Outcome != "DONE" && p.Outcome != "REFERRED" && p.Outcome != "FAILED":
		return invalid("outcome 必须是 DONE、REFERRED 或 FAILED")
	case !channels[p.Channel]:
		return invalid("channel 必须是 WINDOW、BANK 或 HOME_VISIT")
	case p.TicketNo != nil && (len(*p.TicketNo) == 0 || len(*p.TicketNo) > 8):
		return invalid("ticketNo 格式不正确")
	}
	if p.CalledAt != nil {
		if called, okC := parseTime(*p.CalledAt); !okC || called.After(started) {
			return invalid("calledAt 必须是 RFC 3339 时间且不晚于 startedAt")
		}
	}
	if a := p.Assisted; a != nil {
		if a.Mode != "PROXY" && a.Mode != "ACCOMPANY" && a.Mode != "HOME_VISIT" ||
			a.Reason != "ELDERLY" && a.Reason != "DISABLED" && a.Reason != "ILL" && a.Reason != "OTHER" {
			return invalid("assisted.mode/reason 不是已知的值")
		}
	}
	if msg := checkProxy(p.Proxy); msg != "" {
		return invalid(msg)
	}
	for _, id := range p.RelatedOpIDs {
		if !uuidRE.MatchString(id) {
			return invalid("relatedOpIds 必须是 UUID 列表")
		}
	}
	var ssn any
	if p.SSN != nil {
		ssn = *p.SSN
	}
	if _, err := e.b.exec("INSERT INTO service_records (record_id, op_id, ssn, doc) VALUES (?, ?, ?, ?)",
		p.RecordID, e.op.OpID, ssn, string(e.op.Payload)); err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return invalid("recordId 已记录")
		}
		return outcome{}, err
	}
	return applied(map[string]string{"recordId": p.RecordID}), nil
}

func (s *Server) checkIn(e *opEnv) (outcome, error) {
	var p struct {
		AppointmentID string `json:"appointmentId"`
		SSN           string `json:"ssn"`
		TicketNo      string `json:"ticketNo"`
		CheckedInAt   string `json:"checkedInAt"`
	}
	if o := e.payload(&p); o != nil {
		return *o, nil
	}
	if _, okT := parseTime(p.CheckedInAt); !okT || p.TicketNo == "" || !validSSN(p.SSN) {
		return invalid("ssn、ticketNo、checkedInAt 必填且格式正确")
	}
	a, err := getDoc[app.Appointment](e.tx, "SELECT doc FROM appointments WHERE appointment_id = ?", p.AppointmentID)
	if err != nil {
		return outcome{}, err
	}
	switch {
	case a == nil:
		return rejected(app.CodeNotFound, "查无此预约"), nil
	case a.SSN != p.SSN:
		return invalid("ssn 与预约人不一致")
	case a.Status == "CHECKED_IN":
		return already(a), nil
	case a.Status != "BOOKED":
		return rejected(app.CodeInvalidState, "预约已过期或已取消"), nil
	}
	a.Status = "CHECKED_IN"
	if _, err := e.tx.Exec("UPDATE appointments SET doc = ? WHERE appointment_id = ?", mustJSON(a), a.AppointmentID); err != nil {
		return outcome{}, err
	}
	return applied(a), nil
}

func (s *Server) complaint(e *opEnv) (outcome, error) {
	var p struct {
		ComplaintID     string  `json:"complaintId"`
		SSN             *string `json:"ssn"`
		ContactPhone    string  `json:"contactPhone"`
		Category        string  `json:"category"`
		Text            string  `json:"text"`
		RelatedRecordID *string `json:"relatedRecordId"`
	}
	if o := e.payload(&p); o != nil {
		return *o, nil
	}
	switch {
	case !uuidRE.MatchString(p.ComplaintID):
		return invalid("complaintId 必须是 UUID")
	case p.SSN != nil && !validSSN(*p.SSN):
		return invalid("ssn 不是有效的社会保障号码")
	case !contactRE.MatchString(p.ContactPhone):
		return invalid("contactPhone 不是有效的电话号码")
	case strings.TrimSpace(p.Category) == "" || utf8.RuneCountInString(p.Category) > 32:
		return invalid("category 必填")
	case strings.TrimSpace(p.Text) == "" || utf8.RuneCountInString(p.Text) > 2000:
		return invalid("text 必填且不超过 2000 字")
	}
	if _, err := e.b.exec("INSERT INTO complaints (complaint_id, op_id, doc) VALUES (?, ?, ?)", p.ComplaintID, e.op.OpID, string(e.op.Payload)); err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return invalid("complaintId 已存在")
		}
		return outcome{}, err
	}
	return applied(map[string]string{"complaintId": p.ComplaintID, "status": "OPEN"}), nil
}

func (s *Server) evaluation(e *opEnv) (outcome, error) {
	var p struct {
		RecordID string  `json:"recordId"`
		Level    int     `json:"level"`
		Comment  *string `json:"comment"`
		Late     bool    `json:"late"`
		Paper    bool    `json:"paper"`
	}
	if o := e.payload(&p); o != nil {
		return *o, nil
	}
	if p.Level < 1 || p.Level > 5 {
		return invalid("level 必须在 1（非常满意）到 5（非常不满意）之间")
	}
	if p.Comment != nil && utf8.RuneCountInString(*p.Comment) > 500 {
		return invalid("comment 不超过 500 字")
	}
	var n int
	if err := e.tx.QueryRow("SELECT COUNT(*) FROM service_records WHERE record_id = ?", p.RecordID).Scan(&n); err != nil {
		return outcome{}, err
	}
	if n == 0 {
		return rejected(app.CodeNotFound, "查无此服务记录"), nil
	}
	_, err := e.b.exec("INSERT INTO evaluations (record_id, op_id, level, doc) VALUES (?, ?, ?, ?)", p.RecordID, e.op.OpID, p.Level, string(e.op.Payload))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return invalid("recordId: 该服务已评价（一次一评）")
		}
		return outcome{}, err
	}
	return applied(map[string]any{"recordId": p.RecordID, "level": p.Level, "bad": p.Level >= 4}), nil
}

func (s *Server) bank(code string) (app.CatalogBank, bool) {
	for _, b := range s.cat.Banks {
		if b.Code == code {
			return b, true
		}
	}
	return app.CatalogBank{}, false
}

func (s *Server) knownBusiness(code string) bool {
	for _, b := range s.cat.Businesses {
		if b.Code == code {
			return true
		}
	}
	return false
}
