package platform

import (
	"bytes"
	"context"

	"ykt/app"
)

// AuditAnchor is GET /devices/self/audit-anchor (v1.1): the audit anchor the platform keeps for
// this device, or nil when it has none.
func (c *Client) AuditAnchor(ctx context.Context) (*app.AuditAnchor, error) {
	rep, err := c.get(ctx, "/devices/self/audit-anchor", nil)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(rep.env.Data)) == 0 || bytes.Equal(bytes.TrimSpace(rep.env.Data), []byte("null")) {
		return nil, nil
	}
	a, err := decode(rep, func(a *app.AuditAnchor) error { return a.Check() })
	if err != nil {
		return nil, err
	}
	return &a, nil
}
