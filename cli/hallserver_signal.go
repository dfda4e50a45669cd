//go:build !windows

package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// hallServerContext ends when the hall server is asked to stop: SIGINT, or SIGTERM from systemd.
func hallServerContext(ctx context.Context) (context.Context, func()) {
	return signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
}
