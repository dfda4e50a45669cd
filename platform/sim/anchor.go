package sim

import (
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"

	"ykt/app"
)

// auditAnchor is AUDIT_ANCHOR (v1.1): the platform keeps the anchor with the highest seq per
// device. A lower seq is evidence of a rolled-back log (REJECTED INVALID_STATE); the same seq with
// another head is a rewritten one (INVALID_STATE too); the same anchor again is ALREADY.
func (s *Server) auditAnchor(e *opEnv) (outcome, error) {
	var a app.AuditAnchor
	if o := e.payload(&a); o != nil {
		return *o, nil
	}
	if err := a.Check(); err != nil {
		return invalid(err.Error())
	}
	kept, err := keptAnchor(e.tx, e.dev.id)
	if err != nil {
		return outcome{}, err
	}
	switch {
	case kept != nil && a.Seq < kept.Seq:
		return rejected(app.CodeInvalidState, "审计锚点序号低于平台已保存的锚点：本机审计日志可能已被回滚"), nil
	case kept != nil && a.Seq == kept.Seq && a.Head != kept.Head:
		return rejected(app.CodeInvalidState, "同一序号的审计锚点与平台已保存的不一致：本机审计日志可能已被改写"), nil
	case kept != nil && a.Seq == kept.Seq:
		return already(kept), nil
	}
	_, err = e.b.exec(`INSERT INTO audit_anchors (device_id, seq, doc) VALUES (?, ?, ?)
		ON CONFLICT (device_id) DO UPDATE SET seq = excluded.seq, doc = excluded.doc`, e.dev.id, a.Seq, mustJSON(a))
	if err != nil {
		return outcome{}, err
	}
	return applied(a), nil
}

func keptAnchor(q queryer, deviceID string) (*app.AuditAnchor, error) {
	var doc string
	err := q.QueryRow("SELECT doc FROM audit_anchors WHERE device_id = ?", deviceID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var a app.AuditAnchor
	if err := json.Unmarshal([]byte(doc), &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// selfAuditAnchor is GET /devices/self/audit-anchor: the anchor kept for the signing device, or
// null.
func (s *Server) selfAuditAnchor(rc *reqCtx, _ *http.Request) (int, any, error) {
	a, err := keptAnchor(s.db, rc.dev.id)
	if err != nil {
		return 0, nil, err
	}
	if a == nil {
		return http.StatusOK, nil, nil
	}
	return http.StatusOK, a, nil
}
