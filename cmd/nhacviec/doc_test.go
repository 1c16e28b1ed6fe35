package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/nhacviec/nhacviec/bot"
)

// repoFile reads a file of the repository from the package directory.
func repoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// guideBlock is a transcript the guide shows, and the script it is from.
type guideBlock struct {
	script string
	line   int // where it starts in the guide
	text   string
}

var scriptMarker = regexp.MustCompile(`^<!-- script: (\S+) -->$`)

// guideBlocks returns the guide's ```text blocks that follow a script
// marker, and every fenced block's info string and text.
func guideBlocks(guide string) (checked []guideBlock, all []string) {
	script := ""
	var cur *guideBlock
	var info string
	var body []string
	for i, line := range strings.Split(guide, "\n") {
		if m := scriptMarker.FindStringSubmatch(line); m != nil && cur == nil && body == nil {
			script = m[1]
			continue
		}
		if strings.HasPrefix(line, "```") {
			if body == nil {
				info, body = strings.TrimPrefix(line, "```"), []string{}
				if info == "text" && script != "" {
					cur = &guideBlock{script: script, line: i + 1}
				}
				continue
			}
			text := strings.Join(body, "\n")
			all = append(all, text)
			if cur != nil {
				cur.text = text
				checked = append(checked, *cur)
			}
			cur, body, info = nil, nil, ""
			continue
		}
		if body != nil {
			body = append(body, line)
		}
	}
	_ = info
	return checked, all
}

