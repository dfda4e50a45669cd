package desk

import (
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/ui/words"
)

// paymentsBox shows subsidies and wages paid into the card: totals by year and programme, a
// chart of this year's months, and every FAILED or RETURNED payment with what to do next.
func paymentsBox(v app.ResidentView, now time.Time) []fyne.CanvasObject {
	title := &widget.Label{Text: lang.L("Subsidies and wages paid into the card"), TextStyle: fyne.TextStyle{Bold: true}}
	switch {
	case v.PaymentsUnavailable && v.FromCache:
		return []fyne.CanvasObject{title, &widget.Label{Text: lang.L("Not available offline: payments are looked up on the platform."),
			Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}}
	case v.PaymentsUnavailable:
		return []fyne.CanvasObject{title, &widget.Label{Text: lang.L("The payments could not be looked up on the platform just now. Identify the resident again to retry."),
			Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}}
	case !v.PaymentsLoaded:
		return []fyne.CanvasObject{title, widget.NewLabel(lang.L("Looking up the payments…"))}
	}
	if len(v.Payments) == 0 {
		return []fyne.CanvasObject{title, widget.NewLabel(lang.L("No payments in this period."))}
	}
	objs := []fyne.CanvasObject{title}
	grid := container.NewGridWithColumns(3)
	for _, t := range app.PaymentTotals(v.Payments) {
		kind := lang.L("Subsidy")
		if t.Kind == app.PaymentWage {
			kind = lang.L("Wages")
		}
		grid.Add(widget.NewLabel(lang.L("{{.Y}} · {{.K}}", map[string]any{"Y": t.Year, "K": kind})))
		grid.Add(&widget.Label{Text: t.Program, Truncation: fyne.TextTruncateEllipsis})
		grid.Add(&widget.Label{Text: words.Yuan(t.AmountFen), Alignment: fyne.TextAlignTrailing})
	}
	objs = append(objs, grid)
	year := now.In(app.Shanghai).Year()
	months, problems := app.MonthlyCredited(v.Payments, year), monthsWithProblems(v.Payments, year)
	if months != [12]int64{} || problems != [12]bool{} {
		objs = append(objs, widget.NewLabel(lang.L("Credited per month in {{.Y}} (yuan; ⚠ a payment failed or was returned)", map[string]any{"Y": year})),
			newMonthChart(months, problems))
	}
	for _, p := range v.Payments {
		if p.Status == app.PaymentCredited {
			continue
		}
		objs = append(objs, &widget.Label{Text: paymentProblemText(p, v.Cards), Importance: widget.DangerImportance, Wrapping: fyne.TextWrapWord})
	}
	return objs
}

// paymentProblemText says what went wrong with a payment and what the resident should do.
func paymentProblemText(p app.Payment, cards []app.Card) string {
	d := map[string]any{"Date": p.CreditedAt.In(app.Shanghai).Format(time.DateOnly), "Program": p.Program, "Amount": words.Yuan(p.AmountFen), "Payer": p.Payer}
	if p.Status == app.PaymentReturned {
		return lang.L("⚠ {{.Date}} {{.Program}} {{.Amount}} was returned to {{.Payer}}: ask the payer to pay it again to the card's account.", d)
	}
	for _, c := range cards {
		if c.FinancialStatus == app.FinancialInactive && c.Bank != nil {
			d["Bank"] = c.Bank.Name
			return lang.L("⚠ {{.Date}} {{.Program}} {{.Amount}} could not be credited: the bank account is not activated. Activate it at any {{.Bank}} branch, then ask {{.Payer}} to pay again.", d)
		}
	}
	return lang.L("⚠ {{.Date}} {{.Program}} {{.Amount}} could not be credited: ask {{.Payer}} why and check the card's bank account.", d)
}

