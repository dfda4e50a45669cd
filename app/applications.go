package app

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// The platform has no list of a person's applications (platform-api §4.5 looks one up by its
// number), so the counter follows the applications it made itself: their numbers are in the
// CARD_APPLICATION operations of its outbox, for as long as those are kept.

// ApplicationOps lists the operations of a type this counter made for a resident, or since a time
// (localdb.DB).
type ApplicationOps interface {
	ResidentOps(ctx context.Context, ssn, opType string) ([]OpRecord, error)
	// TypeSince lists the operations of a type queued at or after from, newest first, at most limit.
	TypeSince(ctx context.Context, opType string, from time.Time, limit int) ([]OpRecord, error)
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
		a, ok, err := progressOf(ctx, p, ops[i])
		if err != nil {
			return out, err
		}
		if ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// progressOf is what became of the application a CARD_APPLICATION operation carries: SUBMITTED
// while it waits here, the platform's answer once applied; ok is false for an operation without
// an application number, a rejected one, or an applied one while the platform is away.
func progressOf(ctx context.Context, p Platform, op OpRecord) (Application, bool, error) {
	var pl ApplicationPayload
	if len(op.Payload) == 0 || json.Unmarshal(op.Payload, &pl) != nil || pl.ApplicationID == "" || op.State == OpRejected {
		return Application{}, false, nil
	}
	if op.State != OpApplied {
		return Application{ApplicationID: pl.ApplicationID, Kind: pl.Kind, Make: pl.Make, Status: AppSubmitted}, true, nil
	}
	a, err := p.Application(ctx, pl.ApplicationID)
	if errors.Is(err, ErrOffline) {
		return Application{}, false, nil
	}
	return a, err == nil, err
}

// FollowedApplication is a card application this counter took, with whom it is for (the screen
// masks it) and when it was queued (申请与办件, 申领进度).
type FollowedApplication struct {
	Application
	Name, SSN string
	QueuedAt  time.Time
}

// FollowedApplications returns the card applications queued at this counter since from, newest
// first, at most limit, each with its progress; offline, the applied ones are left out. An
// application the platform cannot find any more is skipped, not an error for the whole list.
func FollowedApplications(ctx context.Context, store ApplicationOps, p Platform, from time.Time, limit int) ([]FollowedApplication, error) {
	ops, err := store.TypeSince(ctx, OpCardApplication, from, 2*limit) // some may be rejected
	if err != nil {
		return nil, err
	}
	var out []FollowedApplication
	for _, op := range ops {
		if len(out) >= limit {
			break
		}
		a, ok, err := progressOf(ctx, p, op)
		if err != nil && ctx.Err() != nil {
			return out, err
		}
		if !ok {
			continue
		}
		var pl ApplicationPayload
		_ = json.Unmarshal(op.Payload, &pl) // progressOf read it already
		out = append(out, FollowedApplication{Application: a, Name: pl.Name, SSN: pl.SSN, QueuedAt: op.CreatedAt})
	}
	return out, nil
}
