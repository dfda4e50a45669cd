// Package pcsctest runs a private pcscd with the vsmartcard vpcd driver for integration tests, so
// tests reach cards through the real PC/SC stack (pcscd → libpcsclite → ebfe/scard) without
// touching the machine's own pcscd or another test binary's.
//
// pcscd always puts its socket in /run/pcscd, so the daemon runs in a private mount namespace
// (unshare -m) with a temporary directory bound over /run/pcscd; this process finds it through
// PCSCLITE_CSOCK_NAME. The vpcd listener gets a free port pair, so binaries run in parallel.
// Mount namespaces and Pdeathsig are Linux's; on other systems Start says so (pcscd_other.go).
package pcsctest

// Reader names pcscd gives the two vpcd slots.
const (
	Reader0 = "Virtual PCD 00 00"
	Reader1 = "Virtual PCD 00 01"
)
