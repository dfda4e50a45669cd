// Package applog is YKT Counter's logging: log/slog records go through a handler that masks
// identifiers wherever they appear (message, attributes, groups, errors), into a size-rotated
// file in the data directory (security.md PI-12, PI-15).
package applog

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"ykt/app/pii"
)

// MaskingHandler masks ID numbers, social security and card numbers, bank card numbers and phone
// numbers in every string of a record before the next handler sees it.
type MaskingHandler struct{ next slog.Handler }

// NewMaskingHandler wraps next.
func NewMaskingHandler(next slog.Handler) *MaskingHandler { return &MaskingHandler{next: next} }

// New returns a logger writing masked JSON lines to w at the given level.
func New(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(NewMaskingHandler(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})))
}

// Enabled reports whether the next handler takes records of this level.
func (h *MaskingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

// Handle masks the record and passes it on.
func (h *MaskingHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, pii.Scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(maskAttr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

// WithAttrs masks the attributes once, when they are attached.
func (h *MaskingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	masked := make([]slog.Attr, len(as))
	for i, a := range as {
		masked[i] = maskAttr(a)
	}
	return &MaskingHandler{next: h.next.WithAttrs(masked)}
}

// WithGroup opens a group in the next handler.
func (h *MaskingHandler) WithGroup(name string) slog.Handler {
	return &MaskingHandler{next: h.next.WithGroup(name)}
}

// maxDepth bounds the walk through nested groups and LogValuers.
const maxDepth = 16

func maskAttr(a slog.Attr) slog.Attr { return maskAttrDepth(a, 0) }

func maskAttrDepth(a slog.Attr, depth int) slog.Attr {
	a.Key = pii.Scrub(a.Key)
	a.Value = maskValue(a.Value, depth)
	return a
}

func maskValue(v slog.Value, depth int) slog.Value {
	v = v.Resolve()
	if depth >= maxDepth {
		return slog.StringValue("[too deep]")
	}
	switch v.Kind() {
	case slog.KindString:
		return slog.StringValue(pii.Scrub(v.String()))
	case slog.KindGroup:
		as := v.Group()
		out := make([]slog.Attr, len(as))
		for i, a := range as {
			out[i] = maskAttrDepth(a, depth+1)
		}
		return slog.GroupValue(out...)
	case slog.KindAny:
		// Errors, structs, maps, slices, Stringers: whatever they print is what gets masked.
		switch x := v.Any().(type) {
		case error:
			return slog.StringValue(pii.Scrub(x.Error()))
		default:
			return slog.StringValue(pii.Scrub(fmt.Sprintf("%+v", x)))
		}
	case slog.KindInt64, slog.KindUint64:
		// A number attribute can hold a phone or bank number too.
		s := v.String()
		if m := pii.Scrub(s); m != s {
			return slog.StringValue(m)
		}
		return v
	default:
		return v
	}
}