// excerpt turns a guide block into a pattern of the transcript: "…" is
// any text within a line, a line of "…" alone any lines; trailing blanks
// do not count.
func excerpt(block string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?m)^`)
	for _, line := range strings.Split(strings.TrimRight(block, "\n"), "\n") {
		line = strings.TrimRight(line, " ")
		if strings.TrimSpace(line) == "…" {
			b.WriteString(`(?:.*\n)*?`)
			continue
		}
		parts := strings.Split(line, "…")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		b.WriteString(strings.Join(parts, `.*?`) + `\n`)
	}
	return regexp.MustCompile(b.String())
}

// trimLines drops the blanks at the ends of a transcript's lines.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// The guide's transcripts are what the demo prints for its scripts: every
// script runs without a console error or an unknown command, every block
// under a script's marker is found in that script's transcript, the lines
// the blocks show typed are the script's, in order, and every script is
// used. So whoever follows the guide alone types a script that works.
func TestGuideTranscripts(t *testing.T) {
	guide := repoFile(t, "docs/huong-dan.md")
	blocks, _ := guideBlocks(guide)
	if len(blocks) < 20 {
		t.Fatalf("found %d transcripts in the guide", len(blocks))
	}
	scripts, err := filepath.Glob(filepath.Join("..", "..", "docs", "scripts", "*.txt"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	transcripts := map[string]string{}
	for _, file := range scripts {
		name := "docs/scripts/" + filepath.Base(file)
		if !strings.Contains(guide, "<!-- script: "+name+" -->") {
			t.Errorf("the guide does not use %s", name)
		}
		got := runScriptFile(t, file)
		noConsoleErrors(t, got)
		transcripts[name] = trimLines(got)
	}
	if *updateGuide {
		updated, err := rewriteGuide(guide, blocks, transcripts)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "huong-dan.md"), []byte(updated), 0o644); err != nil {
			t.Fatal(err)
		}
		guide = updated
		blocks, _ = guideBlocks(guide)
	}
	// A reader who types what the guide shows, in its order, types the
	// script: every line of it, no other.
	shown := map[string][]string{}
	for _, b := range blocks {
		for _, line := range strings.Split(b.text, "\n") {
			if typedLine, ok := strings.CutPrefix(line, "> "); ok {
				shown[b.script] = append(shown[b.script], typedLine)
			}
		}
	}
	for _, file := range scripts {
		name := "docs/scripts/" + filepath.Base(file)
		var lines []string
		for _, line := range strings.Split(repoFile(t, name), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				lines = append(lines, line)
			}
		}
		if !slices.Equal(shown[name], lines) {
			t.Errorf("the lines the guide shows typed for %s are not the script's:\n guide: %q\nscript: %q", name, shown[name], lines)
		}
	}
	for _, b := range blocks {
		tr, ok := transcripts[b.script]
		if !ok {
			t.Errorf("huong-dan.md:%d: no script %s", b.line, b.script)
			continue
		}
		if !excerpt(b.text).MatchString(tr) {
			t.Errorf("huong-dan.md:%d: not in the transcript of %s:\n%s", b.line, b.script, b.text)
		}
	}
	if t.Failed() && testing.Verbose() {
		for name, tr := range transcripts {
			t.Logf("%s:\n%s", name, tr)
		}
	}
}

// notCommands look like commands in the docs but are not the bot's:
// what people type to @BotFather, the HTTP paths, the form "/lenh@tenbot".
var notCommands = []string{"newbot", "setprivacy", "setjoingroups", "healthz", "metrics", "data", "lenh"}

var (
	inlineCode = regexp.MustCompile("`([^`\n]+)`")
	typed      = regexp.MustCompile(`(?m)^> [a-z]+>>? (/\S+)`)
	commandRE  = regexp.MustCompile(`^/([a-z]+)(?:@\w+)?(?:\s|$)`)
)

// Every command the guide and the README show is one the bot knows, and
// every setting they name is one the program reads.
func TestDocsNameOnlyRealCommandsAndSettings(t *testing.T) {
	known := map[string]bool{}
	for _, c := range bot.Commands {
		known[c.Name], known[c.Alias] = true, true
	}
	source := repoFile(t, "cmd/nhacviec/config.go") + repoFile(t, "cmd/nhacviec/main.go")
	for _, doc := range []string{"docs/huong-dan.md", "README.md"} {
		text := repoFile(t, doc)
		_, blocks := guideBlocks(text)
		var shown []string
		for _, m := range inlineCode.FindAllStringSubmatch(text, -1) {
			shown = append(shown, m[1])
		}
		for _, b := range blocks {
			for _, m := range typed.FindAllStringSubmatch(b, -1) {
				shown = append(shown, m[1])
			}
			for _, line := range strings.Split(b, "\n") {
				if strings.HasPrefix(line, "/") { // a message to type, as in "/giao @an …"
					shown = append(shown, line)
				}
			}
		}
		n := 0
		for _, s := range shown {
			m := commandRE.FindStringSubmatch(s)
			if m == nil {
				continue
			}
			n++
			if !known[m[1]] && !slices.Contains(notCommands, m[1]) {
				t.Errorf("%s shows /%s, which the bot does not know (in %q)", doc, m[1], s)
			}
		}
		if n < 20 {
			t.Errorf("%s: only %d commands found", doc, n)
		}
		for _, v := range regexp.MustCompile(`NHACVIEC_[A-Z_]+[A-Z]`).FindAllString(text, -1) {
			if !strings.Contains(source, `"`+v+`"`) && !strings.Contains(source, `"`+strings.TrimSuffix(v, "_FILE")+`"`) {
				t.Errorf("%s names %s, which the program does not read", doc, v)
			}
		}
	}
}

var (
	walkLine = regexp.MustCompile(`^([a-z]+>>? .*?|:sau \S+)(?:\s{2,}\((.*))?$`)
	msgRef   = regexp.MustCompile(`\[(\d+)(?:\.(\d+))?\]`)
)

// The README's demo walkthrough works as written: its lines, typed in
// order, give no console error and no unknown command, and the messages
// and buttons its notes name are those the demo prints.
func TestReadmeWalkthrough(t *testing.T) {
	readme := repoFile(t, "README.md")
	var walks []string
	_, blocks := guideBlocks(readme)
	for _, b := range blocks {
		// The walkthrough, and the one of chi's chat without buttons.
		if strings.HasPrefix(b, "lead> /giao") || strings.HasPrefix(b, "chi>> /start") {
			walks = append(walks, b)
		}
	}
	if len(walks) != 2 {
		t.Fatalf("%d walkthroughs in the README, want 2", len(walks))
	}
	for _, walk := range walks {
		readmeWalk(t, walk)
	}
}

func readmeWalk(t *testing.T, walk string) {
	t.Helper()
	var lines, notes []string
	for _, line := range strings.Split(walk, "\n") {
		if strings.HasPrefix(line, " ") { // a note continued
			notes = append(notes, line)
			continue
		}
		m := walkLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("README walkthrough: cannot read %q", line)
		}
		lines = append(lines, m[1])
		notes = append(notes, m[2])
	}
	got := runScript(t, lines...)
	noConsoleErrors(t, got)
	for _, n := range notes {
		for _, m := range msgRef.FindAllStringSubmatch(n, -1) {
			want := "\n[" + m[1] + "] bot → "
			if m[2] != "" {
				want = "[" + m[1] + "." + m[2] + " "
			}
			if !strings.Contains(got, want) {
				t.Errorf("the README's note %q names %s, which the demo did not print", strings.TrimSpace(n), m[0])
			}
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

// The README's first screen says what the bot does in Vietnamese and in
// English and links the guide, before its set-up.
func TestReadmeFirstScreen(t *testing.T) {
	readme := repoFile(t, "README.md")
	first, _, _ := strings.Cut(readme, "\n## ")
	for _, want := range []string{"**Tiếng Việt.**", "**English.**", "(docs/huong-dan.md)", "giao\nviệc có thời hạn", "assign work with a\ndeadline"} {
		if !strings.Contains(first, want) {
			t.Errorf("the README's first screen lacks %q", want)
		}
	}
}
