// Package console is a terminal transport for trying nhacviec without
// Telegram: people type as any member of a demo group, the bot's messages
// are printed, and a demo clock can be moved forward to see reminders,
// overdue notices and the morning digest.
package console

import (
	"bufio"
	"context"
	"fmt"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/calendar"
)

// Transport is the name under which console chats and people are stored.
const Transport = "console"

// Clock is the demo's settable time.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the demo time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Person is a demo member: Name is what one types before ">".
type Person struct {
	Name     string // also the username
	FullName string
	ID       string
	// NoButtons: the person's private chat has no buttons, as on Zalo
	// (ChatLimits): the bot says its buttons there as numbered choices,
	// and a number typed presses one. They are not seeded: they start
	// by typing /start, as a newcomer does.
	NoButtons bool
}

// Session is a console chat between demo people and the bot.
type Session struct {
	Bot interface {
		Handle(context.Context, bot.Update) error
	}
	Drain func(ctx context.Context) (int, error) // sends what is due
	// Tick runs the scheduler at a moment of the demo clock.
	Tick     func(ctx context.Context, now time.Time) error
	Clock    *Clock
	Calendar *calendar.Calendar
	People   []Person
	GroupID  string
	Group    string // the group's title
	Out      io.Writer
	// Files is the folder where the bot's documents and photos are
	// written ("": the current folder); their paths are printed.
	Files string
	// Extra are commands of the demo beyond the console's own, by what
	// is typed (":lichsu").
	Extra map[string]func(ctx context.Context) error
	// Echo prints each line read after its prompt, as a terminal would:
	// a script's run then reads as a transcript.
	Echo bool

	mu      sync.Mutex
	nextID  int // message ids, shared by people and bot as in a real chat
	update  int64
	buttons map[int][]string // message id → its buttons' data, in order
	labels  map[int][]string // message id → its buttons' texts, in order
	chat    map[int]string   // message id → chat id
	quiet   bool
	first   int // the number of the bot's first reply, for Help
}

var _ bot.Transport = (*Session)(nil)

// Limits are Telegram's, so that the demo merges and splits messages as
// the bot does there.
func (s *Session) Limits() bot.Limits {
	return bot.Limits{MaxText: 4096, MaxButtons: 100}
}

// ChatLimits are Zalo's in the private chat of a person without
// buttons (2,000 characters, no buttons), else Limits. It implements
// bot.ChatLimiter.
func (s *Session) ChatLimits(chatID string) bot.Limits {
	for _, p := range s.People {
		if p.NoButtons && p.ID == chatID {
			return bot.Limits{MaxText: 2000, MaxButtons: 0}
		}
	}
	return s.Limits()
}

// Send prints a bot message. It implements bot.Transport.
func (s *Session) Send(_ context.Context, m *nhacviec.Outgoing) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.quiet {
		s.nextID++
		return strconv.Itoa(s.nextID), nil
	}
	where := s.where(m.ChatExternalID)
	switch m.Kind {
	case nhacviec.KindAnswer:
		if m.Text == "" {
			return "", nil // a silent acknowledgement
		}
		fmt.Fprintf(s.Out, "  (bot báo trên nút, %s: %s)\n", where, m.Text)
		return "", nil
	case nhacviec.KindMenu:
		return "", nil // a terminal has no command menu
	case nhacviec.KindEdit:
		id, _ := strconv.Atoi(m.EditOf)
		had := s.labels[id]
		delete(s.buttons, id)
		delete(s.labels, id)
		left := s.keep(id, m.Buttons)
		switch {
		case len(left) > 0:
			fmt.Fprintf(s.Out, "  (tin [%s] còn nút %s)\n", m.EditOf, strings.Join(left, " "))
		case len(had) == 1:
			// Said as it was: the buttons were a ✅, a date or a name.
			fmt.Fprintf(s.Out, "  (bot bỏ nút %s khỏi tin [%s])\n", had[0], m.EditOf)
		case len(had) > 1:
			fmt.Fprintf(s.Out, "  (bot bỏ các nút dưới tin [%s])\n", m.EditOf)
		}
		return "", nil
	}
	s.nextID++
	id := s.nextID
	s.chat[id] = m.ChatExternalID
	text := m.Text
	if m.HTML {
		text = plain(text)
	}
	fmt.Fprintf(s.Out, "\n[%d] bot → %s:\n", id, where)
	if m.File != nil {
		if err := s.saveFile(m); err != nil {
			return "", err
		}
	}
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(s.Out, "    %s\n", line)
	}
	shown := s.keep(id, m.Buttons)
	switch {
	case len(shown) == 1:
		fmt.Fprintf(s.Out, "    [%s]  (bấm: <tên>> [%d])\n", m.Buttons[0][0].Text, id)
	case len(shown) > 1:
		fmt.Fprintf(s.Out, "    %s  (bấm: <tên>> [%d.1], <tên>> [%d.2] …)\n", strings.Join(shown, " "), id, id)
	}
	return strconv.Itoa(id), nil
}

