package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/ebfe/scard"

	"ykt/devices"
	"ykt/devices/apdu"
	"ykt/devices/pboc"
	"ykt/devices/pcsctest"
	"ykt/devices/ssse"
	"ykt/devices/vcard"
)

func runBenchCard(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, _ := newFlags("bench card", "bench card [-n N] [--reader NAME | --profile FILE|NAME]", errOut)
	n := fs.Int("n", 200, "number of full reads (and as many replays)")
	reader := fs.String("reader", "", "read the card already in this reader (default: start a private pcscd with a virtual demo card)")
	profile := fs.String("profile", "", "virtual card to read when no --reader is given (default "+defaultDemoCard+")")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *n < 1 {
		fmt.Fprintln(errOut, "ykt bench card: -n must be at least 1")
		return exitUsage
	}
	name := *reader
	what := "the card in " + name
	if name == "" {
		p, err := loadCardProfile(*profile)
		if err != nil {
			fmt.Fprintln(errOut, "ykt bench card:", oneLine(err))
			return exitFailure
		}
		d, err := pcsctest.Start()
		if err != nil {
			fmt.Fprintln(errOut, "ykt bench card: a private pcscd is needed (root, pcscd, vsmartcard-vpcd):", oneLine(err))
			return exitFailure
		}
		defer d.Close()
		card, err := vcard.New(p)
		if err != nil {
			fmt.Fprintln(errOut, "ykt bench card:", oneLine(err))
			return exitFailure
		}
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go vcard.ServeVPCD(cctx, d.VPCDAddr(0), card, nil)
		name = pcsctest.Reader0
		what = fmt.Sprintf("virtual card %q in a private pcscd (vpcd)", p.Description)
		if err := waitForCard(name, 10*time.Second); err != nil {
			fmt.Fprintln(errOut, "ykt bench card:", oneLine(err))
			return exitFailure
		}
	}
	res, err := benchCard(name, *n)
	if err != nil {
		fmt.Fprintln(errOut, "ykt bench card:", oneLine(err))
		return exitUnreadable
	}
	fmt.Fprintf(out, "ykt bench card: %s, %d reads\n", what, *n)
	fmt.Fprintf(out, "  full read (SSC + bank app)   median %8.3f ms   %d APDUs (SSC %d, bank %d)\n",
		ms(res.read), res.ssc+res.bank, res.ssc, res.bank)
	fmt.Fprintf(out, "  bare replay, same APDUs      median %8.3f ms\n", ms(res.replay))
	fmt.Fprintf(out, "  ratio read / replay          %.3f (%+.1f %%; pcscd round trips vary by more than that)\n", res.ratio, 100*(res.ratio-1))
	fmt.Fprintf(out, "  parsing and logic alone      median %8.3f ms = %.2f %% of the replay (ReadChip on the recorded answers)\n",
		ms(res.logic), 100*float64(res.logic)/float64(res.replay))
	return exitOK
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

type benchResult struct {
	read, replay time.Duration
	ratio        float64
	ssc, bank    int
	logic        time.Duration // ReadChip alone, fed the recorded responses in-process
}

// recorder passes commands through and keeps them with their responses.
type recorder struct {
	t          apdu.Transmitter
	cmds, rsps [][]byte
}

func (r *recorder) Transmit(cmd []byte) ([]byte, error) {
	rsp, err := r.t.Transmit(cmd)
	if err == nil {
		r.cmds = append(r.cmds, append([]byte(nil), cmd...))
		r.rsps = append(r.rsps, append([]byte(nil), rsp...))
	}
	return rsp, err
}

// logicTime is the median time of the whole read's parsing and logic alone: ReadChip against
// the recorded responses, with no card, driver or daemon in the way.
func logicTime(stream []byte) time.Duration {
	const rounds = 2000
	d := make([]time.Duration, 0, rounds)
	for i := 0; i < rounds; i++ {
		t0 := time.Now()
		devices.ReadChip(apdu.NewChannel(apdu.NewReplay(stream)))
		d = append(d, time.Since(t0))
	}
	return median(d)
}

func waitForCard(reader string, limit time.Duration) error {
	sc, err := scard.EstablishContext()
	if err != nil {
		return err
	}
	defer sc.Release()
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if err := sc.GetStatusChange(rs, 250*time.Millisecond); err != nil && !errors.Is(err, scard.ErrTimeout) {
			return err
		}
		if rs[0].EventState&scard.StatePresent != 0 {
			return nil
		}
		rs[0].CurrentState = rs[0].EventState
	}
	return fmt.Errorf("no card in %s after %s", reader, limit)
}

// benchCard times n full reads and n replays of the same APDUs, interleaved, each on a fresh
// connection inside one exclusive transaction, and compares their medians.
func benchCard(reader string, n int) (benchResult, error) {
	var res benchResult
	sc, err := scard.EstablishContext()
	if err != nil {
		return res, err
	}
	defer sc.Release()

	// One traced read: the APDUs to replay, and how many each application needs.
	var trace [][]byte // the commands of one full read
	conn, err := devices.Connect(sc, reader)
	if err != nil {
		return res, err
	}
	rec := &recorder{t: conn}
	ch := apdu.NewChannel(rec)
	if err := conn.Begin(); err != nil {
		conn.Close()
		return res, err
	}
	if _, err := ssse.Read(ch); err != nil && !errors.Is(err, ssse.ErrNotSSC) {
		conn.End()
		conn.Close()
		return res, err
	}
	res.ssc = ch.Count
	if _, err := pboc.Read(ch); err != nil && !errors.Is(err, pboc.ErrNoBankApp) {
		conn.End()
		conn.Close()
		return res, err
	}
	res.bank = ch.Count - res.ssc
	conn.End()
	conn.Close()
	trace = rec.cmds
	res.logic = logicTime(apdu.ReplayStream(rec.rsps...))

	read := func() error {
		c, err := devices.Connect(sc, reader)
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Read()
		return err
	}
	replay := func() error {
		c, err := devices.Connect(sc, reader)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := c.Begin(); err != nil {
			return err
		}
		defer c.End()
		for _, cmd := range trace {
			if _, err := c.Transmit(cmd); err != nil {
				return err
			}
		}
		return nil
	}
	for i := 0; i < 5; i++ { // warm-up
		if err := read(); err != nil {
			return res, err
		}
		if err := replay(); err != nil {
			return res, err
		}
	}
	reads := make([]time.Duration, 0, n)
	replays := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		t0 := time.Now()
		if err := read(); err != nil {
			return res, err
		}
		t1 := time.Now()
		if err := replay(); err != nil {
			return res, err
		}
		reads, replays = append(reads, t1.Sub(t0)), append(replays, time.Since(t1))
	}
	res.read, res.replay = median(reads), median(replays)
	res.ratio = float64(res.read) / float64(res.replay)
	return res, nil
}

func median(d []time.Duration) time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2]
}
