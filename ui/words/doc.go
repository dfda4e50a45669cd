// Package words turns the core's enums and errors into sentences in the interface language:
// statuses, actions, relations, hall errors, clerk messages. Every switch keeps literal lang.L
// keys, so the translation test can read them.
package words