// monthsWithProblems marks the months of year in which a payment failed or was returned.
func monthsWithProblems(ps []app.Payment, year int) (out [12]bool) {
	for _, p := range ps {
		at := p.CreditedAt.In(app.Shanghai)
		if p.Status != app.PaymentCredited && at.Year() == year {
			out[at.Month()-1] = true
		}
	}
	return out
}

// monthChart is a small bar chart of 12 monthly sums: the sum in yuan over each bar, the month
// number under it, and ⚠ where a payment of that month failed or was returned.
type monthChart struct {
	widget.BaseWidget
	months   [12]int64
	problems [12]bool
}

func newMonthChart(m [12]int64, problems [12]bool) *monthChart {
	c := &monthChart{months: m, problems: problems}
	c.ExtendBaseWidget(c)
	return c
}

func (c *monthChart) CreateRenderer() fyne.WidgetRenderer {
	r := &monthChartRenderer{chart: c}
	for i := 0; i < 12; i++ {
		r.bars[i] = canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		r.labels[i] = canvas.NewText(monthLabel(i), theme.Color(theme.ColorNameForeground))
		r.labels[i].TextSize = theme.Size(theme.SizeNameCaptionText)
		r.labels[i].Alignment = fyne.TextAlignCenter
		r.values[i] = canvas.NewText(monthValue(c.months[i], c.problems[i]), theme.Color(theme.ColorNameForeground))
		if c.problems[i] {
			r.values[i].Color = theme.Color(theme.ColorNameError)
		}
		r.values[i].TextSize = theme.Size(theme.SizeNameCaptionText)
		r.values[i].Alignment = fyne.TextAlignCenter
	}
	return r
}

// monthValue is what stands over a month's bar: the yuan credited, ⚠ for a failed or returned
// payment.
func monthValue(fen int64, problem bool) string {
	v := ""
	if fen > 0 {
		v = strconv.FormatInt((fen+50)/100, 10)
	}
	if problem {
		v = strings.TrimSpace("⚠ " + v)
	}
	return v
}

func monthLabel(i int) string { return strconv.Itoa(i + 1) }

type monthChartRenderer struct {
	chart  *monthChart
	bars   [12]*canvas.Rectangle
	labels [12]*canvas.Text
	values [12]*canvas.Text
}

const chartHeight = 90

func (r *monthChartRenderer) Layout(size fyne.Size) {
	var top int64 = 1
	for _, v := range r.chart.months {
		top = max(top, v)
	}
	labelH := r.labels[0].MinSize().Height
	slot := size.Width / 12
	barArea := size.Height - 2*labelH // a line for the values over the tallest bar
	for i, v := range r.chart.months {
		h := barArea * float32(v) / float32(top)
		if v > 0 {
			h = max(h, 2)
		}
		r.bars[i].Resize(fyne.NewSize(slot*0.6, h))
		r.bars[i].Move(fyne.NewPos(slot*float32(i)+slot*0.2, labelH+barArea-h))
		r.values[i].Resize(fyne.NewSize(slot, labelH))
		r.values[i].Move(fyne.NewPos(slot*float32(i), barArea-h))
		r.labels[i].Resize(fyne.NewSize(slot, labelH))
		r.labels[i].Move(fyne.NewPos(slot*float32(i), labelH+barArea))
	}
}

func (r *monthChartRenderer) MinSize() fyne.Size { return fyne.NewSize(240, chartHeight) }

func (r *monthChartRenderer) Refresh() {
	for i := range r.bars {
		r.bars[i].FillColor = theme.Color(theme.ColorNamePrimary)
		if r.chart.months[i] == 0 {
			r.bars[i].FillColor = color.Transparent
		}
		r.bars[i].Refresh()
	}
	r.Layout(r.chart.Size())
}

func (r *monthChartRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 36)
	for i := range r.bars {
		objs = append(objs, r.bars[i], r.labels[i], r.values[i])
	}
	return objs
}

func (r *monthChartRenderer) Destroy() {}
