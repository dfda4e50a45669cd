// Package widgets holds the small widgets and layouts every room uses: a fixed-width column, a
// button with a shortcut tip, a wrapped label.
package widgets
