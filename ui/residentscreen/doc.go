// Package residentscreen is the window that faces the resident across the glass: what is being
// done for them, and the 好差评 evaluation, in elderly-mode sizes (domain.md §5.3).
package residentscreen
