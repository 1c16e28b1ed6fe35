package zalo_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/zalo"
	"github.com/nhacviec/nhacviec/bot/zalo/zalotest"
)

const token = "1234567890:SeCrEtZaLoToKeN"

var (
	an  = zalotest.User{ID: "a1b2c3", DisplayName: "Nguyễn Văn An"}
	chi = zalotest.User{ID: "c4d5e6", DisplayName: "Trần Thị Chi"}
)

// syncBuf is a log sink safe for the adapter's goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newZalo(t *testing.T, publish func(context.Context, string, string, []byte) (string, error)) (*zalo.Zalo, *zalotest.Server, *syncBuf) {
	t.Helper()
	srv := zalotest.New(token)
	t.Cleanup(srv.Close)
	srv.SetMaxPoll(50 * time.Millisecond)
	logs := &syncBuf{}
	z, err := zalo.New(context.Background(), zalo.Config{Token: token, APIURL: srv.URL(), Log: zerolog.New(logs),
		PollTimeout: time.Second, Publish: publish})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), token) {
			t.Errorf("the token is in the logs: %s", logs.String())
		}
	})
	return z, srv, logs
}

// handler records updates; it fails the first fail calls.
type handler struct {
	mu   sync.Mutex
	got  []bot.Update
	fail int
	seen chan struct{}
}

func newHandler() *handler { return &handler{seen: make(chan struct{}, 100)} }

func (h *handler) Handle(_ context.Context, u bot.Update) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail > 0 {
		h.fail--
		return errors.New("database is locked")
	}
	h.got = append(h.got, u)
	h.seen <- struct{}{}
	return nil
}

