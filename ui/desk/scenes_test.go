package desk

import (
	"testing"
)

// TestFormScenesOfferTheirAction: each business form's demo scene picks a clerk and a demo
// resident for whom the workbench really offers that business, and the form opens over the desk.
func TestFormScenesOfferTheirAction(t *testing.T) {
	for name, f := range formScenes {
		t.Run(name, func(t *testing.T) {
			d := newDesk(t, f.clerk)
			d.identify(t, f.ssn)
			if d.wb.actions.buttons[f.action] == nil {
				t.Fatalf("%s is not offered to %s for %s:\n%s", f.action, f.clerk, f.ssn, d.screen())
			}
			d.wb.startAction(f.action)
			if d.w.Canvas().Overlays().Top() == nil {
				t.Fatalf("no form for %s", f.action)
			}
		})
	}
}
