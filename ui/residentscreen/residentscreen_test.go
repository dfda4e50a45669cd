package residentscreen

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	fynetheme "fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/ui/i18n"
	"ykt/ui/uitest"
)

var tempLoss = Rated{Window: "07", ClerkID: "c0107", Clerk: "李敏", Business: "临时挂失"}

func TestEvaluationScreen(t *testing.T) {
	a := test.NewTempApp(t)
	i18n.UseLanguage("zh_Hans")
	s := New(a)
	s.Show()
	defer s.win.Close()
	var got []int
	s.AskEvaluation(tempLoss, nil, func(level int) { got = append(got, level) })
	if len(s.buttons) != 5 {
		t.Fatalf("%d levels on screen", len(s.buttons))
	}
	all := uitest.Texts(s.win.Canvas())
	for _, want := range []string{"非常满意", "满意", "基本满意", "不满意", "非常不满意", "请您对本次服务进行评价",
		"07 号窗口 · 李敏（工号 c0107） · 临时挂失"} {
		if !strings.Contains(all, want) {
			t.Errorf("screen lacks %q:\n%s", want, all)
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

	// A home visit names no window.
	s.AskEvaluation(Rated{ClerkID: "c0301", Clerk: "刘洋", Business: "补领"}, nil, func(int) {})
	if all := uitest.Texts(s.win.Canvas()); !strings.Contains(all, "上门服务 · 刘洋（工号 c0301） · 补领") || strings.Contains(all, "窗口") {
		t.Errorf("home visit:\n%s", all)
	}
}

// TestEvaluationLevelsEqual: the five levels have equal weight — the same importance, the same
// size on screen, the same colours (none green or red), each its own face — in elderly sizes,
// readable at 4.5:1.
func TestEvaluationLevelsEqual(t *testing.T) {
	a := test.NewTempApp(t)
	i18n.UseLanguage("zh_Hans")
	s := New(a)
	s.Show()
	defer s.win.Close()
	s.AskEvaluation(tempLoss, nil, func(int) {})
	var levels []*levelButton
	uitest.Walk(s.win.Canvas().Content(), func(o any) {
		if b, ok := o.(*levelButton); ok {
			levels = append(levels, b)
		}
	})
	if len(levels) != 5 {
		t.Fatalf("%d level buttons", len(levels))
	}
	first := levels[0]
	faces := map[string]bool{}
	for _, b := range levels {
		if b.Importance != widget.MediumImportance || b.Importance != first.Importance {
			t.Errorf("%q has importance %v", b.Text, b.Importance)
		}
		if b.Size() != first.Size() || b.Size().Width < 60 || b.Size().Height < 60 {
			t.Errorf("%q is %v, %q is %v", b.Text, b.Size(), first.Text, first.Size())
		}
		r := test.WidgetRenderer(b).(*levelRenderer)
		if r.bg.FillColor != test.WidgetRenderer(first).(*levelRenderer).bg.FillColor {
			t.Errorf("%q has another colour", b.Text)
		}
		if r.face.Size().Width < faceSize || r.face.Resource == nil {
			t.Errorf("%q: face %v", b.Text, r.face.Size())
		}
		faces[string(r.face.Resource.Content())] = true
		if r.text.TextSize < 18 {
			t.Errorf("%q in %v dp text, want ≥ 18", b.Text, r.text.TextSize)
		}
		// Readable: words and face against the button, the button's edge against the screen.
		th, v := b.Theme(), fyne.CurrentApp().Settings().ThemeVariant()
		if c := uitest.Contrast(r.text.Color, r.bg.FillColor); c < 4.5 {
			t.Errorf("%q: words at %.1f:1", b.Text, c)
		}
		if c := uitest.Contrast(r.bg.StrokeColor, th.Color(fynetheme.ColorNameBackground, v)); c < 4.5 { // issue 15 point 4: edges too
			t.Errorf("%q: edge at %.1f:1", b.Text, c)
		}
	}
	if len(faces) != 5 {
		t.Errorf("%d different faces for five levels", len(faces))
	}
	// The faces are drawings the theme recolours, not glyphs a font may lack.
	if !bytes.Contains(face(1).Content(), []byte("<svg")) {
		t.Error("the face is not a drawing")
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
