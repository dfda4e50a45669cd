package localdb

import (
	"context"
	"slices"
	"testing"

	"ykt/app"
)

func TestTellNames(t *testing.T) {
	db, _ := openTest(t)
	ctx := context.Background()
	var told []string
	db.TellNames(func(n ...string) { told = append(told, n...) })
	r := app.Resident{SSN: ssnA, Name: "欧阳娜娜", Version: 1}
	if err := db.Commit(ctx, app.Change{Residents: []app.Resident{r, {SSN: ssnB, Version: 1}}}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(told, []string{"欧阳娜娜"}) {
		t.Fatalf("told on commit: %q", told)
	}
	told = nil
	if got, err := db.Resident(ctx, ssnA); err != nil || got == nil {
		t.Fatal(err)
	}
	if !slices.Equal(told, []string{"欧阳娜娜"}) {
		t.Fatalf("told on read: %q", told)
	}
}