// keep records the buttons of message id and returns them as shown:
// "[24.1 ✅ Xong]".
func (s *Session) keep(id int, rows [][]nhacviec.Button) []string {
	var shown []string
	for _, row := range rows {
		for _, b := range row {
			s.buttons[id] = append(s.buttons[id], b.Data)
			s.labels[id] = append(s.labels[id], b.Text)
			shown = append(shown, fmt.Sprintf("[%d.%d %s]", id, len(s.buttons[id]), b.Text))
		}
	}
	return shown
}

func (s *Session) where(chatID string) string {
	if chatID == s.GroupID {
		return "nhóm " + s.Group
	}
	for _, p := range s.People {
		if p.ID == chatID {
			return "riêng " + p.Name
		}
	}
	return chatID
}

var tags = regexp.MustCompile(`<[^>]*>`)

// plain renders the bot's HTML for a terminal.
func plain(s string) string { return html.UnescapeString(tags.ReplaceAllString(s, "")) }

// Seed introduces the demo people to the bot through its normal path:
// those with private set have opened a private chat (/start), the others
// have only spoken in the group; then the setup lines ("lead>> /donvi
// them ...") are typed. Nothing is printed.
func (s *Session) Seed(ctx context.Context, private map[string]bool, setup ...string) error {
	s.init()
	s.mu.Lock()
	s.quiet = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.quiet = false
		s.mu.Unlock()
	}()
	for _, p := range s.People {
		if p.NoButtons {
			continue
		}
		if err := s.say(ctx, p, false, "/start", 0, ""); err != nil {
			return err
		}
		if private[p.Name] {
			if err := s.say(ctx, p, true, "/start", 0, ""); err != nil {
				return err
			}
		}
	}
	for _, line := range setup {
		if _, err := s.Line(ctx, line); err != nil {
			return fmt.Errorf("%s: %w", line, err)
		}
	}
	_, err := s.Drain(ctx)
	return err
}

func (s *Session) init() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.buttons == nil {
		s.buttons, s.labels, s.chat = map[int][]string{}, map[int][]string{}, map[int]string{}
	}
}

// Help is the console's own usage. Its message numbers are those the
// demo gives when its first example is the first line typed: the bot's
// reply to it is message first.
func Help(first int) string {
	n := strconv.Itoa(first)
	return `Gõ như một thành viên, tên trước dấu ">":
  lead> /giao @an Báo cáo tuần hạn mai     (trong nhóm; gõ đầu tiên thì bot trả lời bằng tin [` + n + `])
  an>> /viec                               (chat riêng với bot: hai dấu ">")
  an> >` + n + ` xong                             (trả lời "xong" vào tin [` + n + `])
  an> [` + n + `.1]                               (bấm nút thứ nhất, ✅, dưới tin [` + n + `]; nút thứ hai: an> [` + n + `.2])
  lead> /giao @an Kế hoạch hạn 20/12 | kết quả: Kế hoạch trình ký | trọng tâm
                                           (" | " hoặc \n là xuống dòng: /giao ghi thêm mỗi mục một dòng)
  lead>> /giao                             (chat riêng: bot hỏi từng bước; bấm nút lead> [24.1],
                                            gõ câu trả lời lead>> Báo cáo tuần)
Lệnh của bản thử:
  :sau 1d, :sau 3h, :sau 30m     cho đồng hồ chạy tới (nhắc việc, quá hạn, điểm việc sáng sẽ hiện ra)
  :gio     xem giờ hiện tại       :ai     xem các thành viên
  :huongdan  xem lại hướng dẫn này   :thoat  thoát
  # ghi chú                      dòng bắt đầu bằng # được bỏ qua`
}

