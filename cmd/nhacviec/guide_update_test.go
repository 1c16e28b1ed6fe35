package main

import (
	"flag"
	"fmt"
	"regexp"
	"strings"
)

// updateGuide makes TestGuideTranscripts rewrite the guide's transcripts
// from fresh runs of their scripts instead of checking them:
//
//	go test ./cmd/nhacviec -run TestGuideTranscripts -update-guide
var updateGuide = flag.Bool("update-guide", false, "rewrite the transcripts of docs/huong-dan.md from fresh runs of docs/scripts")

// transcriptInputs splits a transcript into each typed line, in order:
// its "> " echo and the lines after it, up to the next one.
func transcriptInputs(tr string) [][]string {
	var outs [][]string
	for _, line := range strings.Split(strings.TrimRight(tr, "\n"), "\n") {
		if strings.HasPrefix(line, "> ") {
			outs = append(outs, []string{line})
			continue
		}
		if outs != nil {
			outs[len(outs)-1] = append(outs[len(outs)-1], line)
		}
	}
	return outs
}

// An item is what a transcript shows after a typed line: a message (its
// header, "[N] bot → …:", and its indented lines) or one other line (a
// note, a clock line, a console error).
type item struct {
	first, end int // lines [first, end) of the output
}

var msgHeader = regexp.MustCompile(`^\[\d+\] `)

func items(out []string) []item {
	var its []item
	for i := 0; i < len(out); i++ {
		line := out[i]
		if strings.TrimSpace(line) == "" {
			continue
		}
		it := item{first: i, end: i + 1}
		if msgHeader.MatchString(line) {
			for it.end < len(out) && (strings.HasPrefix(out[it.end], "    ") ||
				out[it.end] == "" && it.end+1 < len(out) && strings.HasPrefix(out[it.end+1], "    ")) {
				it.end++
			}
		}
		its = append(its, it)
		i = it.end - 1
	}
	return its
}

var msgNumber = regexp.MustCompile(`\[\d+(?:\.\d+)?\]?`)

// itemKey names an item across runs whose message numbers differ: its
// first line without numbers, and a message's first line of text.
func itemKey(out []string, it item) string {
	key := msgNumber.ReplaceAllString(out[it.first], "")
	if it.end > it.first+1 {
		key += "\n" + out[it.first+1]
	}
	return key
}

// updateBlock rewrites a guide block from the outputs of the script's
// lines it shows, outs[k:], and returns it and how many lines it showed.
// What a block shows after a typed line keeps its shape: with no line of
// "…" alone, all the output; with one, only the items it showed, found
// again by their key, a message cut short (followed by "…") cut after as
// many lines, and a line cut by "…" kept while it still matches.
func updateBlock(block string, outs [][]string, k int) (string, int, error) {
	var segs [][]string // each starts with its typed line
	for _, line := range strings.Split(strings.TrimRight(block, "\n"), "\n") {
		if strings.HasPrefix(line, "> ") || segs == nil {
			segs = append(segs, nil)
		}
		segs[len(segs)-1] = append(segs[len(segs)-1], line)
	}
	var lines []string
	var keep []bool
	for _, seg := range segs {
		if !strings.HasPrefix(seg[0], "> ") {
			return "", 0, fmt.Errorf("the block does not start with a typed line: %q", seg[0])
		}
		if k >= len(outs) {
			return "", 0, fmt.Errorf("the script has no line for %q", seg[0])
		}
		// The script's line, whose message numbers may have changed.
		typedLine, out := outs[k][0], outs[k][1:]
		k++
		lines, keep = append(lines, typedLine), append(keep, true)
		old := seg[1:]
		oldItems := items(old)
		cut := false
		for _, l := range old {
			if strings.TrimSpace(l) == "…" {
				cut = true
			}
		}
		show := make([]bool, len(out))
		text := append([]string(nil), out...)
		newItems := items(out)
		next := 0
		for _, oi := range oldItems {
			if strings.TrimSpace(old[oi.first]) == "…" {
				continue
			}
			key := itemKey(old, oi)
			found := -1
			for j := next; j < len(newItems); j++ {
				if itemKey(out, newItems[j]) == key {
					found = j
					break
				}
			}
			if found < 0 {
				if !cut {
					continue // all the output is shown anyway
				}
				return "", 0, fmt.Errorf("after %q: %q is no longer in the output; edit this block by hand (a block without a line of \"…\" shows all)", seg[0], old[oi.first])
			}
			ni := newItems[found]
			next = found + 1
			n := ni.end - ni.first
			if oi.end < len(old) && strings.TrimSpace(old[oi.end]) == "…" && oi.end-oi.first < n {
				n = oi.end - oi.first // cut short
			}
			for i := 0; i < n; i++ {
				show[ni.first+i] = true
				if i < oi.end-oi.first && strings.Count(old[oi.first+i], "…") > strings.Count(out[ni.first+i], "…") && excerpt(old[oi.first+i]).MatchString(out[ni.first+i]+"\n") {
					text[ni.first+i] = old[oi.first+i]
				}
			}
		}
		if !cut {
			for i := range show {
				show[i] = true
			}
		}
		// A clock line goes with the message it dates.
		for i, l := range out {
			if strings.HasPrefix(l, "────") && i+1 < len(out) && show[i+1] {
				show[i] = true
			}
		}
		lines, keep = append(lines, text...), append(keep, show...)
	}
	// Blank lines stay between lines shown; a run of lines not shown is
	// one line of "…".
	var b []string
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "" {
			continue
		}
		if keep[i] {
			if len(b) > 0 && b[len(b)-1] != "…" && i > 0 && strings.TrimSpace(lines[i-1]) == "" {
				b = append(b, "")
			}
			b = append(b, lines[i])
			continue
		}
		if len(b) == 0 || b[len(b)-1] != "…" {
			b = append(b, "…")
		}
	}
	return strings.Join(b, "\n"), len(segs), nil
}

// rewriteGuide returns the guide with each of its checked blocks made
// again from the transcripts of their scripts.
func rewriteGuide(guide string, blocks []guideBlock, transcripts map[string]string) (string, error) {
	lines := strings.Split(guide, "\n")
	next := map[string]int{} // the script's next line to show
	bodies := make([]string, len(blocks))
	for i, b := range blocks {
		tr, ok := transcripts[b.script]
		if !ok {
			return "", fmt.Errorf("huong-dan.md:%d: no script %s", b.line, b.script)
		}
		body, n, err := updateBlock(b.text, transcriptInputs(tr), next[b.script])
		if err != nil {
			return "", fmt.Errorf("huong-dan.md:%d: %w", b.line, err)
		}
		next[b.script] += n
		bodies[i] = body
	}
	for i := len(blocks) - 1; i >= 0; i-- {
		b := blocks[i]
		n := len(strings.Split(b.text, "\n"))
		lines = append(lines[:b.line], append(strings.Split(bodies[i], "\n"), lines[b.line+n:]...)...)
	}
	return strings.Join(lines, "\n"), nil
}
