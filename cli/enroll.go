package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"ykt/app"
	"ykt/platform"
)

// Settings and secrets written by enrollment besides the workstation keys of env.go.
const (
	settingPlatformURL = "platform.url"
	settingPlatformCA  = "platform.ca_pem" // PEM CA bundle (public certificates, not secret)
	settingPinnedCA    = "platform.pin"    // hex SHA-256 of the pinned CA's public key
	settingOffset      = "platform.offset_ms"
	secretDevice       = "device.secret"
)

func runEnroll(ctx context.Context, args []string, out, errOut io.Writer) int {
	fs, dataDir := newFlags("enroll", "enroll --platform URL --code CODE --hall HALL --window NO [--ca FILE] [--pin SHA256] [--data-dir DIR]", errOut)
	url := fs.String("platform", "", "base URL of the platform API, e.g. https://gw.example.gov.cn/ykt/api/v1 (http only to loopback)")
	code := fs.String("code", "", "the single-use enrollment code from the administrator")
	hall := fs.String("hall", "", "hall (service point) code, e.g. 500106-ZWZX")
	window := fs.String("window", "", "window number, e.g. 07")
	caFile := fs.String("ca", "", "PEM file of the CA bundle that signs the platform's certificate (default: the system's roots)")
	pin := fs.String("pin", "", "hex SHA-256 of the platform's public key (or of a CA's in its chain), as the platform's administrator gives it; without it the key seen on first contact is recorded and shown")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *url == "" || *code == "" || *hall == "" || *window == "" {
		fmt.Fprintln(errOut, "ykt enroll: --platform, --code, --hall and --window are required")
		fs.Usage()
		return exitUsage
	}
	ps := platformSettings{URL: *url, PinnedCA: *pin}
	if *caFile != "" {
		pem, err := os.ReadFile(*caFile)
		if err != nil {
			fmt.Fprintln(errOut, "ykt enroll:", err)
			return exitFailure
		}
		ps.CA = pem
	}
	env, err := openEnvironment(ctx, *dataDir)
	if err != nil {
		fmt.Fprintln(errOut, "ykt enroll:", err)
		return exitFailure
	}
	defer env.Close()
	host, _ := os.Hostname()
	res, err := enrollDevice(ctx, env, ps, app.Enrollment{EnrollmentCode: *code, HallCode: *hall, WindowNo: *window, Hostname: host})
	if err != nil {
		fmt.Fprintln(errOut, "ykt enroll:", err)
		return exitFailure
	}
	fmt.Fprintf(out, "enrolled: device %s at %s (%s), window %s, as a %s terminal\n", res.DeviceID, res.HallName, res.HallCode, *window, res.Terminal)
	if res.pin != "" && *pin == "" {
		fmt.Fprintf(out, "platform key pin (SHA-256 of its public key), recorded on first contact:\n  %s\n"+
			"compare it with the pin the platform's administrator gives you; from now on this computer talks to no other key\n", res.pin)
	}
	return exitOK
}

// platformSettings is how this computer reaches the platform.
type platformSettings struct {
	URL      string
	CA       []byte // PEM; nil: the system's roots
	PinnedCA string
}

// enrolled is an enrollment's result with the platform key pin now recorded ("" over plain
// loopback HTTP, which has no key).
type enrolled struct {
	app.EnrollmentResult
	pin string
}

// errAlreadyEnrolled refuses a second enrollment of one data directory.
var errAlreadyEnrolled = errors.New("this computer is already enrolled; use a new data directory to enroll it again")

// enrollDevice enrolls the data directory's computer (used by `ykt enroll` and by demo mode): one
// POST /devices/enroll, never retried; the device secret is sealed; the workstation settings
// (hall.code, hall.name, window.no, device.id — written last) and an audit record follow.
func enrollDevice(ctx context.Context, env *environment, ps platformSettings, e app.Enrollment) (enrolled, error) {
	if id, err := env.db.Setting(ctx, settingDeviceID); err != nil {
		return enrolled{}, err
	} else if id != "" {
		return enrolled{}, errAlreadyEnrolled
	}
	client, err := platform.New(platform.Config{BaseURL: ps.URL, CABundle: ps.CA, PinnedCA: ps.PinnedCA})
	if err != nil {
		return enrolled{}, err
	}
	r, err := client.Enroll(ctx, e)
	if err != nil {
		env.log.Warn("enrollment failed", "code", app.PlatformCode(err), "err", err)
		return enrolled{}, fmt.Errorf("enroll at %s: %w", ps.URL, err)
	}
	res := enrolled{EnrollmentResult: r, pin: ps.PinnedCA}
	if res.pin == "" {
		res.pin = client.PeerKey() // trust on first contact, shown to the administrator ("" over loopback http)
	}
	ps.PinnedCA = res.pin
	if err := env.db.SetSecret(ctx, secretDevice, res.DeviceSecret); err != nil {
		return res, err
	}
	hallName := res.HallName
	if hallName == "" {
		hallName = e.HallCode
	}
	for _, kv := range [][2]string{{settingPlatformURL, ps.URL}, {settingPlatformCA, string(ps.CA)}, {settingPinnedCA, ps.PinnedCA},
		{settingHallCode, e.HallCode}, {settingHallName, hallName}, {settingWindowNo, e.WindowNo}, {settingTerminal, string(res.Terminal)},
		{settingDeviceID, res.DeviceID}} {
		if err := env.db.SetSetting(ctx, kv[0], kv[1]); err != nil {
			return res, err
		}
	}
	ev := app.AuditEvent{DeviceID: res.DeviceID, Event: "device.enroll", Object: e.HallCode + "/" + e.WindowNo, Result: "OK", Reason: pinNote(res.pin)}
	if err := env.db.Commit(ctx, app.Change{Audit: []app.AuditEvent{ev}}); err != nil {
		return res, err
	}
	env.log.Info("device enrolled", "device", res.DeviceID, "hall", e.HallCode, "window", e.WindowNo)
	return res, nil
}

// newPlatformClient builds the client of an enrolled data directory; observe (may be nil) hears
// the outcome of every request, for the status bar. The server-time offset is persisted.
func newPlatformClient(ctx context.Context, env *environment, observe func(error)) (*platform.Client, error) {
	get := func(k string) string {
		v, _ := env.db.Setting(ctx, k)
		return v
	}
	id := get(settingDeviceID)
	if id == "" {
		return nil, app.ErrNotEnrolled
	}
	secret, err := env.db.Secret(ctx, secretDevice)
	if err != nil {
		return nil, err
	}
	if secret == nil {
		return nil, app.ErrNotEnrolled
	}
	offMs, _ := strconv.ParseInt(get(settingOffset), 10, 64)
	cfg := platform.Config{BaseURL: get(settingPlatformURL), DeviceID: id, Secret: secret, PinnedCA: get(settingPinnedCA),
		Offset: time.Duration(offMs) * time.Millisecond, Observe: observe,
		// A clerk waits on look-ups: one quick retry, then the cache answers; the outbox schedules
		// the batches' long retries itself (security.md SY-4, SY-11).
		Attempts: 2, RetryBase: 250 * time.Millisecond, MaxRetryWait: 2 * time.Second,
		OnOffset: func(d time.Duration) {
			env.db.SetSetting(context.Background(), settingOffset, strconv.FormatInt(d.Milliseconds(), 10))
		}}
	if ca := get(settingPlatformCA); ca != "" {
		cfg.CABundle = []byte(ca)
	}
	return platform.New(cfg)
}

func pinNote(pin string) string {
	if pin == "" {
		return "no key (loopback http)"
	}
	return "platform key pin " + pin
}
