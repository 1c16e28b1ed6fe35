package bot

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// One person, two apps: /lienket in one app gives a code that, sent to
// the bot in the other app, makes both accounts one person (the store's
// LinkTx: tasks, roles and history of both are the person's). Messages
// to the person go to the app of their last private message, or to the
// one they chose (/caidat kenh).
//
//	/lienket          a code, ten minutes, one use (in private only)
//	/lienket MÃ       in the other app: link (or the code alone, in private)

// linkTTL is how long a link code may be used.
const linkTTL = 10 * time.Minute

// linkAlphabet leaves out letters and digits read one for another (0/O,
// 1/I/L): a code is read on one phone and typed on another. Eight of
// them are about 8·10¹¹ codes, out of reach of guessing in ten minutes.
const linkAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

const linkLen = 8

// linkCodeRE is a code as typed: the letters in any case, with a space or
// a dash in the middle.
var linkCodeRE = regexp.MustCompile(`^[A-Za-z2-9]{4}[ -]?[A-Za-z2-9]{4}$`)

// normalLinkCode is the stored form of a typed code, or "" when it is not
// one.
func normalLinkCode(s string) string {
	s = strings.TrimSpace(s)
	if !linkCodeRE.MatchString(s) {
		return ""
	}
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(s))
	for _, r := range s {
		if !strings.ContainsRune(linkAlphabet, r) {
			return ""
		}
	}
	return s
}

func newLinkCode() (string, error) {
	var raw [linkLen]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	b := make([]byte, linkLen)
	for i, x := range raw {
		// 256 is not a multiple of 31: the first letters come a little
		// more often, which costs well under a bit of the code's 39.
		b[i] = linkAlphabet[int(x)%len(linkAlphabet)]
	}
	return string(b), nil
}

func (c *conv) link(args string) error {
	if c.chat.Kind != nhacviec.ChatPrivate {
		return nhacviec.Errorf(nhacviec.EInvalid, textLinkPrivate, esc(c.botName()))
	}
	if args = strings.TrimSpace(args); args == "" {
		return c.giveLinkCode()
	}
	code := normalLinkCode(args)
	if code == "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textLinkBadCode, esc(clip(args, maxEcho)))
	}
	return c.useLinkCode(code)
}

func (c *conv) giveLinkCode() error {
	lc := &nhacviec.LinkCode{PersonID: c.me.ID, Transport: c.u.Transport, ExpiresAt: c.now.Add(linkTTL)}
	for {
		var err error
		if lc.Code, err = newLinkCode(); err != nil {
			return err
		}
		err = c.tx.CreateLinkCode(lc)
		if nhacviec.ErrorCode(err) != nhacviec.EConflict {
			if err != nil {
				return err
			}
			break
		}
	}
	shown := lc.Code[:4] + "-" + lc.Code[4:]
	return c.say(fmt.Sprintf(textLinkCode, shown, lc.ExpiresAt.In(c.Calendar.Location()).Format("15:04"), esc(c.otherApps()), shown))
}

// otherApps names the apps other than this update's that the bot runs
// on: "Zalo", or "ứng dụng kia" when it does not know them.
func (c *conv) otherApps() string {
	var names []string
	for _, t := range c.transportNames() {
		if t != c.u.Transport {
			names = append(names, appName(t))
		}
	}
	if len(names) == 0 {
		return textOtherApp
	}
	return strings.Join(names, ", ")
}

