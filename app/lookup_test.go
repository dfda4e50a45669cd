package app_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"ykt/app"
	"ykt/platform/sim"
)

// TestLookupFallsBackToCache: online look-ups fill the encrypted cache; offline, the cache answers
// with its age, by ID number and by card number; past the retention it does not.
func TestLookupFallsBackToCache(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	l := &app.Lookup{Platform: r.client, Cache: r.db, DeviceID: r.device, Session: r.client.Session}
	res, err := l.Resident(ctx, "c0107", app.IDTypeIDCard, "500106194912310029")
	if err != nil || res.FromCache || res.Resident.Name != "张三" || len(res.Cards) != 1 {
		t.Fatalf("online: %+v, %v", res, err)
	}
	tok, _ := r.sim.IssueCode("50010619850615003X", "ESSC")
	byCode, cr, err := l.Code(ctx, "c0107", tok)
	if err != nil || cr.CodeType != "ESSC" || byCode.Resident.Disability == nil {
		t.Fatalf("code: %+v %+v %v", byCode, cr, err)
	}
	r.setBefore(func(w http.ResponseWriter, req *http.Request, _ []byte) bool {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return true
	})
	for _, q := range []struct {
		typ   app.IDType
		value string
	}{{app.IDTypeIDCard, "500106194912310029"}, {app.IDTypeCardNo, "X00000019"}} {
		off, err := l.Resident(ctx, "c0107", q.typ, q.value)
		if err != nil || !off.FromCache || off.Resident.Name != "张三" || len(off.Cards) != 1 || off.Age(time.Now()) > time.Minute {
			t.Fatalf("offline by %s: %+v, %v", q.typ, off, err)
		}
	}
	if s, _ := r.conn.PlatformState(); s != app.PlatformOffline {
		t.Errorf("state while unreachable: %v", s)
	}
	if _, err := l.Resident(ctx, "c0107", app.IDTypeIDCard, "500106194203080048"); !errors.Is(err, app.ErrOffline) {
		t.Errorf("never looked up, offline: %v", err)
	}
	stale := &app.Lookup{Platform: r.client, Cache: r.db, Clock: laterClock(8 * 24 * time.Hour), Session: r.client.Session}
	if _, err := stale.Resident(ctx, "c0107", app.IDTypeIDCard, "500106194912310029"); !errors.Is(err, app.ErrOffline) {
		t.Errorf("cache past its retention answered: %v", err)
	}
	rep, _ := r.db.VerifyAudit(ctx)
	if rep.Rows < 2 || rep.Break != nil {
		t.Errorf("look-ups are not audited: %+v", rep)
	}
}

type laterClock time.Duration

func (d laterClock) Now() time.Time { return time.Now().Add(time.Duration(d)) }

// TestPullerRefreshesCaches: catalogue with its ETag (a 304 the second time), today's appointments
// of the hall, and the home visits of a HOME_VISIT worker.
func TestPullerRefreshesCaches(t *testing.T) {
	r := newRig(t, "")
	ctx := context.Background()
	var catalogAsks []string
	r.setBefore(func(w http.ResponseWriter, req *http.Request, _ []byte) bool {
		if strings.HasSuffix(req.URL.Path, "/catalog") {
			catalogAsks = append(catalogAsks, req.Header.Get("If-None-Match"))
		}
		return false
	})
	p := &app.Puller{Platform: r.client, Store: r.db, HallCode: sim.DemoHall}
	if err := p.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	cat, etag, err := r.db.Catalog(ctx)
	if err != nil || cat == nil || etag == "" || len(cat.Businesses) == 0 {
		t.Fatalf("catalog cache: %v %q %v", cat, etag, err)
	}
	day := app.ServiceDay(time.Now())
	apts, _, err := r.db.Appointments(ctx, sim.DemoHall, day)
	if err != nil || len(apts) < 3 {
		t.Fatalf("appointments cache: %+v, %v", apts, err)
	}
	if v, _, _ := r.db.HomeVisits(ctx, day); v != nil {
		t.Errorf("a COUNTER clerk pulled home visits: %+v", v)
	}
	if err := p.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	if len(catalogAsks) != 2 || catalogAsks[0] != "" || catalogAsks[1] != etag {
		t.Errorf("If-None-Match sent: %q (etag %q)", catalogAsks, etag)
	}
	if _, err := r.client.Login(ctx, "c0301", sim.DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := p.Pull(ctx); err != nil {
		t.Fatal(err)
	}
	visits, _, err := r.db.HomeVisits(ctx, day)
	if err != nil || len(visits) < 2 || len(visits[0].Cards) == 0 {
		t.Fatalf("home visits cache: %+v, %v", visits, err)
	}
}