// Run reads lines from in until it ends or ":thoat".
func (s *Session) Run(ctx context.Context, in io.Reader) error {
	s.init()
	s.mu.Lock()
	// The first line typed is message nextID+1, the bot's reply the next.
	s.first = s.nextID + 2
	s.mu.Unlock()
	fmt.Fprintf(s.Out, "%s\n\nBây giờ là %s. Nhóm: %s. Thành viên: %s.\n", Help(s.first), s.stamp(), s.Group, s.names())
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for {
		if !s.Echo {
			fmt.Fprint(s.Out, "> ")
		}
		if !sc.Scan() {
			if !s.Echo {
				fmt.Fprintln(s.Out)
			}
			return sc.Err()
		}
		if line := strings.TrimSpace(sc.Text()); s.Echo && line != "" && !strings.HasPrefix(line, "#") {
			// The prompt and the line typed, as a terminal shows them;
			// a script's comments and blank lines are not typed.
			fmt.Fprintln(s.Out, "\n> "+line)
		}
		quit, err := s.Line(ctx, sc.Text())
		if err != nil {
			fmt.Fprintf(s.Out, "lỗi: %v\n", err)
		}
		if quit || ctx.Err() != nil {
			return nil
		}
	}
}

func (s *Session) names() string {
	var n []string
	for _, p := range s.People {
		if p.NoButtons {
			n = append(n, p.Name+" ("+p.FullName+"; chat riêng không có nút, như Zalo)")
			continue
		}
		n = append(n, p.Name+" ("+p.FullName+")")
	}
	return strings.Join(n, ", ")
}

func (s *Session) stamp() string {
	t := s.Clock.Now().In(s.Calendar.Location())
	return t.Format("15:04 ") + calendar.WeekdayName(t.Weekday()) + t.Format(" 02/01/2006")
}

// lineBreaks lets one typed line be a message of several lines, as a
// chat app sends them (a terminal ends a line at Enter): "\n" (a
// backslash and n) or " | " is a line break, in the console only.
var lineBreaks = strings.NewReplacer(`\n`, "\n", " | ", "\n")

var (
	linePattern   = regexp.MustCompile(`^\s*([\p{L}\d_]+)\s*(>>?)\s?(.*)$`)
	replyPattern  = regexp.MustCompile(`^>(\d+)\s+(.*)$`)
	buttonPattern = regexp.MustCompile(`^\[(\d+)(?:\.(\d+))?\]\s*$`)
)

// Line handles one typed line; it reports whether the session should end.
func (s *Session) Line(ctx context.Context, line string) (bool, error) {
	line = strings.TrimSpace(line)
	switch {
	case line == "", strings.HasPrefix(line, "#"):
		return false, nil // a script's comment
	case line == ":thoat" || line == ":quit":
		return true, nil
	case line == ":huongdan" || line == ":help":
		fmt.Fprintln(s.Out, Help(s.first))
		return false, nil
	case line == ":gio":
		fmt.Fprintln(s.Out, "Bây giờ là "+s.stamp())
		return false, nil
	case line == ":ai":
		fmt.Fprintln(s.Out, "Thành viên: "+s.names())
		return false, nil
	case strings.HasPrefix(line, ":sau"):
		d, err := parseDuration(strings.TrimSpace(strings.TrimPrefix(line, ":sau")))
		if err != nil {
			return false, err
		}
		return false, s.advance(ctx, d)
	case s.Extra[line] != nil:
		return false, s.Extra[line](ctx)
	case strings.HasPrefix(line, ":"):
		return false, fmt.Errorf("không có lệnh %s; gõ :huongdan", line)
	}
	m := linePattern.FindStringSubmatch(line)
	if m == nil {
		return false, fmt.Errorf("hãy gõ tên người trước dấu \">\", ví dụ: an> /viec")
	}
	p, ok := s.person(m[1])
	if !ok {
		return false, fmt.Errorf("không có thành viên %q; có: %s", m[1], s.names())
	}
	private, text := m[2] == ">>", m[3]
	if b := buttonPattern.FindStringSubmatch(text); b != nil {
		id, _ := strconv.Atoi(b[1])
		s.mu.Lock()
		chat := s.chat[id]
		s.mu.Unlock()
		if p.NoButtons && chat == p.ID {
			return false, fmt.Errorf("chat riêng của %s không có nút (như Zalo): trả lời bằng số, ví dụ: %s>> 1", p.Name, p.Name)
		}
		n := 1
		if b[2] != "" {
			n, _ = strconv.Atoi(b[2])
		}
		return false, s.press(ctx, p, id, n)
	}
	replyTo := 0
	if r := replyPattern.FindStringSubmatch(text); r != nil {
		replyTo, _ = strconv.Atoi(r[1])
		text = r[2]
		s.mu.Lock()
		chat, known := s.chat[replyTo]
		s.mu.Unlock()
		if !known {
			return false, fmt.Errorf("không có tin [%d] của bot", replyTo)
		}
		private = chat != s.GroupID
	}
	if err := s.say(ctx, p, private, lineBreaks.Replace(text), replyTo, ""); err != nil {
		return false, err
	}
	_, err := s.Drain(ctx)
	return false, err
}

