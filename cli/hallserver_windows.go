//go:build windows

package cli

import (
	"context"
	"os"
	"os/signal"

	"golang.org/x/sys/windows/svc"
)

// HallServiceName is the Windows service the installer registers for `ykt hall-server`
// (packaging/windows/ykt.nsi); the service control manager starts ykt.exe with the arguments of
// its binPath.
const HallServiceName = "ykt-hall"

// hallServerContext ends when the hall server is asked to stop: Ctrl+C in a console, or Stop and
// Shutdown from the service control manager when ykt.exe runs as the ykt-hall service.
//
// It always offers the service control manager its dispatcher: started from a console,
// svc.Run fails at once (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) and only Ctrl+C counts.
// svc.IsWindowsService would decide up front, but it asks for services.exe in session 0, which
// Wine (the smoke tests) does not give.
func hallServerContext(ctx context.Context) (context.Context, func()) {
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt)
	ctx, cancel := context.WithCancel(ctx)
	served := make(chan struct{}) // closed when runHallServer has closed the server
	done := make(chan struct{})   // closed when svc.Run has returned
	go func() {
		defer close(done)
		svc.Run(HallServiceName, &hallService{stop: cancel, served: served})
	}()
	return ctx, func() {
		cancel()
		stopSignals()
		close(served)
		<-done
	}
}

// hallService answers the service control manager (服务控制管理器).
type hallService struct {
	stop   func()
	served <-chan struct{}
}

// Execute reports Running at once and turns Stop and Shutdown into the end of the context; it
// returns, and the service reads as stopped, only once the hall server has closed its database.
func (h *hallService) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case <-h.served: // the server ended on its own (bad flags, port taken)
			status <- svc.Status{State: svc.StopPending}
			return true, 1
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending}
				h.stop()
				<-h.served
				return false, 0
			}
		}
	}
}