func (h *handler) wait(t *testing.T, n int) []bot.Update {
	t.Helper()
	for range n {
		select {
		case <-h.seen:
		case <-time.After(5 * time.Second):
			t.Fatalf("waited for %d updates", n)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Update(nil), h.got...)
}

func TestGetMe(t *testing.T) {
	srv := zalotest.New(token)
	defer srv.Close()
	for _, can := range []bool{false, true} {
		srv.SetCanJoinGroups(can)
		z, err := zalo.New(context.Background(), zalo.Config{Token: token, APIURL: srv.URL()})
		if err != nil || z.CanJoinGroups() != can || z.ID() != zalotest.BotID || z.Name() == "" {
			t.Fatalf("getMe: can_join_groups %v: %v %v %q", can, z.CanJoinGroups(), err, z.Name())
		}
	}
	_, err := zalo.New(context.Background(), zalo.Config{Token: "wrong", APIURL: srv.URL()})
	var apiErr *zalo.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 401 {
		t.Fatalf("a wrong token: %v", err)
	}
}

// Polling: one update per getUpdates, each mapped; 408s are quiet; an
// update whose handling fails is tried again, not lost.
func TestPollMapsEventsAndRetriesFailedUpdates(t *testing.T) {
	z, srv, logs := newZalo(t, nil)
	h := newHandler()
	h.fail = 2
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { z.Run(ctx, h); close(done) }()
	defer func() { cancel(); <-done }()

	id := srv.Text(an, zalotest.Private(an), "/start")
	group := zalotest.Chat{ID: "g777", Group: true}
	srv.Text(chi, group, "/viec")
	srv.Sticker(an, zalotest.Private(an))
	srv.Image(an, zalotest.Private(an), "/thongke")
	srv.Text(zalotest.User{ID: zalotest.BotID, DisplayName: "Bot"}, group, "echo") // the bot's own
	got := h.wait(t, 5)
	u := got[0]
	if u.Transport != zalo.Transport || u.ID != 0 || !u.ClaimMessage || u.MessageID != id || u.ChatID != an.ID ||
		u.ChatKind != nhacviec.ChatPrivate || u.Text != "/start" || u.From == nil ||
		*u.From != (bot.User{ID: an.ID, Username: "", Name: "Nguyễn Văn An"}) {
		t.Errorf("text in private: %+v", u)
	}
	if u := got[1]; u.ChatKind != nhacviec.ChatGroup || u.ChatID != "g777" || u.From.ID != chi.ID || u.Text != "/viec" {
		t.Errorf("text in a group: %+v", u)
	}
	if u := got[2]; u.Text != "" || u.From == nil || u.MessageID == "" {
		t.Errorf("sticker: %+v", u)
	}
	if u := got[3]; u.Text != "/thongke" {
		t.Errorf("image with a caption: %+v", u)
	}
	if u := got[4]; u.From != nil {
		t.Errorf("the bot's own message came as a person's: %+v", u)
	}
	// Quiet polls time out with 408: counted, not logged as failures.
	deadline := time.Now().Add(5 * time.Second)
	for srv.Stats().Polls408 < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if srv.Stats().Polls408 < 2 || strings.Contains(logs.String(), "polling failed") {
		t.Errorf("408s: %d; logs: %s", srv.Stats().Polls408, logs.String())
	}
	if !strings.Contains(logs.String(), "trying again") || z.LastPoll().IsZero() {
		t.Errorf("the failed update was not tried again: %s", logs.String())
	}
	if srv.Pending() != 0 {
		t.Errorf("%d updates left", srv.Pending())
	}
}

// 5xx and dropped connections on getUpdates are retried with backoff.
func TestPollSurvivesServerErrors(t *testing.T) {
	z, srv, logs := newZalo(t, nil)
	h := newHandler()
	srv.FailNext("getUpdates", 1, zalotest.Fault{Code: 502})
	srv.Text(an, zalotest.Private(an), "/viec")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { z.Run(ctx, h); close(done) }()
	got := h.wait(t, 1)
	cancel()
	<-done
	if got[0].Text != "/viec" || !strings.Contains(logs.String(), "polling failed") {
		t.Errorf("%+v; %s", got, logs.String())
	}
}

func out(kind nhacviec.MessageKind, chat, text string, html bool) *nhacviec.Outgoing {
	m := &nhacviec.Outgoing{Transport: zalo.Transport, ChatExternalID: chat}
	m.Kind, m.Text, m.HTML = kind, text, html
	return m
}

func TestSendRendersPlainText(t *testing.T) {
	z, srv, _ := newZalo(t, nil)
	ctx := context.Background()
	id, err := z.Send(ctx, out(nhacviec.KindReply, an.ID, "<b>Việc #12</b> &lt;Báo cáo&gt; &amp; <i>hạn</i> 20/12\n<code>/xong 12</code>", true))
	if err != nil || id == "" {
		t.Fatal(id, err)
	}
	if got := srv.TextsTo(an.ID); len(got) != 1 || got[0] != "Việc #12 <Báo cáo> & hạn 20/12\n/xong 12" {
		t.Fatalf("sent %q", got)
	}
	// Not HTML: as is.
	z.Send(ctx, out(nhacviec.KindReply, an.ID, "a <b> &amp;", false))
	if got := srv.TextsTo(an.ID); got[1] != "a <b> &amp;" {
		t.Errorf("plain text changed: %q", got[1])
	}
	// What Zalo cannot do is done at once, sending nothing.
	before := srv.Stats().Requests
	for _, k := range []nhacviec.MessageKind{nhacviec.KindAnswer, nhacviec.KindEdit, nhacviec.KindMenu} {
		if id, err := z.Send(ctx, out(k, an.ID, "x", false)); id != "" || err != nil {
			t.Errorf("%s: %q %v", k, id, err)
		}
	}
	if after := srv.Stats().Requests; after["sendMessage"] != before["sendMessage"] {
		t.Errorf("answers, edits or menus were sent")
	}
}

func TestLimitsCountTheRenderedText(t *testing.T) {
	z, _, _ := newZalo(t, nil)
	lim := z.Limits()
	if lim.MaxText != 2000 || lim.MaxButtons != 0 {
		t.Fatalf("%+v", lim)
	}
	if n := lim.Length("<b>Hạn</b> &lt;x&gt; 😀"); n != len([]rune("Hạn <x> "))+2 {
		t.Errorf("length %d", n)
	}
	// A text the sender split by these limits fits, even full of tags.
	long := strings.Repeat("<b>Việc</b> &amp; hạn\n", 300)
	for _, part := range bot.Split(long, lim.MaxText, lim.Length) {
		if lim.Length(part) > 2000 {
			t.Fatalf("part of %d", lim.Length(part))
		}
	}
}

func TestSendFiles(t *testing.T) {
	ctx := context.Background()
	xlsx := &nhacviec.File{Name: "thongke-2026-11.xlsx", Data: []byte("PK\x03\x04")}
	png := &nhacviec.File{Name: "bieudo.png", Data: []byte("\x89PNG\r\n\x1a\n")}
	// No links: a text says where to get the file.
	z, srv, _ := newZalo(t, nil)
	m := out(nhacviec.KindDocument, an.ID, "<b>Thống kê tháng 11</b>", true)
	m.File = xlsx
	if _, err := z.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got := srv.TextsTo(an.ID); len(got) != 1 || !strings.HasPrefix(got[0], "Thống kê tháng 11\n") || !strings.Contains(got[0], "Telegram") {
		t.Errorf("without links: %q", got)
	}
	// With links: a document is a text with its link, a photo goes by URL.
	var published []string
	z, srv, _ = newZalo(t, func(_ context.Context, name, mime string, body []byte) (string, error) {
		published = append(published, name+" "+mime)
		return "https://nhacviec.example/t/abc" + name, nil
	})
	if _, err := z.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	p := out(nhacviec.KindPhoto, an.ID, "Biểu đồ", false)
	p.File = png
	if _, err := z.Send(ctx, p); err != nil {
		t.Fatal(err)
	}
	sent := srv.SentTo(an.ID)
	if len(sent) != 2 || sent[0].Method != "sendMessage" || !strings.Contains(sent[0].Text, "https://nhacviec.example/t/abcthongke-2026-11.xlsx") ||
		sent[1].Method != "sendPhoto" || sent[1].Photo != "https://nhacviec.example/t/abcbieudo.png" || sent[1].Caption != "Biểu đồ" {
		t.Errorf("sent %+v", sent)
	}
	if len(published) != 2 || !strings.Contains(published[0], "spreadsheetml") || !strings.Contains(published[1], "image/png") {
		t.Errorf("published %q", published)
	}
	// A link that cannot be made now is tried again.
	z, _, _ = newZalo(t, func(context.Context, string, string, []byte) (string, error) { return "", errors.New("disk full") })
	var se *bot.SendError
	if _, err := z.Send(ctx, p); !errors.As(err, &se) || !se.Temporary {
		t.Errorf("publish failing: %v", err)
	}
}

// Failures become the sender's kinds, none with the token in it.
func TestSendErrorsAreClassifiedAndRedacted(t *testing.T) {
	z, srv, _ := newZalo(t, nil)
	ctx := context.Background()
	cases := []struct {
		fault zalotest.Fault
		check func(*bot.SendError) bool
	}{
		{zalotest.Fault{Code: 500}, func(se *bot.SendError) bool { return se != nil && se.Temporary }},
		{zalotest.Fault{Code: 0}, func(se *bot.SendError) bool { return se != nil && se.Temporary }},
		{zalotest.Fault{Code: 429, Description: "Quota exceeded"}, func(se *bot.SendError) bool { return se != nil && se.RetryAfter > 0 }},
		{zalotest.Fault{Code: 403, Description: "Internal server error"}, func(se *bot.SendError) bool { return se != nil && se.Temporary && !se.Forbidden }},
		{zalotest.Fault{Code: 404}, func(se *bot.SendError) bool { return se != nil && se.Forbidden }},
		{zalotest.Fault{Code: 400}, func(se *bot.SendError) bool { return se == nil }},
	}
	for _, c := range cases {
		srv.FailNext("sendMessage", 1, c.fault)
		_, err := z.Send(ctx, out(nhacviec.KindReply, an.ID, "x", false))
		var se *bot.SendError
		errors.As(err, &se)
		if err == nil || !c.check(se) {
			t.Errorf("%d: %v (%+v)", c.fault.Code, err, se)
		}
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("%d: token in %q", c.fault.Code, err)
		}
	}
	// Zalo's own refusal of a text over 2,000 characters.
	_, err := z.Send(ctx, out(nhacviec.KindReply, an.ID, strings.Repeat("ạ", 2001), false))
	if err == nil || !strings.Contains(err.Error(), "2000") {
		t.Errorf("a text too long: %v", err)
	}
	// A network error carries the URL, token and all, until redacted.
	srv.Close()
	_, err = z.Send(ctx, out(nhacviec.KindReply, an.ID, "x", false))
	var se *bot.SendError
	if !errors.As(err, &se) || !se.Temporary || strings.Contains(err.Error(), token) || !strings.Contains(err.Error(), "<token>") {
		t.Errorf("network error: %v", err)
	}
}

