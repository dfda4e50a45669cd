package queue

import (
	"encoding/json"
	"testing"

	"ykt/app"
)

// TestConfigFilePolicyApplies: a hall configuration file's priorityPolicy applies as written,
// without the undocumented policySet, and its omitted fields keep the default policy's values.
func TestConfigFilePolicyApplies(t *testing.T) {
	base := `"businesses":[{"code":"B","prefix":"A","normal":{"from":1,"to":599},"priority":{"from":600,"to":799},"appointment":{"from":800,"to":999}}],"windows":[{"id":"01","businesses":["B"]}]`
	cases := []struct {
		name string
		json string
		want app.PriorityPolicy
	}{
		{"policy given", `{"priorityPolicy":{"normalPerPriority":3,"maxWaitMinutes":20},` + base + `}`,
			app.PriorityPolicy{ElderlyAge: 60, Disabled: true, NormalPerPriority: 3, MaxWaitMinutes: 20}},
		{"strict green channel", `{"priorityPolicy":{"normalPerPriority":0},` + base + `}`,
			app.PriorityPolicy{ElderlyAge: 60, Disabled: true, NormalPerPriority: 0, MaxWaitMinutes: 30}},
		{"elderly age changed", `{"priorityPolicy":{"elderlyAge":65,"disabled":false,"normalPerPriority":1,"maxWaitMinutes":10},` + base + `}`,
			app.PriorityPolicy{ElderlyAge: 65, Disabled: false, NormalPerPriority: 1, MaxWaitMinutes: 10}},
		{"no policy", `{` + base + `}`, app.DefaultPriorityPolicy},
		{"null policy", `{"priorityPolicy":null,` + base + `}`, app.DefaultPriorityPolicy},
	}
	for _, c := range cases {
		var cfg Config
		if err := json.Unmarshal([]byte(c.json), &cfg); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		q, err := New(cfg, NewManualClock(app.SystemClock{}.Now()), make([]byte, 32), Snapshot{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := q.Config().Policy; got != c.want {
			t.Errorf("%s: policy %+v, want %+v", c.name, got, c.want)
		}
	}
	var cfg Config
	if err := json.Unmarshal([]byte(`{"priorityPolicy":"x"}`), &cfg); err == nil {
		t.Error("a policy that is not an object was accepted")
	}
}
