package desk

import (
	"context"
	"testing"

	"ykt/app"
	"ykt/ui/uitest"
)

func TestCounterFixture(t *testing.T) {
	c := uitest.NewCounter(t)
	sess := c.SignIn(t, "c0107")
	if sess.Clerk.Name != "李敏" || !sess.Clerk.HasRole(app.RoleCounter) {
		t.Fatalf("session %+v", sess.Clerk)
	}
	res, err := c.Lookup.Resident(context.Background(), "c0107", app.IDTypeIDCard, "500106194912310029")
	if err != nil || res.Resident.Name != "张三" || len(res.Cards) == 0 || res.FromCache {
		t.Fatalf("lookup: %+v, %v", res, err)
	}
	cat, _, err := c.Catalog.Catalog(context.Background())
	if err != nil || cat == nil || len(cat.Banks) == 0 {
		t.Fatalf("catalog: %+v, %v", cat, err)
	}
}