func (c *conv) useLinkCode(code string) error {
	lc, err := c.tx.LinkCode(code)
	switch {
	case nhacviec.ErrorCode(err) == nhacviec.ENotFound:
		return nhacviec.Errorf(nhacviec.EInvalid, textLinkUnknown)
	case err != nil:
		return err
	case !lc.UsedAt.IsZero():
		return nhacviec.Errorf(nhacviec.EInvalid, textLinkUsed)
	case !c.now.Before(lc.ExpiresAt):
		return nhacviec.Errorf(nhacviec.EInvalid, textLinkExpired)
	case lc.PersonID == c.me.ID:
		if lc.Transport == c.u.Transport {
			return nhacviec.Errorf(nhacviec.EInvalid, textLinkSameApp, esc(appName(c.u.Transport)))
		}
		if err := c.tx.UseLinkCode(code, c.me.ID); err != nil {
			return err
		}
		return c.say(textLinkAlready)
	case lc.Transport == c.u.Transport:
		// Two accounts of one app are not one person's: a code seen
		// over someone's shoulder must not join their accounts.
		return nhacviec.Errorf(nhacviec.EInvalid, textLinkSameApp, esc(appName(c.u.Transport)))
	}
	// Nor may a link give one person two accounts of one app, through
	// an account linked before.
	if app, err := c.sharedApp(lc.PersonID, c.me.ID); err != nil {
		return err
	} else if app != "" {
		return nhacviec.Errorf(nhacviec.EInvalid, textLinkAppTaken, esc(appName(app)))
	}
	if err := c.tx.UseLinkCode(code, c.me.ID); err != nil {
		return err
	}
	// The older person is kept: their id is in more rows.
	keep, merge := lc.PersonID, c.me.ID
	if merge < keep {
		keep, merge = merge, keep
	}
	if err := c.tx.LinkPeople(keep, merge); err != nil {
		return err
	}
	// This message, from this app, is the person's last private one
	// (EnsurePerson records it for a linked account).
	again := &nhacviec.Person{Transport: c.me.Transport, ExternalID: c.me.ExternalID, Username: c.me.Username,
		DisplayName: c.me.DisplayName, PrivateChatID: c.chat.ID}
	if err := c.tx.EnsurePerson(again); err != nil {
		return err
	}
	c.me.ID, c.me.Linked, c.stand = keep, true, nil
	p, err := c.tx.Person(keep)
	if err != nil {
		return err
	}
	accounts, err := c.tx.Accounts(keep)
	if err != nil {
		return err
	}
	// The account that gave the code learns it was used, in its app.
	for _, a := range accounts {
		if a.Transport == lc.Transport && a.PrivateChatID != 0 {
			if _, err := c.tx.Enqueue(&nhacviec.Message{ChatID: a.PrivateChatID, Kind: nhacviec.KindNotice, HTML: true,
				Text: fmt.Sprintf(textLinkDoneOther, esc(appName(c.u.Transport)), esc(c.u.From.Name))}); err != nil {
				return err
			}
		}
	}
	if err := c.updateMenu(p); err != nil {
		return err
	}
	apps, err := c.apps(keep)
	if err != nil {
		return err
	}
	return c.say(fmt.Sprintf(textLinkDone, esc(apps), esc(appName(c.u.Transport))))
}

// apps lists the apps of a person's accounts: "Telegram (@an), Zalo
// (Nguyễn Văn An)".
func (c *conv) apps(personID int64) (string, error) {
	accounts, err := c.tx.Accounts(personID)
	if err != nil {
		return "", err
	}
	var out []string
	for _, a := range accounts {
		out = append(out, appName(a.Transport)+" ("+a.Mention()+")")
	}
	return strings.Join(out, ", "), nil
}

// linkCodeAlone takes a private message that is a link code alone as
// "/lienket MÃ"; it reports whether it was one.
func (c *conv) linkCodeAlone(text string) (bool, error) {
	if c.chat.Kind != nhacviec.ChatPrivate {
		return false, nil
	}
	code := normalLinkCode(text)
	if code == "" {
		return false, nil
	}
	if _, err := c.tx.LinkCode(code); nhacviec.ErrorCode(err) == nhacviec.ENotFound {
		return false, nil // a word of eight letters, not a code
	} else if err != nil {
		return false, err
	}
	return true, c.useLinkCode(code)
}

// channel: /caidat kenh [zalo|telegram|tudong] sets or shows the app a
// linked person is written to.
func (c *conv) channel(args string) error {
	accounts, err := c.tx.Accounts(c.me.ID)
	if err != nil {
		return err
	}
	me, err := c.tx.Person(c.me.ID)
	if err != nil {
		return err
	}
	word := calendar.Fold(strings.TrimSpace(args))
	if word == "" {
		return c.say(c.channelText(me, accounts))
	}
	if word == "tudong" || word == "tu dong" || word == "auto" {
		if err := c.tx.SetChannel(me.ID, ""); err != nil {
			return err
		}
		me.Channel = ""
		return c.say(c.channelText(me, accounts))
	}
	for _, a := range accounts {
		if calendar.Fold(a.Transport) == word {
			if a.PrivateChatID == 0 {
				return nhacviec.Errorf(nhacviec.EInvalid, textChannelNoChat, esc(appName(a.Transport)))
			}
			if err := c.tx.SetChannel(me.ID, a.Transport); err != nil {
				return err
			}
			me.Channel = a.Transport
			return c.say(c.channelText(me, accounts))
		}
	}
	return nhacviec.Errorf(nhacviec.EInvalid, textChannelUnknown, esc(clip(args, maxEcho)), esc(c.appList(accounts)))
}

// channelShown is channel's answer without arguments.
func (c *conv) channelShown() (string, error) {
	accounts, err := c.tx.Accounts(c.me.ID)
	if err != nil {
		return "", err
	}
	me, err := c.tx.Person(c.me.ID)
	if err != nil {
		return "", err
	}
	return c.channelText(me, accounts), nil
}

