package hallscreens

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"ykt/app"
	"ykt/app/queue"
	"ykt/app/stats"
	"ykt/ui/async"
	"ykt/ui/widgets"
	"ykt/ui/words"
)

// StatsDeps is what the supervisor's statistics screen needs.
type StatsDeps struct {
	Hall queue.StatsService
	Do   func(func())
	Now  func() time.Time
}

// StatsScreen shows the queue's statistics per day, business and window — tickets, wait and
// service time (median and p90), no-shows, green-channel share, evaluations and 差评, paper and
// late evaluations apart — as a table and a bar chart of waits; lists the 差评 with their
// callback and rectification deadlines, those passed marked in words and colour; and exports
// both to CSV and Excel.
type StatsScreen struct {
	scope *async.Scope // loads in flight
	app   fyne.App
	win   fyne.Window
	deps  StatsDeps

	from, to *widgets.KeyEntry
	group    *widget.Select
	status   *widget.Label
	table    *widget.Table
	chart    *fyne.Container
	content  fyne.CanvasObject

	tabs       *container.AppTabs
	badTab     *container.TabItem
	badTable   *widget.Table
	badSummary *widget.Label

	cfg  queue.PublicConfig
	rows []queue.Row
	data stats.Table
	bad  []queue.FollowUp
	// badData is the 差评 list as shown and exported; badCells marks the cells that say a
	// deadline has passed (shown in the danger colour besides the word).
	badData  stats.Table
	badCells map[[2]int]bool
}

// NewStatsScreen builds the screen; w is the window its dialogs open over.
func NewStatsScreen(a fyne.App, w fyne.Window, deps StatsDeps) *StatsScreen {
	deps.Do, deps.Now = async.Defaults(deps.Do, deps.Now)
	s := &StatsScreen{app: a, win: w, deps: deps, scope: async.NewScope(deps.Do)}
	today := app.ServiceDay(deps.Now())
	s.from, s.to = s.dayEntry(today), s.dayEntry(today)
	s.group = &widget.Select{Options: groupOptions(), Selected: groupOptions()[0]}
	s.status = widget.NewLabel("")
	s.table = widget.NewTable(s.size, func() fyne.CanvasObject { return widget.NewLabel("") }, s.cell)
	s.chart = container.NewVBox()
	bar := container.NewHBox(
		widget.NewLabel(lang.L("From")), container.New(widgets.FixedWidth(130), s.from),
		widget.NewLabel(lang.L("To")), container.New(widgets.FixedWidth(130), s.to),
		s.group,
		&widget.Button{Text: lang.L("Show"), Importance: widget.HighImportance, OnTapped: s.Load},
		layout.NewSpacer(),
		&widget.Button{Text: lang.L("Export CSV"), OnTapped: func() { s.askExport("csv") }},
		&widget.Button{Text: lang.L("Export Excel"), OnTapped: func() { s.askExport("xlsx") }},
	)
	chartCard := widget.NewCard(lang.L("Waiting time by row (minutes): median and 90th percentile"), "", container.NewVScroll(s.chart))
	s.badTable = widget.NewTable(s.badSize, func() fyne.CanvasObject { return widget.NewLabel("") }, s.badCell)
	s.badSummary = &widget.Label{Wrapping: fyne.TextWrapWord}
	s.badTab = container.NewTabItem(lang.L("Bad evaluations and follow-up"), container.NewBorder(s.badSummary, nil, nil, nil, s.badTable))
	s.tabs = container.NewAppTabs(container.NewTabItem(lang.L("Queue statistics"), s.table), s.badTab)
	split := container.NewVSplit(chartCard, s.tabs)
	split.Offset = 0.4
	s.content = container.NewBorder(container.NewVBox(bar, s.status), nil, nil, nil, split)
	if w != nil { // Enter and Esc of the dialog on top (the export's file chooser)
		w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { widgets.DialogKey(w.Canvas(), ev) })
	}
	return s
}

// dayEntry is a From or To date: Enter in it shows the statistics, as "Show".
func (s *StatsScreen) dayEntry(day string) *widgets.KeyEntry {
	e := widgets.NewKeyEntry("")
	e.Text = day
	e.OnSubmitted = func(string) { s.Load() }
	return e
}

// Object is the screen's content.
func (s *StatsScreen) Object() fyne.CanvasObject { return s.content }

// GroupBy chooses how the table groups its rows, by the option's words (e.g. 按窗口).
func (s *StatsScreen) GroupBy(option string) { s.group.SetSelected(option) }

