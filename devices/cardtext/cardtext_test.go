package cardtext

import "testing"

func TestDropControlAndISODate(t *testing.T) {
	for in, want := range map[string]string{"张三\x00\x00": "张三", "A\r\n012\x1b": "A012", "": "", "王 五": "王 五"} {
		if got := DropControl(in); got != want {
			t.Errorf("DropControl(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"19491231": "1949-12-31", "长期": "长期", "1949123": "1949123", "1949123X": "1949123X"} {
		if got := ISODate(in); got != want {
			t.Errorf("ISODate(%q) = %q, want %q", in, got, want)
		}
	}
}
