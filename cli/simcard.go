package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"ykt/assets"
	"ykt/devices/vcard"
)

// defaultDemoCard is the card of demo mode and of `ykt sim card` without --profile.
const defaultDemoCard = "elderly"

// loadCardProfile reads a profile file, or a demo card by name ("elderly", "child", …).
func loadCardProfile(spec string) (*vcard.Profile, error) {
	if spec == "" {
		spec = defaultDemoCard
	}
	if !strings.ContainsAny(spec, `/\.`) {
		b, err := assets.DemoCards.ReadFile("cards/" + spec + ".json")
		if err != nil {
			return nil, fmt.Errorf("no demo card %q; demo cards: %s", spec, strings.Join(demoCardNames(), ", "))
		}
		return vcard.ParseProfile(bytes.NewReader(b))
	}
	f, err := os.Open(spec)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return vcard.ParseProfile(f)
}

func demoCardNames() []string {
	entries, _ := fs.ReadDir(assets.DemoCards, "cards")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), path.Ext(e.Name())))
	}
	sort.Strings(out)
	return out
}

func runSimCard(ctx context.Context, args []string, out, errOut io.Writer) int {
	fset, _ := newFlags("sim card", "sim card --vpcd HOST:PORT [--profile FILE|NAME] [--list]", errOut)
	addr := fset.String("vpcd", net.JoinHostPort("127.0.0.1", strconv.Itoa(vcard.DefaultVPCDPort)),
		"address of the vpcd reader slot (pcscd's vsmartcard driver listens on 35963 for slot 0, 35964 for slot 1)")
	profile := fset.String("profile", "", "card image: a JSON file, or a demo card name (default "+defaultDemoCard+")")
	list := fset.Bool("list", false, "list the demo cards and exit")
	if code := parseFlags(fset, args); code >= 0 {
		return code
	}
	if *list {
		for _, n := range demoCardNames() {
			p, _ := loadCardProfile(n)
			fmt.Fprintf(out, "%-18s %s\n", n, p.Description)
		}
		return exitOK
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		fmt.Fprintf(errOut, "ykt sim card: --vpcd %q: want HOST:PORT\n", *addr)
		return exitUsage
	}
	p, err := loadCardProfile(*profile)
	if err != nil {
		fmt.Fprintln(errOut, "ykt sim card:", oneLine(err))
		return exitFailure
	}
	card, err := vcard.New(p)
	if err != nil {
		fmt.Fprintln(errOut, "ykt sim card:", oneLine(err))
		return exitFailure
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(errOut, "ykt sim card: %s\nykt sim card: plugging into vpcd at %s (Ctrl-C to pull the card)\n", p.Description, *addr)
	vcard.ServeVPCD(ctx, *addr, card, func(ev string) {
		fmt.Fprintf(errOut, "%s ykt sim card: %s\n", time.Now().Format("15:04:05"), ev)
	})
	return exitOK
}