// ShowBadEvaluations brings the 差评 follow-up list to the front.
func (s *StatsScreen) ShowBadEvaluations() { s.tabs.Select(s.badTab) }

// Loaded reports whether both the table and the 差评 list have been read.
func (s *StatsScreen) Loaded() bool { return len(s.rows) > 0 && len(s.badData.Header) > 0 }

func groupOptions() []string {
	return []string{lang.L("By business"), lang.L("By window"), lang.L("By business and window"), lang.L("Whole hall")}
}

func (s *StatsScreen) grouping() queue.Grouping {
	switch s.group.Selected {
	case groupOptions()[1]:
		return queue.Grouping{Window: true}
	case groupOptions()[2]:
		return queue.Grouping{Business: true, Window: true}
	case groupOptions()[3]:
		return queue.Grouping{}
	}
	return queue.Grouping{Business: true}
}

// Load fetches the statistics of the chosen days in a worker and shows them.
func (s *StatsScreen) Load() {
	from, to, g := s.from.Text, s.to.Text, s.grouping()
	for _, d := range []string{from, to} {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			s.status.SetText(lang.L("Dates are written YYYY-MM-DD."))
			return
		}
	}
	s.status.SetText(lang.L("Loading…"))
	type loaded struct {
		cfg  queue.PublicConfig
		rows []queue.Row
		bad  []queue.FollowUp
	}
	async.Run(s.scope, 15*time.Second, func(ctx context.Context) (loaded, error) {
		var l loaded
		l.cfg, _ = s.deps.Hall.Config(ctx)
		rows, err := s.deps.Hall.Stats(ctx, from, to, g)
		if err != nil {
			return l, err
		}
		l.rows = rows
		l.bad, err = s.deps.Hall.BadEvaluations(ctx, from, to)
		return l, err
	}, func(l loaded, err error) {
		if errors.Is(err, queue.ErrForbidden) {
			s.status.SetText(lang.L("Only the hall's supervisor computer may show the statistics: pair this computer with the hall as a supervisor."))
			return
		}
		if err != nil {
			s.status.SetText(words.HallError(err))
			return
		}
		s.cfg = l.cfg
		s.show(l.rows)
		s.showBad(l.bad)
	})
}

// show fills table and chart from rows.
func (s *StatsScreen) show(rows []queue.Row) {
	s.rows = rows
	s.data = s.tableOf(rows)
	s.status.SetText(lang.N("{{.N}} rows", len(rows), map[string]any{"N": len(rows)}))
	s.table.Refresh()
	for c, h := range s.data.Header {
		w := fyne.MeasureText(h, theme.TextSize(), fyne.TextStyle{Bold: true}).Width
		for _, r := range s.data.Rows {
			w = max(w, fyne.MeasureText(fmt.Sprint(r[c]), theme.TextSize(), fyne.TextStyle{}).Width)
		}
		s.table.SetColumnWidth(c, w+2*theme.Padding()+8)
	}
	s.drawChart()
}

func (s *StatsScreen) businessName(code string) string {
	if code == "" {
		return lang.L("All")
	}
	for _, b := range s.cfg.Businesses {
		if b.Code == code {
			return b.Name
		}
	}
	return code
}

func minutes(sec int64) float64 { return math.Round(float64(sec)/6) / 10 }

// tableOf is the statistics as a table in the interface language: what the screen shows and the
// exports write.
func (s *StatsScreen) tableOf(rows []queue.Row) stats.Table {
	t := stats.Table{Title: lang.L("Queue statistics"), Header: []string{
		lang.L("Day"), lang.L("Business"), lang.L("Window"), lang.L("Tickets"), lang.L("Served"), lang.L("No-shows"),
		lang.L("Green channel share"), lang.L("Wait median (min)"), lang.L("Wait p90 (min)"),
		lang.L("Green channel wait median (min)"), lang.L("Service median (min)"), lang.L("Service p90 (min)"),
		lang.L("Transfers"), lang.L("Holds"), lang.L("Abandoned"), lang.L("Past midnight"),
		lang.L("Evaluations"), lang.L("Bad evaluations"), lang.L("Paper evaluations"), lang.L("Late evaluations"),
	}}
	for _, r := range rows {
		window := r.Window
		switch {
		case window == "" && s.grouping().Window:
			window = lang.L("not called")
		case window == "":
			window = lang.L("All")
		}
		t.Rows = append(t.Rows, []any{r.Day, s.businessName(r.Business), window, r.Tickets, r.Served, r.NoShows,
			math.Round(r.PriorityShare()*1000) / 1000, minutes(r.Wait.Median), minutes(r.Wait.P90),
			minutes(r.PriorityWait.Median), minutes(r.Service.Median), minutes(r.Service.P90),
			r.Transfers, r.Holds, r.Abandoned, r.SpansMidnight, r.Evaluations, r.Bad, r.Paper, r.Late})
	}
	return t
}

