package hall

import "net/http"

// loggedWriter is the response writer of a guarded API request: reply tells it the status and
// error of a refusal or failure, which the device is told in one sentence at most. An internal
// error's details go to the server's log; refused credentials and roles are counted there per
// address, so a device probing what it may do shows up.
type loggedWriter struct {
	http.ResponseWriter
	h *handler
	r *http.Request
}

func (lw *loggedWriter) failed(status int, code string, err error) {
	switch status {
	case http.StatusInternalServerError:
		lw.h.svc.log.Error("hall: request failed", "method", lw.r.Method, "path", lw.r.URL.Path, "device", deviceOf(lw.r).ID, "err", err)
	case http.StatusUnauthorized, http.StatusForbidden:
		lw.h.refused.add(remoteKey(lw.r.RemoteAddr), code)
	}
}

// Flush sends what is written so far (the event stream).
func (lw *loggedWriter) Flush() {
	if fl, ok := lw.ResponseWriter.(http.Flusher); ok {
		fl.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's deadlines.
func (lw *loggedWriter) Unwrap() http.ResponseWriter { return lw.ResponseWriter }

// noteFailure tells w's log, if it keeps one, how a request failed.
func noteFailure(w http.ResponseWriter, status int, code string, err error) {
	if lw, ok := w.(*loggedWriter); ok {
		lw.failed(status, code, err)
	}
}
