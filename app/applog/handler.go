// Package applog is YKT Counter's logging: log/slog records go through a handler that masks
// identifiers wherever they appear (message, attributes, groups, errors), into a size-rotated
// file in the data directory (security.md PI-12, PI-15).
package applog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
)

// MaskingHandler masks ID numbers (also spaced, dashed or full-width), social security and card
// numbers, bank card numbers, phone numbers (also +86 and grouped) and the names it was told
// about in every string of a record before the next handler sees it.
type MaskingHandler struct {
	next  slog.Handler
	names *Names
}

// NewMaskingHandler wraps next.
func NewMaskingHandler(next slog.Handler) *MaskingHandler { return &MaskingHandler{next: next} }

// New returns a logger writing masked JSON lines to w at the given level.
func New(w io.Writer, level slog.Leveler) *slog.Logger { return NewWithNames(w, level, nil) }

// NewWithNames is New that also masks the names added to names, now or later.
func NewWithNames(w io.Writer, level slog.Leveler, names *Names) *slog.Logger {
	return slog.New(&MaskingHandler{next: slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}), names: names})
}

// Enabled reports whether the next handler takes records of this level.
func (h *MaskingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle masks the record and passes it on.
func (h *MaskingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, scrub(r.Message, h.names), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.maskAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs masks the attributes once, when they are attached.
func (h *MaskingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = h.maskAttr(a)
	}
	return &MaskingHandler{next: h.next.WithAttrs(masked), names: h.names}
}

// WithGroup opens a group in the next handler.
func (h *MaskingHandler) WithGroup(name string) slog.Handler {
	return &MaskingHandler{next: h.next.WithGroup(name), names: h.names}
}

// maxDepth bounds the walk through nested groups and LogValuers.
const maxDepth = 16

func (h *MaskingHandler) maskAttr(a slog.Attr) slog.Attr { return h.maskAttrDepth(a, 0) }

func (h *MaskingHandler) maskAttrDepth(a slog.Attr, depth int) slog.Attr {
	a.Key = scrub(a.Key, h.names)
	a.Value = h.maskValue(a.Value, depth)
	return a
}

func (h *MaskingHandler) maskValue(v slog.Value, depth int) slog.Value {
	v = v.Resolve()
	if depth >= maxDepth {
		return slog.StringValue("[too deep]")
	}
	switch v.Kind() {
	case slog.KindString:
		return slog.StringValue(scrub(v.String(), h.names))
	case slog.KindGroup:
		as := v.Group()
		out := make([]slog.Attr, len(as))
		for i, a := range as {
			out[i] = h.maskAttrDepth(a, depth+1)
		}
		return slog.GroupValue(out...)
	case slog.KindAny:
		// Errors, structs, maps, slices, Stringers: whatever they print is what gets masked.
		switch x := v.Any().(type) {
		case error:
			return slog.StringValue(scrub(x.Error(), h.names))
		default:
			return slog.StringValue(scrub(fmt.Sprintf("%+v", x), h.names))
		}
	case slog.KindInt64, slog.KindUint64:
		// A number attribute can hold a phone or bank number too.
		s := v.String()
		if m := scrub(s, h.names); m != s {
			return slog.StringValue(m)
		}
		return v
	default:
		return v
	}
}
