package sim

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"sort"
	"time"

	"ykt/app"
	"ykt/app/gmcrypto"
)

// opIn is one operation of a batch as received.
type opIn struct {
	OpID      string          `json:"opId"`
	Type      string          `json:"type"`
	CreatedAt string          `json:"createdAt"`
	ClerkID   string          `json:"clerkId"`
	DeviceID  string          `json:"deviceId"`
	Payload   json.RawMessage `json:"payload"`

	parseErr  error
	createdAt time.Time
	ssn       string // the resident, for per-resident order
}

// opOut is one entry of data.results.
type opOut struct {
	OpID    string          `json:"opId"`
	Status  string          `json:"status"`
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Result  json.RawMessage `json:"result"`
}

// outcome is what an operation handler decides.
type outcome struct {
	status  app.ResultStatus
	code    string
	message string
	result  any
}

func applied(result any) outcome {
	return outcome{status: app.ResultApplied, message: "成功", result: result}
}
func already(result any) outcome {
	return outcome{status: app.ResultApplied, code: app.CodeAlready, message: "此前已办理", result: result}
}
func rejected(code, msg string) outcome {
	return outcome{status: app.ResultRejected, code: code, message: msg}
}
func conflict(current any) outcome {
	return outcome{status: app.ResultConflict, code: "VERSION", message: "数据已被修改，请核对后重新办理", result: current}
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// batch is POST /operations:batch: not atomic, one result per operation in request order, each
// resident's operations applied in createdAt order, every opId's verdict kept for resends.
func (s *Server) batch(rc *reqCtx, _ *http.Request) (int, any, error) {
	var req struct {
		Operations []json.RawMessage `json:"operations"`
	}
	if err := decodeStrict(rc.body, &req); err != nil {
		return 0, nil, err
	}
	if n := len(req.Operations); n == 0 || n > MaxBatchOps {
		return 0, nil, fail(app.CodeTooLarge, "每批 1 至 100 个操作")
	}
	ops := make([]opIn, len(req.Operations))
	for i, raw := range req.Operations {
		ops[i] = parseOp(raw)
	}
	tx, err := s.db.Begin()
	if err != nil {
		return 0, nil, err
	}
	defer tx.Rollback()
	b, err := s.newBatchTx(tx, rc.dev)
	if err != nil {
		return 0, nil, err
	}
	b.session = rc.clerk
	defer b.close()
	results := make([]opOut, len(ops))
	for _, i := range processingOrder(ops) {
		if results[i], err = b.applyOne(&ops[i]); err != nil {
			return 0, nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"results": results}, nil
}

func parseOp(raw json.RawMessage) opIn {
	var op opIn
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&op); err != nil {
		op.parseErr = err
		var id struct {
			OpID string `json:"opId"`
		}
		json.Unmarshal(raw, &id)
		op.OpID = id.OpID
		return op
	}
	t, err := time.Parse(time.RFC3339Nano, op.CreatedAt)
	if err != nil {
		op.parseErr = errors.New("createdAt 不是 RFC 3339 时间")
	}
	op.createdAt = t
	var who struct {
		SSN string `json:"ssn"`
	}
	json.Unmarshal(op.Payload, &who)
	op.ssn = who.SSN
	return op
}

// processingOrder keeps each operation's place, except that the places held by one resident's
// operations are filled in createdAt order.
func processingOrder(ops []opIn) []int {
	order := make([]int, len(ops))
	slots := map[string][]int{}
	for i := range ops {
		order[i] = i
		if ops[i].ssn != "" && ops[i].parseErr == nil {
			slots[ops[i].ssn] = append(slots[ops[i].ssn], i)
		}
	}
	for _, idx := range slots {
		sorted := append([]int(nil), idx...)
		sort.SliceStable(sorted, func(a, b int) bool { return ops[sorted[a]].createdAt.Before(ops[sorted[b]].createdAt) })
		for k, pos := range idx {
			order[pos] = sorted[k]
		}
	}
	return order
}

// opHash identifies an operation's content: same opId with another hash is IDEMPOTENCY_MISMATCH.
func opHash(op *opIn) string {
	var compact bytes.Buffer
	if json.Compact(&compact, op.Payload) != nil {
		compact.Write(op.Payload)
	}
	return gmcrypto.SM3Hex([]byte(op.Type + "\n" + op.ClerkID + "\n" + compact.String()))
}

// batchTx is one batch's transaction with its prepared statements and the clerks it met.
type batchTx struct {
	s                            *Server
	tx                           *sql.Tx
	dev                          device
	session                      clerk // the clerk of the session sending the batch (v1.1 binding)
	findOp, insertOp, duplicated *sql.Stmt
	stmts                        map[string]*sql.Stmt // prepared by the operation handlers
}

// exec runs a handler's statement, prepared once per batch.
func (b *batchTx) exec(query string, args ...any) (sql.Result, error) {
	st, ok := b.stmts[query]
	if !ok {
		var err error
		if st, err = b.tx.Prepare(query); err != nil {
			return nil, err
		}
		b.stmts[query] = st
	}
	return st.Exec(args...)
}

func (s *Server) newBatchTx(tx *sql.Tx, dev device) (*batchTx, error) {
	b := &batchTx{s: s, tx: tx, dev: dev, stmts: map[string]*sql.Stmt{}}
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.Prepare(q)
		return st
	}
	b.findOp = prep("SELECT hash, status, code, message, result FROM ops WHERE op_id = ?")
	b.insertOp = prep(`INSERT INTO ops (op_id, type, hash, status, code, message, result, clerk_id, device_id, at_ms, applies)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	b.duplicated = prep("UPDATE ops SET duplicates = duplicates + 1 WHERE op_id = ?")
	if err != nil {
		b.close()
	}
	return b, err
}

func (b *batchTx) close() {
	for _, st := range []*sql.Stmt{b.findOp, b.insertOp, b.duplicated} {
		if st != nil {
			st.Close()
		}
	}
	for _, st := range b.stmts {
		st.Close()
	}
}

func (b *batchTx) applyOne(op *opIn) (opOut, error) {
	s, tx, dev := b.s, b.tx, b.dev
	out := opOut{OpID: op.OpID}
	if op.parseErr != nil || !uuidRE.MatchString(op.OpID) {
		msg := "opId 必须是 UUID"
		if op.parseErr != nil {
			msg = "操作格式不正确: " + op.parseErr.Error()
		}
		out.Status, out.Code, out.Message = string(app.ResultRejected), app.CodeValidation, msg
		return out, nil
	}
	hash := opHash(op)
	var stored struct {
		hash, status, code, message string
		result                      sql.NullString
	}
	err := b.findOp.QueryRow(op.OpID).Scan(&stored.hash, &stored.status, &stored.code, &stored.message, &stored.result)
	switch {
	case err == nil && stored.hash != hash:
		out.Status, out.Code, out.Message = string(app.ResultRejected), app.CodeIdempotencyMismatch, "同一 opId 的内容与首次提交不一致"
		return out, nil
	case err == nil:
		out.Status, out.Code, out.Message = stored.status, stored.code, stored.message
		if stored.result.Valid {
			out.Result = json.RawMessage(stored.result.String)
		}
		if stored.status == string(app.ResultApplied) {
			out.Status = string(app.ResultDuplicate)
			if op.Type == app.OpEvaluation {
				out.Code = app.CodeAlready // §5.1: "ALREADY on repeat with the same opId"
			}
		}
		_, err := b.duplicated.Exec(op.OpID)
		return out, err
	case !errors.Is(err, sql.ErrNoRows):
		return out, err
	}
	o, err := s.decide(b, tx, dev, op)
	if err != nil {
		return out, err
	}
	out.Status, out.Code, out.Message = string(o.status), o.code, o.message
	var result any
	if o.result != nil {
		out.Result = json.RawMessage(mustJSON(o.result))
		result = string(out.Result)
	}
	applies := 0
	if o.status == app.ResultApplied {
		applies = 1
	}
	_, err = b.insertOp.Exec(op.OpID, op.Type, hash, out.Status, out.Code, out.Message, result,
		op.ClerkID, op.DeviceID, s.now().UnixMilli(), applies)
	return out, err
}

// decide checks the envelope and the clerk's rights, then applies the operation.
func (s *Server) decide(b *batchTx, tx *sql.Tx, dev device, op *opIn) (outcome, error) {
	h, known := opHandlers[op.Type]
	switch {
	case !known:
		return rejected(app.CodeValidation, "type 不是已知的操作类型"), nil
	case op.DeviceID != dev.id:
		return rejected(app.CodeForbidden, "deviceId 与签名设备不一致"), nil
	case len(op.Payload) == 0 || op.Payload[0] != '{':
		return rejected(app.CodeValidation, "payload 必须是 JSON 对象"), nil
	}
	if op.ClerkID != b.session.ID {
		return rejected(app.CodeForbidden, "clerkId 与会话的工作人员不一致"), nil
	}
	c := b.session
	if err := app.MayOperate(c.app(), op.Type, op.Payload); err != nil {
		return rejected(app.CodeForbidden, "该角色无权在此渠道办理此业务"), nil
	}
	return h(s, &opEnv{tx: tx, b: b, clerk: c, dev: dev, op: op})
}

// opEnv is what an operation handler works with.
type opEnv struct {
	tx    *sql.Tx
	b     *batchTx
	clerk clerk
	dev   device
	op    *opIn
}

// payload decodes the operation's payload strictly; a problem is a VALIDATION rejection.
func (e *opEnv) payload(v any) *outcome {
	dec := json.NewDecoder(bytes.NewReader(e.op.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		o := rejected(app.CodeValidation, "payload 不正确: "+err.Error())
		return &o
	}
	return nil
}

type opHandler func(s *Server, e *opEnv) (outcome, error)

var opHandlers map[string]opHandler

func init() {
	opHandlers = map[string]opHandler{
		app.OpCardTempLoss:       (*Server).tempLoss,
		app.OpCardFormalLoss:     (*Server).formalLoss,
		app.OpCardUnblock:        (*Server).unblock,
		app.OpCardEnable:         (*Server).enable,
		app.OpPINReset:           (*Server).pinReset,
		app.OpFinancialActivate:  (*Server).financialActivate,
		app.OpCardApplication:    (*Server).cardApplication,
		app.OpInfoChange:         (*Server).infoChange,
		app.OpServiceRecord:      (*Server).serviceRecord,
		app.OpAppointmentCheckIn: (*Server).checkIn,
		app.OpComplaint:          (*Server).complaint,
		app.OpEvaluation:         (*Server).evaluation,
		app.OpAuditAnchor:        (*Server).auditAnchor,
	}
}
