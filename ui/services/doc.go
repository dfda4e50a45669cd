// Package services is the set of core services the screens call (outbox, look-ups, sessions,
// platform, sync engine, caches), and the watch on an operation's outcome.
package services
