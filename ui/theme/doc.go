// Package theme is the application theme (a wrapper that overrides only colours and sizes), the
// clerk's large-text mode and the elderly-mode sizes of resident-facing screens.
package theme
