//go:build race

package cli

// raceEnabled: the test binary runs with -race, so the ykt binary it builds does too and reuses
// the packages already compiled for it.
const raceEnabled = true
