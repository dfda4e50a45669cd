// Package desk is the clerk's window (柜台工作台): sign-in, the identify bar, the resident panel,
// the actions column, the queue column (or a home-visit worker's day), the status bar, the idle
// lock and the keyboard shortcuts. It composes the other rooms: it opens the business forms, the
// sync panel and the resident's screen through their constructors.
package desk
