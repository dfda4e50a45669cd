package hall

import (
	"context"
	"net/http"

	"ykt/app/gate"
)

var _ gate.PassReporter = (*Client)(nil)

// ReportPass tells the hall server of one presentation at the entrance gate: POST
// /api/v1/passes with the gate.Pass JSON ({"requestId", "at", "entry", "refused", "reason"?,
// "cardNoMasked"?}), answered 2xx (any body). The request id makes a resend after a transport error
// count once. The endpoint belongs to the hall server's gate role.
func (c *Client) ReportPass(ctx context.Context, p gate.Pass) error {
	return c.do(ctx, http.MethodPost, "/passes", p, nil, true)
}
