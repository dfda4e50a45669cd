package idcard

import (
	"context"
	"errors"
	"time"

	"ykt/app"
)

// Watch polls r every period until ctx ends and hands each card newly put on the reader to onCard
// once: a card left lying there is not handed again, a card taken off and put back is. While
// ready reports false the card on the reader is not read for anyone, and is read once ready
// again (the desk before sign-in or while locked). onError hears read errors other than "no card";
// onCard returns false to have the same card handed again on the next poll (e.g. its audit
// record could not be written).
func Watch(ctx context.Context, r *Reader, period time.Duration, ready func() bool, onCard func(*app.IDCard) bool, onError func(error)) {
	last := ""
	for ctx.Err() == nil {
		c, err := r.ReadCard(ctx)
		switch {
		case errors.Is(err, ErrNoCard):
			last = ""
		case err != nil:
			onError(err)
		case ready != nil && !ready():
			last = ""
		case c.IDNumber != last:
			c.Photo = nil // never kept (cards.md §4.2)
			if onCard(c) {
				last = c.IDNumber
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(period):
		}
	}
}
