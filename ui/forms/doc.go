// Package forms holds the business forms the desk opens over itself: the card businesses'
// guided dialogs (loss reports, unblock, enable, PIN reset, activation, information change, the
// proxy 代办人), the card application (快速申领) with photo and receipt, complaints and paper or
// late evaluations (好差评). Each takes what it needs in a Deps struct or as arguments.
package forms
