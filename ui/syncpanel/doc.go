// Package syncpanel is the list of operations for the platform: what waits, dead letters and
// conflicts, with the clerk's decisions on them (security.md PI-18).
package syncpanel
