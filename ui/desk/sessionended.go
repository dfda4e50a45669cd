package desk

import "fyne.io/fyne/v2/lang"

// SessionEnded is told when the platform ended the clerk's session (TOKEN_EXPIRED): the desk locks
// with the work kept, and the clerk signs in again with their password (audited by
// Sessions.SignIn); the counter keeps no password to do it silently. Safe from any goroutine.
func (wb *Workbench) SessionEnded() {
	wb.deps.Do(func() {
		if wb.clerk == nil {
			return
		}
		wb.lock.lockNow()
		if wb.lock.message != nil {
			wb.lock.message.SetText(lang.L("The platform ended your session: enter your password to sign in again."))
		}
	})
}
