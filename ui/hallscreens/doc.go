// Package hallscreens holds the hall's own screens: the ticket kiosk, the call display and the
// supervisor's statistics. ykt --role kiosk|display|stats opens one of them.
package hallscreens
