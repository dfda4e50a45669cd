package hall

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"ykt/app/gate"
)

var _ gate.PassReporter = (*Client)(nil)

// ReportPass tells the hall server of one presentation at the entrance gate: POST /api/v1/passes
// with the hall's Pass (time, entry kind, refused or not, the reason's code, the card number
// masked — nothing else about the person), as the gate device it was paired as. A 4xx other than
// 408, 409 and 429 is gate.ErrPassRejected: the pass is dropped, not resent forever.
func (c *Client) ReportPass(ctx context.Context, p gate.Pass) error {
	hp := Pass{At: p.At.Unix(), Entry: string(p.Entry), Refused: p.Refused, Reason: string(p.Reason), Card: p.CardNoMasked}
	err := c.do(ctx, http.MethodPost, "/passes", hp, nil, true)
	var he *Error
	if errors.As(err, &he) && he.Status >= 400 && he.Status < 500 && he.Status != http.StatusRequestTimeout &&
		he.Status != http.StatusTooManyRequests && he.Status != http.StatusConflict {
		return fmt.Errorf("%w: %w", gate.ErrPassRejected, err)
	}
	return err
}