func (s *StatsScreen) size() (int, int) { return len(s.data.Rows) + 1, len(s.data.Header) }

func (s *StatsScreen) cell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	l.TextStyle.Bold = id.Row == 0
	switch {
	case id.Row == 0 && id.Col < len(s.data.Header):
		l.SetText(s.data.Header[id.Col])
	case id.Row > 0 && id.Row-1 < len(s.data.Rows) && id.Col < len(s.data.Rows[id.Row-1]):
		v := s.data.Rows[id.Row-1][id.Col]
		if f, ok := v.(float64); ok && id.Col == 6 {
			l.SetText(fmt.Sprintf("%.0f%%", f*100))
			return
		}
		l.SetText(fmt.Sprint(v))
	default:
		l.SetText("")
	}
}

// showBad fills the 差评 list: each with its deadlines, those passed said in words and colour.
func (s *StatsScreen) showBad(list []queue.FollowUp) {
	s.bad = list
	s.badData, s.badCells = s.badTableOf(list)
	callback, rectification := 0, 0
	for _, f := range list {
		if f.CallbackOverdue {
			callback++
		}
		if f.RectificationOverdue {
			rectification++
		}
	}
	s.badTab.Text = lang.L("Bad evaluations and follow-up ({{.N}})", map[string]any{"N": len(list)})
	s.tabs.Refresh()
	text := lang.L("Bad evaluations: {{.N}} · callback overdue: {{.C}} · rectification overdue: {{.R}}", map[string]any{"N": len(list), "C": callback, "R": rectification})
	days := s.cfg
	if days.CallbackDays == 0 {
		days = queue.DemoConfig().Public() // an older hall server: the defaults
	}
	text += "\n" + lang.L("Deadlines run from the evaluation: callback within {{.C}} d, rectification within {{.R}} d. The hall does not learn when a callback is made; the supervision platform records it.",
		map[string]any{"C": days.CallbackDays, "R": days.RectificationDays})
	s.badSummary.Importance = widget.MediumImportance
	if callback+rectification > 0 {
		s.badSummary.Importance = widget.DangerImportance
	}
	s.badSummary.SetText(text)
	s.badTable.Refresh()
	for c, h := range s.badData.Header {
		w := fyne.MeasureText(h, theme.TextSize(), fyne.TextStyle{Bold: true}).Width
		for _, r := range s.badData.Rows {
			w = max(w, fyne.MeasureText(fmt.Sprint(r[c]), theme.TextSize(), fyne.TextStyle{Bold: true}).Width)
		}
		s.badTable.SetColumnWidth(c, w+2*theme.Padding()+8)
	}
}

// stampText is an instant as the supervisor reads it, in the hall's time zone.
func stampText(unix int64) string {
	return time.Unix(unix, 0).In(app.Shanghai).Format("2006-01-02 15:04")
}

// badTableOf is the 差评 list as a table in the interface language, and which of its cells say
// that a deadline has passed.
func (s *StatsScreen) badTableOf(list []queue.FollowUp) (stats.Table, map[[2]int]bool) {
	t := stats.Table{Title: lang.L("Bad evaluations and follow-up"), Header: []string{
		lang.L("Day"), lang.L("Ticket"), lang.L("Business"), lang.L("Window"), lang.L("Rating"), lang.L("Evaluated at"),
		lang.L("On paper"), lang.L("Late"), lang.L("Callback due"), lang.L("Callback"), lang.L("Rectification due"), lang.L("Rectification"),
	}}
	levels := words.EvaluationLevels()
	yes := func(b bool) string {
		if b {
			return lang.L("Yes")
		}
		return lang.L("No")
	}
	state := func(overdue bool) string {
		if overdue {
			return lang.L("Overdue")
		}
		return lang.L("Within the deadline")
	}
	marked := map[[2]int]bool{}
	for i, f := range list {
		level := fmt.Sprint(f.Level)
		if f.Level >= 1 && f.Level <= len(levels) {
			level = levels[f.Level-1]
		}
		t.Rows = append(t.Rows, []any{f.Day, f.TicketNo, s.businessName(f.Business), f.Window, level, stampText(f.At),
			yes(f.Paper), yes(f.Late), stampText(f.CallbackDue), state(f.CallbackOverdue), stampText(f.RectificationDue), state(f.RectificationOverdue)})
		marked[[2]int{i, 9}] = f.CallbackOverdue
		marked[[2]int{i, 11}] = f.RectificationOverdue
	}
	return t, marked
}

