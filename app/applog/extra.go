package applog

import (
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"ykt/app/ids"
	"ykt/app/pii"
)

// Identifiers as people type them, which pii.Scrub's plain patterns miss (issue 10 point 7).
var (
	// 18 characters of an ID number with single spaces or dashes anywhere between them:
	// "500106 19491231 0029", "500106-1949-1231-002X".
	spacedID = regexp.MustCompile(`\d(?:[ -]?\d){16}[ -]?[\dXx]`)
	// A mainland mobile after +86 / 0086 / 86, with or without separators: "+86 138-0013-8000".
	intlMobile = regexp.MustCompile(`(?:\+|00)?86[ -]?(?:\(0\))?[ -]?1[3-9]\d[ -]?\d{4}[ -]?\d{4}`)
	// A mobile written in groups: "138 0013 8000", "138-0013-8000".
	groupedMobile = regexp.MustCompile(`1[3-9]\d[ -]\d{4}[ -]\d{4}`)
)

// fullWidth turns full-width digits, X, hyphen, plus and the ideographic space into ASCII, so
// "５００１０６…" is seen by the same patterns as "500106…".
var fullWidth = strings.NewReplacer(
	"０", "0", "１", "1", "２", "2", "３", "3", "４", "4", "５", "5", "６", "6", "７", "7", "８", "8", "９", "9",
	"Ｘ", "X", "ｘ", "x", "－", "-", "＋", "+", "\u3000", " ",
)

// scrub masks every identifier pii.Scrub knows, the spaced, dashed and full-width forms of ID
// numbers, +86 and grouped phone numbers, and the names in names (may be nil).
func scrub(s string, names *Names) string {
	if hasFullWidth(s) {
		s = fullWidth.Replace(s)
	}
	if digitCount(s) >= 11 {
		s = replaceUnglued(s, spacedID, maskSpacedID) // before pii.Scrub takes 4-digit groups for a bank number
	}
	s = pii.Scrub(s)
	if digitCount(s) >= 11 {
		s = replaceUnglued(s, intlMobile, maskIntlMobile)
		s = replaceUnglued(s, groupedMobile, func(m string) string { return pii.Phone(digitsOf(m)) })
	}
	return names.mask(s)
}

func hasFullWidth(s string) bool {
	return strings.ContainsAny(s, "０１２３４５６７８９\u3000")
}

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == 'X' || r == 'x' {
			return r
		}
		return -1
	}, s)
}

// maskSpacedID masks an 18-character run that is an ID number: its check digit holds, or its
// birth date is a real date (a mistyped check digit is still somebody's number).
func maskSpacedID(m string) string {
	d := strings.ToUpper(digitsOf(m))
	if ids.Check(d, time.Time{}) == ids.OK || plausibleBirth(d[6:14]) {
		return pii.ID(d)
	}
	return m
}

func plausibleBirth(yyyymmdd string) bool {
	t, err := time.Parse("20060102", yyyymmdd)
	return err == nil && t.Year() >= 1890 && t.Year() <= 2100
}

func maskIntlMobile(m string) string {
	d := digitsOf(m)
	return "+86 " + pii.Phone(d[len(d)-11:])
}

// replaceUnglued replaces matches not glued to a further digit, letter or star on either side.
func replaceUnglued(s string, re *regexp.Regexp, fn func(string) string) string {
	return pii.ReplaceUnglued(s, re, glued, fn)
}

func glued(c byte) bool {
	return c >= '0' && c <= '9' || c == '*' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// Names are the personal names the log must not hold — the residents being served — as the
// application tells them; each is replaced by its mask (张三 → 张*) wherever it appears. Names
// of one character are ignored (they would mask ordinary words). Safe for concurrent use.
type Names struct {
	mu    sync.RWMutex
	set   map[string]bool
	repl  *strings.Replacer
	dirty bool
}

// NewNames makes an empty set.
func NewNames() *Names { return &Names{set: map[string]bool{}} }

// Add tells the masker about names.
func (n *Names) Add(names ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, name := range names {
		name = strings.TrimSpace(name)
		if utf8.RuneCountInString(name) >= 2 && !n.set[name] {
			n.set[name] = true
			n.dirty = true
		}
	}
}

// Forget drops names (after the resident's data is purged, PI-16).
func (n *Names) Forget(names ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, name := range names {
		name = strings.TrimSpace(name)
		if n.set[name] {
			delete(n.set, name)
			n.dirty = true
		}
	}
}

func (n *Names) mask(s string) string {
	if n == nil {
		return s
	}
	n.mu.RLock()
	repl, dirty := n.repl, n.dirty
	n.mu.RUnlock()
	if dirty {
		repl = n.rebuild()
	}
	if repl == nil {
		return s
	}
	return repl.Replace(s)
}

// rebuild makes the replacer, longest names first so 欧阳娜娜 is not cut as 欧阳.
func (n *Names) rebuild() *strings.Replacer {
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.dirty {
		return n.repl
	}
	names := make([]string, 0, len(n.set))
	for name := range n.set {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	var pairs []string
	for _, name := range names {
		pairs = append(pairs, name, pii.Name(name))
	}
	n.repl, n.dirty = nil, false
	if len(pairs) > 0 {
		n.repl = strings.NewReplacer(pairs...)
	}
	return n.repl
}
