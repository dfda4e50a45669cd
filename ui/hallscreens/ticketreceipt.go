package hallscreens

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"ykt/app"
	"ykt/app/queue"
)

// TicketReceipt is the printed form of an issued ticket, as the kiosk prints it, for a device
// without the kiosk's screen (the entrance gate's ticket at the swipe).
func TicketReceipt(iss queue.IssuedView, now time.Time) queue.Receipt {
	footer := []string{lang.L("Taken at {{.T}}", map[string]any{"T": now.In(app.Shanghai).Format("2006-01-02 15:04")})}
	if iss.Hotline != "" {
		footer = append(footer, lang.L("Hotline {{.N}}", map[string]any{"N": iss.Hotline}))
	}
	footer = append(footer, lang.L("Please listen for your number."))
	return queue.Receipt{Header: iss.HallName, Number: iss.Ticket.Number, Lines: ticketLines(iss), Footer: footer}
}