func (s *StatsScreen) badSize() (int, int) { return len(s.badData.Rows) + 1, len(s.badData.Header) }

func (s *StatsScreen) badCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	l.TextStyle.Bold = id.Row == 0
	l.Importance = widget.MediumImportance
	switch {
	case id.Row == 0 && id.Col < len(s.badData.Header):
		l.SetText(s.badData.Header[id.Col])
	case id.Row > 0 && id.Row-1 < len(s.badData.Rows) && id.Col < len(s.badData.Rows[id.Row-1]):
		if s.badCells[[2]int{id.Row - 1, id.Col}] {
			l.Importance = widget.DangerImportance
			l.TextStyle.Bold = true
		}
		l.SetText(fmt.Sprint(s.badData.Rows[id.Row-1][id.Col]))
	default:
		l.SetText("")
	}
}

// drawChart draws one pair of bars per row: the median wait, and the 90th percentile behind it.
func (s *StatsScreen) drawChart() {
	var longest int64 = 60
	for _, r := range s.rows {
		longest = max(longest, r.Wait.P90)
	}
	const full = 420
	var objs []fyne.CanvasObject
	for i, r := range s.rows {
		label := s.data.Rows[i][1].(string) + " " + s.data.Rows[i][2].(string)
		p90 := canvas.NewRectangle(theme.Color(theme.ColorNameDisabled))
		p90.SetMinSize(fyne.NewSize(max(float32(r.Wait.P90)/float32(longest)*full, 2), 10))
		med := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
		med.SetMinSize(fyne.NewSize(max(float32(r.Wait.Median)/float32(longest)*full, 2), 10))
		bars := container.NewVBox(container.NewHBox(med), container.NewHBox(p90))
		text := lang.L("{{.M}} / {{.P}} min", map[string]any{"M": minutes(r.Wait.Median), "P": minutes(r.Wait.P90)})
		objs = append(objs, container.NewBorder(nil, nil, container.New(widgets.FixedWidth(220), widget.NewLabel(label)), widget.NewLabel(text), bars))
	}
	if len(objs) == 0 {
		objs = append(objs, widget.NewLabel(lang.L("No tickets on these days.")))
	}
	s.chart.Objects = objs
	s.chart.Refresh()
}

// Export writes the tables shown as CSV or xlsx: the statistics, then the 差评 with their
// follow-up deadlines (a second sheet in xlsx; below, after an empty row, in CSV). UI goroutine.
func (s *StatsScreen) Export(w io.Writer, format string) error {
	return writeTables(w, format, s.data, s.badData)
}

func writeTables(w io.Writer, format string, data, bad stats.Table) error {
	if format == "xlsx" {
		return stats.WriteXLSX(w, data, bad)
	}
	return stats.WriteCSV(w, data, bad)
}

func (s *StatsScreen) askExport(format string) {
	if len(s.data.Header) == 0 {
		s.status.SetText(lang.L("Show the statistics first."))
		return
	}
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		s.exportTo(wc, format)
	}, s.win)
	d.SetFileName(fmt.Sprintf("queue-%s-%s.%s", s.from.Text, s.to.Text, format))
	d.SetFilter(storage.NewExtensionFileFilter([]string{"." + format}))
	widgets.ShowFileDialog(s.win, d) // Esc cancels while the file name does not have the focus
}

// exportTo writes the tables shown now into the chosen file, off the UI goroutine; "Show" may
// put new tables on screen meanwhile (it replaces them, never changes them in place). UI goroutine.
func (s *StatsScreen) exportTo(wc fyne.URIWriteCloser, format string) {
	data, bad := s.data, s.badData
	async.Go(s.scope, time.Minute, func(context.Context) error {
		return errors.Join(writeTables(wc, format, data, bad), wc.Close())
	}, func(err error) {
		if err != nil {
			s.status.SetText(lang.L("Export failed: {{.E}}", map[string]any{"E": err.Error()}))
			return
		}
		s.status.SetText(lang.L("Exported to {{.F}}", map[string]any{"F": wc.URI().Name()}))
	})
}
