package hall

import (
	"net/http"
	"strings"
	"testing"

	"ykt/app/queue"
)

// TestRefusalsAndFailuresLogged: the device is told one sentence, the server's log keeps the rest.
// Requests refused for their credential or role are logged per address, the first at once and
// the others as a count (a display probing the counters' endpoints shows up without flooding the
// log); an internal error's details, which the device never sees, are logged with the path.
func TestRefusalsAndFailuresLogged(t *testing.T) {
	f := newHall(t, queue.DemoConfig())
	display := f.token(RoleDisplay, "")
	for range 20 {
		if status, _, _ := raw(t, http.MethodPost, f.srv.URL()+apiPrefix+"/windows/07/call-next", display, "application/json", "", `{"requestId":"r1"}`); status != http.StatusForbidden {
			t.Fatalf("a display calling: %d", status)
		}
	}
	raw(t, http.MethodGet, f.srv.URL()+apiPrefix+"/board", "not-a-token", "", "", "")
	if n := f.logLines("hall: request refused"); n != 1 || f.logLines("reason=FORBIDDEN") != 1 {
		t.Errorf("%d lines for 21 refused requests at once, want 1:\n%s", n, f.log)
	}

	supervisor := f.token(RoleSupervisor, "")
	f.srv.Service.db.r.Close() // the readers' pool fails every read from now on
	status, _, body := raw(t, http.MethodGet, f.srv.URL()+apiPrefix+"/stats?from=2026-11-28&to=2026-11-28", supervisor, "", "", "")
	if status != http.StatusInternalServerError || strings.Contains(body, "closed") {
		t.Fatalf("a failed read: %d %s", status, body)
	}
	if f.logLines("hall: request failed") != 1 || f.logLines("path=/api/v1/stats") != 1 || f.logLines("database is closed") != 1 {
		t.Errorf("the failure's details are not in the log:\n%s", f.log)
	}
}
