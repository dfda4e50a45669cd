package idcard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf16"

	"go.bug.st/serial"

	"ykt/app"
	"ykt/app/ids"
	"ykt/devices/cardtext"
)

// Sizes of the read answer's parts (cards.md §4.2).
const (
	TextLen  = 256
	PhotoLen = 1024
)

// text fields: offset and byte length in the 256-byte UTF-16LE text.
var fields = []struct {
	off, n int
}{
	{0, 30}, {30, 2}, {32, 4}, {36, 16}, {52, 70}, {122, 36}, {158, 30}, {188, 16}, {204, 16},
}

// ParseRead decodes the data of a read answer: text length, photo length, text, photo.
func ParseRead(data []byte) (*app.IDCard, error) {
	if len(data) < 4 {
		return nil, fmt.Errorf("%w: read answer of %d bytes", ErrFrame, len(data))
	}
	tl, pl := int(data[0])<<8|int(data[1]), int(data[2])<<8|int(data[3])
	if tl+pl > len(data)-4 {
		return nil, fmt.Errorf("%w: text %d + photo %d bytes in %d", ErrFrame, tl, pl, len(data)-4)
	}
	if tl%2 != 0 || tl < 220 {
		return nil, fmt.Errorf("%w: text of %d bytes", ErrFrame, tl)
	}
	c, err := DecodeText(data[4 : 4+tl])
	if err != nil {
		return nil, err
	}
	c.Photo = append([]byte(nil), data[4+tl:4+tl+pl]...)
	return c, nil
}

// DecodeText decodes the UTF-16LE text block (at least 220 bytes, even).
func DecodeText(t []byte) (*app.IDCard, error) {
	if len(t) < 220 || len(t)%2 != 0 {
		return nil, fmt.Errorf("%w: text of %d bytes", ErrFrame, len(t))
	}
	v := make([]string, len(fields))
	for i, f := range fields {
		v[i] = utf16le(t[f.off : f.off+f.n])
	}
	c := &app.IDCard{Name: v[0], Sex: v[1], Nation: v[2], BirthDate: cardtext.ISODate(v[3]), Address: v[4],
		IDNumber: ids.Normalize(v[5]), Authority: v[6], ValidFrom: cardtext.ISODate(v[7]), ValidUntil: cardtext.ISODate(v[8])}
	if strings.Contains(v[8], "长期") {
		c.ValidUntil = app.LongTerm
	}
	c.IDNumberValid = ids.Check(c.IDNumber, time.Time{}) == ids.OK
	return c, nil
}

// utf16le decodes, drops control characters and trims the space padding.
func utf16le(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	s := cardtext.DropControl(string(utf16.Decode(u)))
	return strings.TrimSpace(s)
}

// Reader is an ID card reader on a byte stream (a serial port).
type Reader struct {
	Port io.ReadWriter
	// Timeout bounds one command (default 5 s, as one driver does).
	Timeout time.Duration
}

// Open opens a reader on a serial port (e.g. /dev/ttyUSB0, COM3), 8N1 at baud (0 = 115200).
func Open(port string, baud int) (*Reader, io.Closer, error) {
	if baud == 0 {
		baud = 115200
	}
	p, err := serial.Open(port, &serial.Mode{BaudRate: baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit})
	if err != nil {
		return nil, nil, fmt.Errorf("open ID card reader %s: %w", port, err)
	}
	if err := p.SetReadTimeout(100 * time.Millisecond); err != nil {
		p.Close()
		return nil, nil, err
	}
	return &Reader{Port: p}, p, nil
}

// Do sends a command and returns its answer. A frame that arrives damaged (bad checksum) or an
// answer saying the reader received one is retried once.
func (r *Reader) Do(ctx context.Context, cmd [2]byte) (Response, error) {
	var rsp Response
	var err error
	for attempt := 0; attempt < 2; attempt++ {
		rsp, err = r.do(ctx, cmd)
		if errors.Is(err, ErrChecksum) || (err == nil && rsp.SW3 == SW3BadChecksum) {
			continue
		}
		return rsp, err
	}
	if err == nil {
		err = fmt.Errorf("%w (reported by the reader twice)", ErrChecksum)
	}
	return rsp, err
}

func (r *Reader) do(ctx context.Context, cmd [2]byte) (Response, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if _, err := r.Port.Write(Command(cmd, nil)); err != nil {
		return Response{}, fmt.Errorf("idcard: write: %w", err)
	}
	f, err := ReadFrame(r.Port, deadline)
	if err != nil {
		return Response{}, err
	}
	return ParseResponse(f)
}

// ReadCard finds, selects and reads the ID card on the reader. ErrNoCard when there is none.
func (r *Reader) ReadCard(ctx context.Context) (*app.IDCard, error) {
	rsp, err := r.Do(ctx, CmdFind)
	if err != nil {
		return nil, err
	}
	if rsp.SW3 == SW3NoCard {
		return nil, ErrNoCard
	}
	if !rsp.OK() {
		return nil, statusError("find card", rsp)
	}
	if rsp, err = r.Do(ctx, CmdSelect); err != nil {
		return nil, err
	}
	if !rsp.OK() {
		return nil, statusError("select card", rsp)
	}
	if rsp, err = r.Do(ctx, CmdRead); err != nil {
		return nil, err
	}
	if !rsp.OK() {
		return nil, statusError("read card", rsp)
	}
	return ParseRead(rsp.Data)
}

func statusError(op string, r Response) error {
	what := "failed"
	switch r.SW3 {
	case SW3SelectFail:
		what = "select failed (card moved?)"
	case SW3ReadFail:
		what = "read failed (card moved?)"
	case SW3BadLength, SW3BadCommand:
		what = "the reader did not understand the command"
	}
	return fmt.Errorf("idcard: %s: %s (status %02X %02X %02X)", op, what, r.SW1, r.SW2, r.SW3)
}
