package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/nhacviec/nhacviec/bot"
)

// runScript runs the demo with -script on lines and returns the
// transcript.
func runScript(t *testing.T, lines ...string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "script.txt")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return runScriptFile(t, file)
}

func runScriptFile(t *testing.T, file string) string {
	t.Helper()
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	file = abs
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Getenv: env(nil)}
	inTempDir(t, func() {
		if err := m.Run(context.Background(), []string{"demo", "-script", file}); err != nil {
			t.Fatal(err)
		}
	})
	return out.String()
}

// noConsoleErrors fails on what the demo says when a line could not be
// typed ("lỗi: …") or the bot knew no such command.
func noConsoleErrors(t *testing.T, transcript string) {
	t.Helper()
	for _, line := range strings.Split(transcript, "\n") {
		// Typed at a prompt, the error follows it on the same line.
		if strings.HasPrefix(strings.TrimLeft(line, "> "), "lỗi:") || strings.Contains(line, "Không có lệnh") {
			t.Errorf("the demo said %q", line)
		}
	}
}

// -script types a file's lines and prints each after its prompt, so that
// the output reads as a transcript; comments and blank lines are skipped.
func TestDemoScriptPrintsTheTranscript(t *testing.T) {
	got := runScript(t, "# giao việc", "", "lead> /giao @an Báo cáo tuần hạn mai", "an>> /viec")
	for _, want := range []string{
		"> lead> /giao @an Báo cáo tuần hạn mai\n\n[34] bot → nhóm Phòng Tổng hợp:\n    📌 Đã giao việc #1 cho @an",
		"> an>> /viec\n\n[37] bot → riêng an:\n    Việc của bạn (1)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the transcript lacks %q", want)
		}
	}
	if strings.Contains(got, "# giao việc") {
		t.Error("a comment was echoed")
	}
	noConsoleErrors(t, got)
	if t.Failed() {
		t.Log(got)
	}
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Getenv: env(nil)}
	if err := m.Run(context.Background(), []string{"demo", "-script", filepath.Join(t.TempDir(), "none.txt")}); err == nil {
		t.Error("a missing script was accepted")
	}
	if err := m.Run(context.Background(), []string{"backup", "-script", "x", "y"}); err == nil {
		t.Error("-script was accepted outside the demo")
	}
}

// The demo starts on the same day whenever it is run, so the walkthroughs
// of the README and the guide print what they show; -clock moves it.
func TestDemoStartsOnAFixedDay(t *testing.T) {
	got := runScript(t, ":gio")
	if !strings.Contains(got, "Bây giờ là 09:00 Thứ Hai 23/11/2026.") {
		t.Errorf("the demo does not start at 09:00 Monday 23/11/2026:\n%s", got)
	}
	file := filepath.Join(t.TempDir(), "s.txt")
	os.WriteFile(file, []byte(":gio\n"), 0o600)
	var out bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out, Getenv: env(nil)}
	if err := m.Run(context.Background(), []string{"demo", "-clock", "2027-03-01T08:00:00+07:00", "-script", file}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Bây giờ là 08:00 Thứ Hai 01/03/2027.") {
		t.Errorf("-clock did not move the demo's start:\n%s", out.String())
	}
}

// bannerExample is an example line of the demo's banner: what to type,
// before its explanation in parentheses.
var bannerExample = regexp.MustCompile(`(?m)^  ([a-z]+>>? .*?)\s{2,}\(`)