func TestWebhook(t *testing.T) {
	z, srv, _ := newZalo(t, nil)
	h := newHandler()
	h.fail = 1
	const secret = "s3cret-s3cret"
	hook := httptest.NewServer(z.WebhookHandler(h, secret))
	defer hook.Close()
	// Without the secret: refused, never handled.
	resp, err := http.Post(hook.URL, "application/json", strings.NewReader(`{"event_name":"message.text.received","message":{"message_id":"x","chat":{"id":"c"},"from":{"id":"p"}}}`))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("no secret: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := z.SetWebhook(context.Background(), hook.URL, secret); err != nil {
		t.Fatal(err)
	}
	srv.Text(an, zalotest.Private(an), "/start")
	got := h.wait(t, 1) // the first delivery failed (500) and came again
	if got[0].Text != "/start" || got[0].From.Name != an.DisplayName || !got[0].ClaimMessage {
		t.Errorf("%+v", got[0])
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.Delivered() < 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if srv.Delivered() != 1 || srv.Pending() != 0 || z.LastPoll().IsZero() {
		t.Errorf("delivered %d, pending %d", srv.Delivered(), srv.Pending())
	}
}

func FuzzPlain(f *testing.F) {
	for _, s := range []string{"<b>x</b>", "&lt;b&gt;", `<a href="https://x">y</a>`, "<pre>a\nb</pre>", "a < b > c", "&amp;amp;", "<b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := zalo.Plain(s)
		if !strings.ContainsAny(s, "<&") && p != s {
			t.Fatalf("%q became %q", s, p)
		}
		if zalo.Length(s) != zalo.Length(s) || zalo.Length(s) < 0 {
			t.Fatal("length")
		}
	})
}
