package sim

import (
	"testing"

	"ykt/app"
)

// TestCatalogCarriesGuidesAndServicePoints (issue 15, point 8): every business has a guide, and a
// card application can be made nearby at a hall, a bank branch that makes cards on the spot and a
// community centre, every point with an address and known businesses.
func TestCatalogCarriesGuidesAndServicePoints(t *testing.T) {
	c := DefaultCatalog()
	known := map[string]bool{}
	for _, b := range c.Businesses {
		known[b.Code] = true
		if len([]rune(b.Guide)) < 20 {
			t.Errorf("%s: guide %q is too thin to help", b.Code, b.Guide)
		}
	}
	for _, sp := range c.ServicePoints {
		if sp.Address == "" || sp.Name == "" {
			t.Errorf("%s: no name or address", sp.Code)
		}
		for _, b := range sp.Businesses {
			if !known[b] {
				t.Errorf("%s offers %s, not in the catalogue", sp.Code, b)
			}
		}
	}
	kinds := map[string]bool{}
	points, _ := app.NearbyPoints(c, "CARD_APPLICATION", DemoHall)
	for _, p := range points {
		kinds[p.Kind] = true
		if p.InstantIssue {
			kinds["INSTANT"] = true
		}
	}
	for _, k := range []string{"HALL", "BANK", "COMMUNITY", "INSTANT"} {
		if !kinds[k] {
			t.Errorf("no %s among the points for a card application", k)
		}
	}
	if len(points) == 0 || !points[0].Here {
		t.Error("the demo hall is not first")
	}
}