// The banner's examples, typed in its order, all work: their message
// numbers are the demo's.
func TestDemoBannerExamplesWork(t *testing.T) {
	banner := runScript(t)
	var lines []string
	for _, m := range bannerExample.FindAllStringSubmatch(banner, -1) {
		lines = append(lines, m[1])
	}
	if len(lines) < 4 {
		t.Fatalf("found %d examples in the banner:\n%s", len(lines), banner)
	}
	got := runScript(t, lines...)
	noConsoleErrors(t, got)
	for _, want := range []string{"Đã xong việc #1", "Việc #1 đã xong rồi."} {
		if !strings.Contains(got, want) {
			t.Errorf("the banner's examples did not show %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// Picking a person from name buttons takes those buttons away: the demo
// says so, not that a ✅ was taken.
func TestDemoSaysWhichButtonsWentAway(t *testing.T) {
	got := runScript(t, "lead> /giao Soạn công văn hạn mai", "lead> [34.2]", "an>> [37]")
	if strings.Contains(got, "bỏ nút ✅ khỏi tin [34]") {
		t.Errorf("the demo says a ✅ went from the name buttons:\n%s", got)
	}
	for _, want := range []string{"(bot bỏ các nút dưới tin [34])", "(bot bỏ nút ✅ Xong khỏi tin [37])"} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo did not say %q:\n%s", want, got)
		}
	}
}

// ✅ pressed in the group under someone else's task shown there says
// whose it is and who may close it; in private, where the task is not
// theirs to see, it reads as a task that does not exist.
func TestDemoDoneByAnotherSaysWhoseItIs(t *testing.T) {
	got := runScript(t, "lead> /giao @an Báo cáo tuần hạn mai", "binh> [34.1]", "binh> /huy 1", "binh>> /xong 1", "lead>> /chitiet 1")
	for _, want := range []string{
		"(bot báo trên nút, nhóm Phòng Tổng hợp: Việc #1 là việc của Nguyễn Văn An, do Trần Văn Lãnh (trưởng phòng) giao. Chỉ người thực hiện, người giao, trưởng đơn vị hoặc lãnh đạo mới báo xong được.)",
		"Việc #1 là việc của Nguyễn Văn An, do Trần Văn Lãnh (trưởng phòng) giao. Chỉ người giao, trưởng đơn vị hoặc lãnh đạo mới hủy được.",
		"[40] bot → riêng binh:\n    Không tìm thấy việc #1",
		"Tình trạng: hạn ngày mai", // still open
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo did not say %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// "/lenh@tenbot" works for every command, in a group and in private, with
// the bot's real username; a command naming this bot is answered even when
// it does not exist; one naming another bot is not ours.
func TestCommandsNamingTheBot(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	r := h.say(h.group, h.lead, "/giao@nhacviec_bot @an Báo cáo tuần hạn mai")
	contains(t, r, "Đã giao việc #1 cho @an")
	r = h.say(h.private(h.lead), h.lead, "/giao@NhacViec_Bot\n@an Tờ trình hạn mai")
	contains(t, r, "Đã giao việc #2 cho @an")
	r = h.say(h.group, h.an, "/baocaongay@nhacviec_bot")
	contains(t, r, "Không có lệnh /baocaongay", "/huongdan")
	h.silent(func() { h.srv.UserSays(h.group, h.an, "/baocaongay@other_bot") })
	h.silent(func() { h.srv.UserSays(h.group, h.lead, "/giao@other_bot @an Không phải của ta hạn mai") })
	h.silent(func() { h.srv.UserSays(h.private(h.lead), h.lead, "/viec@other_bot") })
	if h.count() != 2 {
		t.Fatalf("%d tasks, want 2", h.count())
	}
	for _, c := range bot.Commands {
		for _, name := range []string{c.Name, c.Alias} {
			if name != "" {
				lacks(t, h.say(h.private(h.lead), h.lead, "/"+name+"@nhacviec_bot"), "Không có lệnh")
			}
		}
	}
}

// In the demo, whose bot is @nhacviec_bot, likewise.
func TestDemoCommandsNamingTheBot(t *testing.T) {
	got := runScript(t, "lead> /giao@nhacviec_bot @an Báo cáo tuần hạn mai", "lead>> /giao@nhacviec_bot @an Tờ trình hạn mai",
		"an> /baocaongay@nhacviec_bot", "an> /baocaongay@other_bot", "an>> /viec@nhacviec_bot")
	for _, want := range []string{"Đã giao việc #1 cho @an", "Đã giao việc #2 cho @an", "Không có lệnh /baocaongay.", "Việc của bạn (2)"} {
		if !strings.Contains(got, want) {
			t.Errorf("the demo did not say %q", want)
		}
	}
	if n := strings.Count(got, "Không có lệnh"); n != 1 {
		t.Errorf("%d answers of an unknown command, want 1 (not for @other_bot)", n)
	}
	if t.Failed() {
		t.Log(got)
	}
}

// Invisible format characters (zero-width space, U+202E that reverses
// what follows, …) are stripped from everything stored from what people
// type: title, fields, notes, reasons, unit names.
func TestFormatCharactersAreStripped(t *testing.T) {
	h := newH(t)
	h.hello(h.lead, h.an)
	_, id := h.assign(h.group, h.lead, "/giao @an Báo\u200b cáo \u202eCCHC quý IV hạn mai\nkết quả: Kế\u200d hoạch\nvăn bản: 1365\u2066/VP-NL\u2069")
	task := h.task(id)
	if task.Title != "Báo cáo CCHC quý IV" || task.Result != "Kế hoạch" || task.Source != "1365/VP-NL" || task.SourceNumber != "1365/VP-NL" {
		t.Fatalf("stored %q, %q, %q, %q", task.Title, task.Result, task.Source, task.SourceNumber)
	}
	an := h.private(h.an)
	h.say(an, h.an, fmt.Sprintf("/tiendo %d 50%% đã\u200b có \u202esố liệu", id))
	h.say(an, h.an, fmt.Sprintf("/giahan %d thứ 6 chờ\ufeff ý kiến", id))
	d := h.say(h.private(h.lead), h.lead, fmt.Sprintf("/chitiet %d", id))
	contains(t, d, "50% — đã có số liệu", "Lý do: chờ ý kiến")
	h.say(h.private(h.lead), h.lead, "/donvi them Tổ\u200b Văn thư\u202e")
	u := h.say(h.private(h.lead), h.lead, "/donvi")
	contains(t, u, "Tổ Văn thư")
	for _, s := range h.srv.Sent() {
		if strings.ContainsFunc(s.Text, func(r rune) bool { return unicode.Is(unicode.Cf, r) }) {
			t.Errorf("the bot sent a format character: %q", s.Text)
		}
	}
}

// helpExample is a command the help shows: from a "/" that starts a word
// to the end of its clause.
var helpExample = regexp.MustCompile(`(?:^|\s)(/[a-z]+[^;—()\n]*)`)

// placeholder marks an example that is a form to fill in, not one to type
// as is: "@người", "THỜI_HẠN", "mã_việc", "MÃ".
var placeholder = regexp.MustCompile(`@người|mã_việc|…|\.\.\.|\p{Lu}+_\p{Lu}+| MÃ(\s|$)|NGÀY`)

// The help's examples name units and people the demo has: typed in the
// demo by its admin (lead), in the help's order, none is a command the bot
// does not know, a unit or a person it does not know.
func TestHelpExamplesWorkInTheDemo(t *testing.T) {
	help := runScript(t, "lead>> /huongdan")
	help = help[strings.Index(help, "> lead>> /huongdan"):]
	var lines []string
	for _, line := range strings.Split(strings.ReplaceAll(help, ", /", "; /"), "\n") {
		for _, m := range helpExample.FindAllStringSubmatch(line, -1) {
			ex := strings.TrimRight(strings.TrimSpace(m[1]), ".:")
			if placeholder.MatchString(ex) {
				continue
			}
			who := "lead>> "
			if strings.HasPrefix(ex, "/ganhom") {
				who = "lead> " // in the group
			}
			lines = append(lines, who+ex)
		}
	}
	if len(lines) < 20 {
		t.Fatalf("found %d examples in the help:\n%s", len(lines), help)
	}
	got := runScript(t, lines...)
	noConsoleErrors(t, got)
	for _, bad := range []string{"Không tìm thấy đơn vị", "Tôi chưa biết", "Có nhiều đơn vị tên"} {
		if strings.Contains(got, bad) {
			t.Errorf("a help example got %q", bad)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("examples: %q\n%s", lines, got)
	}
}

// The example given to a member who may not assign to someone else is
// one that works for them: a task for themself.
func TestCannotAssignExampleWorks(t *testing.T) {
	got := runScript(t, "binh> /giao @an Soạn báo cáo hạn mai")
	m := regexp.MustCompile(`Ví dụ, tự giao cho mình: (/giao .*)`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("no example for oneself:\n%s", got)
	}
	got = runScript(t, "binh> "+m[1])
	if !strings.Contains(got, "Đã giao việc #1 cho @binh") {
		t.Errorf("the example %q did not work:\n%s", m[1], got)
	}
}