func (s *Session) person(name string) (Person, bool) {
	for _, p := range s.People {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Person{}, false
}

// say hands the bot a message (or, with callback data, a button press).
func (s *Session) say(ctx context.Context, p Person, private bool, text string, replyTo int, data string) error {
	s.mu.Lock()
	s.nextID++
	s.update++
	u := bot.Update{Transport: Transport, ID: s.update, MessageID: strconv.Itoa(s.nextID), Text: text,
		From: &bot.User{ID: p.ID, Username: p.Name, Name: p.FullName}}
	if private {
		u.ChatID, u.ChatKind = p.ID, nhacviec.ChatPrivate
	} else {
		u.ChatID, u.ChatKind, u.ChatTitle = s.GroupID, nhacviec.ChatGroup, s.Group
	}
	if replyTo > 0 {
		u.ReplyTo = strconv.Itoa(replyTo)
	}
	u.Document = document(text)
	if data != "" {
		u.Text, u.MessageID = "", ""
		u.Callback = &bot.Callback{ID: "cb" + strconv.FormatInt(s.update, 10), Data: data, MessageID: strconv.Itoa(replyTo)}
		if c := s.chat[replyTo]; c != s.GroupID {
			u.ChatID, u.ChatKind, u.ChatTitle = c, nhacviec.ChatPrivate, ""
		}
	}
	s.mu.Unlock()
	return s.Bot.Handle(ctx, u)
}

// press presses the n-th button (from 1) under message id.
func (s *Session) press(ctx context.Context, p Person, id, n int) error {
	s.mu.Lock()
	all := s.buttons[id]
	s.mu.Unlock()
	if n < 1 || n > len(all) {
		return fmt.Errorf("tin [%d] không có nút %d để bấm", id, n)
	}
	data := all[n-1]
	if err := s.say(ctx, p, false, "", id, data); err != nil {
		return err
	}
	_, err := s.Drain(ctx)
	return err
}

// step is how finely the demo clock moves, so that every reminder and
// digest shows up at its own time.
const step = 15 * time.Minute

// advance moves the clock forward by d, running the scheduler and the
// sender at each step and printing the time whenever the bot speaks.
func (s *Session) advance(ctx context.Context, d time.Duration) error {
	end := s.Clock.Now().Add(d)
	for now := s.Clock.Now(); now.Before(end); {
		now = now.Add(step)
		if now.After(end) {
			now = end
		}
		s.Clock.Set(now)
		if err := s.Tick(ctx, now); err != nil {
			return err
		}
		var buf strings.Builder
		out := s.Out
		s.mu.Lock()
		s.Out = &buf
		s.mu.Unlock()
		_, err := s.Drain(ctx)
		s.mu.Lock()
		s.Out = out
		s.mu.Unlock()
		if buf.Len() > 0 {
			fmt.Fprintf(out, "\n──── %s ────%s", s.stamp(), buf.String())
		}
		if err != nil {
			return err
		}
	}
	fmt.Fprintf(s.Out, "Bây giờ là %s.\n", s.stamp())
	return nil
}

// parseDuration reads "1d", "3h", "30m", "1d2h".
func parseDuration(s string) (time.Duration, error) {
	re := regexp.MustCompile(`(\d+)\s*([dhm])`)
	parts := re.FindAllStringSubmatch(s, -1)
	if len(parts) == 0 || strings.TrimSpace(re.ReplaceAllString(s, "")) != "" {
		return 0, fmt.Errorf("không hiểu khoảng thời gian %q; ví dụ: :sau 1d, :sau 3h, :sau 30m", s)
	}
	var d time.Duration
	unit := map[string]time.Duration{"d": 24 * time.Hour, "h": time.Hour, "m": time.Minute}
	for _, p := range parts {
		n, _ := strconv.Atoi(p[1])
		d += time.Duration(n) * unit[p[2]]
	}
	if d <= 0 || d > 60*24*time.Hour {
		return 0, fmt.Errorf("khoảng thời gian phải từ 1 phút đến 60 ngày")
	}
	return d, nil
}
