//go:build linux

package keystore

import (
	"path/filepath"
	"testing"
)

// BenchmarkOpen is the cost of unwrapping the data key at start-up, per store.
func BenchmarkOpen(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  func(b *testing.B) Config
	}{
		{"keyfile", func(b *testing.B) Config {
			return Config{Backend: BackendKeyFile, KeyDir: filepath.Join(b.TempDir(), "k")}
		}},
		{"tpm2-swtpm", func(b *testing.B) Config {
			return Config{Backend: BackendTPM2, TPM: startSWTPM(b, filepath.Join(b.TempDir(), "state"))}
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := bc.cfg(b)
			dir := filepath.Join(b.TempDir(), "keys")
			if _, err := c.Open(dir, "data"); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := c.Open(dir, "data"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
