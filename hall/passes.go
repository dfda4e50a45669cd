package hall

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"ykt/app/gate"
)

var _ gate.PassReporter = (*Client)(nil)

// ReportPass tells the hall server of one presentation at the entrance gate: POST
// /api/v1/passes with the gate.Pass JSON ({"requestId", "at", "entry", "refused", "reason"?,
// "cardNoMasked"?}), answered 2xx (any body). The request id makes a resend after a transport error
// count once. A 4xx other than 408, 409 and 429 is gate.ErrPassRejected: the pass is dropped, not
// resent forever. The endpoint belongs to the hall server's gate role.
func (c *Client) ReportPass(ctx context.Context, p gate.Pass) error {
	err := c.do(ctx, http.MethodPost, "/passes", p, nil, true)
	var he *Error
	if errors.As(err, &he) && he.Status >= 400 && he.Status < 500 && he.Status != http.StatusRequestTimeout &&
		he.Status != http.StatusTooManyRequests && he.Status != http.StatusConflict {
		return fmt.Errorf("%w: %w", gate.ErrPassRejected, err)
	}
	return err
}
