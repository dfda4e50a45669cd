// Package devices speaks to the hardware at the counter: PC/SC card readers (github.com/ebfe/scard)
// and, in later parts, the social security card and bank application protocols, ID-card readers,
// QR scanners and the virtual card of demo mode and tests.
package devices

import (
	"context"
	"errors"
	"sync"

	"github.com/ebfe/scard"

	"ykt/app"
)

// ReaderProbe reports the state of the PC/SC readers for the status bar. It keeps one PC/SC
// context and establishes a new one when the service has gone away (pcscd restarted).
type ReaderProbe struct {
	mu  sync.Mutex
	ctx *scard.Context
}

var _ app.ReaderProbe = (*ReaderProbe)(nil)

// ReaderStatus returns the first reader holding a card, else the first reader, without waiting.
func (p *ReaderProbe) ReaderStatus(context.Context) app.ReaderStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	st, err := p.status()
	if err != nil && isServiceGone(err) {
		// pcscd restarted: one fresh context, one more try.
		p.release()
		st, _ = p.status()
	}
	return st
}

func (p *ReaderProbe) status() (app.ReaderStatus, error) {
	if p.ctx == nil {
		c, err := scard.EstablishContext()
		if err != nil {
			return app.ReaderStatus{State: app.ReaderNoService}, err
		}
		p.ctx = c
	}
	readers, err := p.ctx.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) || (err == nil && len(readers) == 0) {
		return app.ReaderStatus{State: app.ReaderNone}, nil
	}
	if err != nil {
		return app.ReaderStatus{State: app.ReaderNoService}, err
	}
	rs := make([]scard.ReaderState, len(readers))
	for i, r := range readers {
		rs[i] = scard.ReaderState{Reader: r, CurrentState: scard.StateUnaware}
	}
	if err := p.ctx.GetStatusChange(rs, 0); err != nil && !errors.Is(err, scard.ErrTimeout) {
		return app.ReaderStatus{State: app.ReaderNoService}, err
	}
	for _, r := range rs {
		if r.EventState&scard.StatePresent != 0 {
			return app.ReaderStatus{State: app.ReaderCard, Name: r.Reader}, nil
		}
	}
	return app.ReaderStatus{State: app.ReaderEmpty, Name: readers[0]}, nil
}

func (p *ReaderProbe) release() {
	if p.ctx != nil {
		p.ctx.Release()
		p.ctx = nil
	}
}

// Close releases the PC/SC context.
func (p *ReaderProbe) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.release()
}

// isServiceGone reports errors after which the PC/SC context must be established anew.
func isServiceGone(err error) bool {
	return errors.Is(err, scard.ErrNoService) || errors.Is(err, scard.ErrServiceStopped) ||
		errors.Is(err, scard.ErrInvalidHandle) || errors.Is(err, scard.ErrCommError)
}
