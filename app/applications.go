package app

import (
	"context"
	"encoding/json"
	"errors"
)

// The platform has no list of a person's applications (platform-api §4.5 looks one up by its
// number), so the counter follows the applications it made itself: their numbers are in the
// CARD_APPLICATION operations of its outbox, for as long as those are kept.

// ApplicationOps lists a resident's operations of a type (localdb.DB).
type ApplicationOps interface {
	ResidentOps(ctx context.Context, ssn, opType string) ([]OpRecord, error)
}

// Applications returns the progress of the card applications made at this counter for a
// resident, newest first. Offline, an application queued here and not yet applied shows as
// SUBMITTED; the others are left out until the platform can say.
func Applications(ctx context.Context, store ApplicationOps, p Platform, ssn string) ([]Application, error) {
	ops, err := store.ResidentOps(ctx, ssn, OpCardApplication)
	if err != nil {
		return nil, err
	}
	var out []Application
	for i := len(ops) - 1; i >= 0; i-- {
		op := ops[i]
		var pl ApplicationPayload
		if len(op.Payload) == 0 || json.Unmarshal(op.Payload, &pl) != nil || pl.ApplicationID == "" || op.State == OpRejected {
			continue
		}
		if op.State != OpApplied {
			out = append(out, Application{ApplicationID: pl.ApplicationID, Kind: pl.Kind, Make: pl.Make, Status: AppSubmitted})
			continue
		}
		a, err := p.Application(ctx, pl.ApplicationID)
		if errors.Is(err, ErrOffline) {
			continue
		}
		if err != nil {
			return out, err
		}
		out = append(out, a)
	}
	return out, nil
}
