package residentscreen

import (
	"strings"
	"testing"
	"ykt/ui/i18n"
	"ykt/ui/uitest"

	"fyne.io/fyne/v2/test"
)

func TestEvaluationScreen(t *testing.T) {
	a := test.NewTempApp(t)
	i18n.UseLanguage("zh_Hans")
	s := New(a)
	s.Show()
	defer s.win.Close()
	var got []int
	s.AskEvaluation(nil, func(level int) { got = append(got, level) })
	if len(s.buttons) != 5 {
		t.Fatalf("%d levels on screen", len(s.buttons))
	}
	all := uitest.Texts(s.win.Canvas())
	for _, want := range []string{"非常满意", "满意", "基本满意", "不满意", "非常不满意", "请您对本次服务进行评价"} {
		if !strings.Contains(all, want) {
			t.Errorf("screen lacks %q", want)
		}
	}
	// Every target is large enough for an elderly resident.
	for _, b := range s.buttons {
		if sz := b.MinSize(); sz.Height < 60 || sz.Width < 60 {
			t.Errorf("%q is %v, want ≥ 60×60", b.Text, sz)
		}
	}
	test.Tap(s.buttons[3]) // 不满意 = level 4 (差评)
	if len(got) != 1 || got[0] != 4 {
		t.Fatalf("chosen = %v, want [4]", got)
	}
	if !strings.Contains(uitest.Texts(s.win.Canvas()), "感谢您的评价") || len(s.buttons) != 0 {
		t.Error("no thanks, or the levels are still on screen")
	}
}

func TestResidentScreenConfirm(t *testing.T) {
	a := test.NewTempApp(t)
	i18n.UseLanguage("zh_Hans")
	s := New(a)
	s.ShowConfirm("正在为您办理：临时挂失", []string{"社保卡 X00000019", "张*"})
	all := uitest.Texts(s.win.Canvas())
	if !strings.Contains(all, "正在为您办理：临时挂失") || !strings.Contains(all, "社保卡 X00000019") {
		t.Errorf("confirmation: %s", all)
	}
}