func (c *conv) appList(accounts []*nhacviec.Person) string {
	var names []string
	for _, a := range accounts {
		names = append(names, strings.ToLower(a.Transport))
	}
	return strings.Join(names, "|")
}

// channelText says where a person's reminders go.
func (c *conv) channelText(me *nhacviec.Person, accounts []*nhacviec.Person) string {
	if len(accounts) < 2 {
		return fmt.Sprintf(textChannelSingle, esc(appName(me.Transport)), esc(c.otherApps()))
	}
	if me.Channel != "" {
		return fmt.Sprintf(textChannelChosen, esc(appName(me.Channel)), esc(c.appList(accounts)))
	}
	return fmt.Sprintf(textChannelLast, esc(c.appList(accounts)))
}

// appName is how people call a transport: "Telegram", "Zalo".
func appName(transport string) string {
	if transport == "" {
		return ""
	}
	return strings.ToUpper(transport[:1]) + transport[1:]
}

const (
	textLinkPrivate    = "Liên kết tài khoản làm trong chat riêng với bot, để mã không lộ trong nhóm. Nhắn riêng cho @%s: /lienket"
	textLinkBadCode    = "\"%s\" không phải mã liên kết. Mã gồm 8 chữ và số, ví dụ: /lienket K7MQ-9XD2. Lấy mã: gõ /lienket ở ứng dụng kia."
	textLinkCode       = "🔗 Mã liên kết: <b>%s</b> (dùng một lần, hết hạn lúc %s).\nMở bot trên %s và gửi:\n/lienket %s\nHai tài khoản sẽ là một người: việc, vai trò và lịch sử gộp làm một. Đừng đưa mã cho người khác."
	textOtherApp       = "ứng dụng kia"
	textLinkUnknown    = "Mã liên kết không đúng. Kiểm tra lại mã, hoặc gõ /lienket ở ứng dụng kia để lấy mã mới. Ví dụ: /lienket K7MQ-9XD2"
	textLinkUsed       = "Mã này đã được dùng rồi: mỗi mã dùng một lần. Gõ /lienket ở ứng dụng kia để lấy mã mới."
	textLinkExpired    = "Mã này đã hết hạn (mã dùng được 10 phút). Gõ /lienket ở ứng dụng kia để lấy mã mới."
	textLinkAppTaken   = "Không liên kết được: cả hai bên đều đã có tài khoản %s. Mỗi người chỉ có một tài khoản trên mỗi ứng dụng."
	textLinkSameApp    = "Mã này phải gửi từ ứng dụng kia, không phải từ %s: mã liên kết nối tài khoản của hai ứng dụng khác nhau."
	textLinkAlready    = "Hai tài khoản này đã là một người rồi. Xem nơi nhận nhắc việc: /caidat kenh"
	textLinkDone       = "✅ Đã liên kết: %s là một người. Việc, vai trò và lịch sử của cả hai nay là một.\nNhắc việc gửi tới ứng dụng bạn nhắn riêng cho bot gần nhất (bây giờ: %s). Chọn cố định: /caidat kenh"
	textLinkDoneOther  = "🔗 Tài khoản này vừa được liên kết với tài khoản %s (%s). Nếu không phải bạn làm, hãy báo ngay quản trị viên."
	textChannelNoChat  = "Tài khoản %s của bạn chưa mở chat riêng với bot (hoặc đã chặn bot): hãy nhắn cho bot trên %[1]s trước."
	textChannelUnknown = "Không có kênh \"%s\". Chọn: /caidat kenh %s (hoặc tudong: ứng dụng nhắn riêng gần nhất)."
	textChannelSingle  = "📱 Nhắc việc gửi tới %s. Dùng cả %s? Gõ /lienket để liên kết hai tài khoản, rồi chọn nơi nhận: /caidat kenh"
	textChannelChosen  = "📱 Nhắc việc gửi tới %s (bạn chọn). Đổi: /caidat kenh %s — hoặc /caidat kenh tudong: ứng dụng nhắn riêng gần nhất."
	textChannelLast    = "📱 Nhắc việc gửi tới ứng dụng bạn nhắn riêng cho bot gần nhất. Chọn cố định: /caidat kenh %s"
)

// sharedApp is an app on which both people have an account ("" if
// none).
func (c *conv) sharedApp(a, b int64) (string, error) {
	as, err := c.tx.Accounts(a)
	if err != nil {
		return "", err
	}
	bs, err := c.tx.Accounts(b)
	if err != nil {
		return "", err
	}
	for _, x := range as {
		for _, y := range bs {
			if x.Transport == y.Transport {
				return x.Transport, nil
			}
		}
	}
	return "", nil
}
