package cli

import (
	"context"
	"log/slog"
	"time"

	"ykt/app"
	"ykt/app/gate"
	"ykt/app/queue"
)

// kioskEnrich gives a kiosk enrolled with the platform as a KIOSK terminal (ykt enroll with a
// kiosk's code) the platform's eligibility answer for every swipe and typed ID: a registered
// disability gets the green channel too. A kiosk not enrolled, or enrolled as something else,
// gets nil: the age in the ID number alone decides, as before. The environment stays open until
// ctx ends.
func kioskEnrich(ctx context.Context, dataDir string) func(context.Context, queue.Holder) (queue.Holder, bool) {
	env, err := openEnvironment(ctx, dataDir)
	if err != nil {
		slog.Warn("kiosk: no data directory for the platform", "err", err)
		return nil
	}
	kind, _ := env.db.Setting(ctx, settingTerminal)
	hallCode, _ := env.db.Setting(ctx, settingHallCode)
	client, err := newPlatformClient(ctx, env, nil)
	if err != nil || kind != string(app.TerminalKiosk) {
		env.Close()
		return nil
	}
	go func() {
		<-ctx.Done()
		env.Close()
	}()
	return func(ctx context.Context, h queue.Holder) (queue.Holder, bool) {
		if _, ok := client.Session(); !ok {
			if _, err := client.TerminalLogin(ctx); err != nil {
				env.log.Warn("kiosk: no terminal session", "err", err)
			}
		}
		ans := gate.Enrich(ctx, client, hallCode, h, 3*time.Second)
		if ans.Offline {
			env.log.Warn("kiosk: eligibility not answered; green channel by age only")
		}
		return ans.Holder, ans.Offline
	}
}
