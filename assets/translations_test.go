package assets

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

func loadTranslation(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := Translations.ReadFile("translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// usedKeys finds every string literal passed as the key of lang.L, lang.N, lang.X or lang.XN in
// the repository's Go code.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	keys := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && d.Name() != ".." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "lang" {
				return true
			}
			switch sel.Sel.Name {
			case "L", "N", "X", "XN", "Localize", "LocalizeKey", "LocalizePlural", "LocalizePluralKey":
			default:
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: lang.%s with a non-literal key cannot be checked", fset.Position(call.Pos()), sel.Sel.Name)
				return true
			}
			s, _ := strconv.Unquote(lit.Value)
			keys[s] = fset.Position(call.Pos()).String()
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestEveryStringTranslated: every key the code uses is in both languages, both files have the
// same keys, and the Chinese file really is Chinese.
func TestEveryStringTranslated(t *testing.T) {
	zh, en := loadTranslation(t, "zh_Hans.json"), loadTranslation(t, "en.json")
	used := usedKeys(t)
	if len(used) < 10 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	var missing []string
	for k, where := range used {
		for name, m := range map[string]map[string]any{"zh_Hans": zh, "en": en} {
			if _, ok := m[k]; !ok {
				missing = append(missing, name+": "+strconv.Quote(k)+" ("+where+")")
			}
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Error("missing translation", m)
	}
	for k := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("%q is in zh_Hans.json but not in en.json", k)
		}
	}
	for k := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("%q is in en.json but not in zh_Hans.json", k)
		}
	}
	for k, v := range zh {
		s, ok := v.(string)
		if !ok {
			continue
		}
		// Without Chinese, a translation may only be template fields and punctuation.
		if !hasHan(s) && strings.ContainsFunc(templateField.ReplaceAllString(s, ""), unicode.IsLetter) {
			t.Errorf("zh_Hans.json: %q is not translated", k)
		}
		if strings.Count(s, "{{") != strings.Count(k, "{{") {
			t.Errorf("zh_Hans.json: %q → %q changes the template fields", k, s)
		}
	}
}

// templateField is a go-i18n template field such as {{.N}}.
var templateField = regexp.MustCompile(`\{\{[^}]*\}\}`)

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}
