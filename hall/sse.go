package hall

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"ykt/app/queue"
)

// broker fans notices out to live subscribers. A subscriber that falls behind by more than its
// buffer is dropped (its channel closed); it reconnects and re-reads, so a slow display never
// slows a counter's call.
type broker struct {
	mu     sync.Mutex
	subs   map[chan queue.Notice]struct{}
	closed bool
}

func newBroker() *broker { return &broker{subs: map[chan queue.Notice]struct{}{}} }

const subscriberBuffer = 256

func (b *broker) subscribe() (<-chan queue.Notice, func()) {
	ch := make(chan queue.Notice, subscriberBuffer)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		close(ch)
		return ch, func() {}
	}
	b.subs[ch] = struct{}{}
	return ch, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
	}
}

func (b *broker) publish(n queue.Notice) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- n:
		default:
			delete(b.subs, ch)
			close(ch)
		}
	}
}

func (b *broker) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for ch := range b.subs {
		delete(b.subs, ch)
		close(ch)
	}
}

// writeSSE writes one notice as a server-sent event (event name = kind, id = sequence).
func writeSSE(w io.Writer, n queue.Notice) error {
	data, err := json.Marshal(n)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", n.Seq, n.Kind, data)
	return err
}

// maxSSELine bounds one line of the event stream; a longer line is an error, not a memory grab.
const maxSSELine = 64 << 10

// errSSELine reports a line longer than maxSSELine.
var errSSELine = errors.New("event stream line too long")

// readSSE parses a server-sent event stream (the subset the hall server writes: event, data,
// id, comments) and calls fn for each complete event whose data is a notice. Malformed events
// are skipped; a read error or an over-long line ends the stream with that error.
func readSSE(r io.Reader, fn func(queue.Notice)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxSSELine)
	var event string
	var data bytes.Buffer
	var id int64
	dispatch := func() {
		defer func() { event, id = "", 0; data.Reset() }()
		if data.Len() == 0 {
			return
		}
		var n queue.Notice
		if err := json.Unmarshal(data.Bytes(), &n); err != nil {
			return
		}
		if event != "" {
			n.Kind = event
		}
		if n.Kind != queue.NoticeCall && n.Kind != queue.NoticeQueue {
			return
		}
		if n.Kind == queue.NoticeCall && n.Call == nil {
			return
		}
		if id != 0 {
			n.Seq = id
		}
		fn(n)
	}
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 {
			dispatch()
			continue
		}
		if line[0] == ':' {
			continue // comment / keep-alive
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			event = string(value)
		case "data":
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			if data.Len()+len(value) > maxSSELine {
				return errSSELine
			}
			data.Write(value)
		case "id":
			if v, err := strconv.ParseInt(string(value), 10, 64); err == nil {
				id = v
			}
		}
	}
	if errors.Is(sc.Err(), bufio.ErrTooLong) {
		return errSSELine
	}
	return sc.Err()
}

// streams are the open event streams by the device that opened them: revoking a device ends its
// streams at once (docs/hall-api.md §2), not only its next request.
type streams struct {
	mu   sync.Mutex
	next int
	open map[string]map[int]context.CancelFunc
}

// add registers a stream of device; its context ends when the device is revoked or done is called.
func (s *streams) add(ctx context.Context, device string) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open == nil {
		s.open = map[string]map[int]context.CancelFunc{}
	}
	if s.open[device] == nil {
		s.open[device] = map[int]context.CancelFunc{}
	}
	s.next++
	id := s.next
	s.open[device][id] = cancel
	return ctx, func() {
		cancel()
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.open[device], id)
		if len(s.open[device]) == 0 {
			delete(s.open, device)
		}
	}
}

// end ends every open stream of device.
func (s *streams) end(device string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cancel := range s.open[device] {
		cancel()
	}
	delete(s.open, device)
}
