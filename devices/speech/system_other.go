//go:build !windows

package speech

// System returns the system's speech engine: espeak-ng on Linux and other Unix systems.
func System(p Profile) (Speaker, error) { return FindEspeak(p) }
