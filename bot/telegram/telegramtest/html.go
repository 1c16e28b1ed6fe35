package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func utf8Valid(s string) bool { return utf8.ValidString(s) }

var htmlTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true, "tg-emoji": true,
	"code": true, "pre": true, "blockquote": true,
}

type openTag struct {
	name  string
	arg   string
	start int // UTF-16 offset in the output
	begin int // byte offset of '<'
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// parseHTML follows Telegram's (tdlib's) HTML parse mode: the supported tags,
// the four named entities plus numeric ones, and its error texts. A '&' that
// does not start a valid entity and a bare '>' are kept as text, as
// Telegram does; a '<' must start a supported tag. tags reports whether any
// tag was seen.
func parseHTML(text string) (plain string, ents []tgbotapi.MessageEntity, tags bool, err error) {
	var out strings.Builder
	u16 := 0
	var stack []openTag
	n := len(text)
	i := 0
	for i < n {
		c := text[i]
		if c == '&' {
			if r, next, ok := decodeEntity(text, i); ok {
				out.WriteRune(r)
				u16 += utf16Len(r)
				i = next
				continue
			}
		}
		if c != '<' {
			r, size := utf8.DecodeRuneInString(text[i:])
			out.WriteString(text[i : i+size])
			u16 += utf16Len(r)
			i += size
			continue
		}
		begin := i
		i++
		if i < n && text[i] == '/' {
			// end tag
			if len(stack) == 0 {
				return "", nil, tags, fmt.Errorf("Unexpected end tag at byte offset %d", begin)
			}
			i++
			ns := i
			for i < n && !isSpace(text[i]) && text[i] != '>' {
				i++
			}
			name := strings.ToLower(text[ns:i])
			for i < n && isSpace(text[i]) {
				i++
			}
			if i >= n || text[i] != '>' {
				return "", nil, tags, fmt.Errorf("Unclosed end tag at byte offset %d", begin)
			}
			top := stack[len(stack)-1]
			if name != "" && name != top.name {
				return "", nil, tags, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.name, name)
			}
			stack = stack[:len(stack)-1]
			if l := u16 - top.start; l > 0 {
				ents = addEntity(ents, top, l, out.String())
			}
			i++
			continue
		}
		// start tag
		ns := i
		for i < n && !isSpace(text[i]) && text[i] != '>' {
			i++
		}
		if i >= n {
			return "", nil, tags, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
		}
		name := strings.ToLower(text[ns:i])
		if !htmlTags[name] {
			return "", nil, tags, fmt.Errorf("Unsupported start tag \"%s\" at byte offset %d", name, begin)
		}
		tag := openTag{name: name, start: u16, begin: begin}
		for {
			for i < n && isSpace(text[i]) {
				i++
			}
			if i >= n {
				return "", nil, tags, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
			}
			if text[i] == '>' {
				break
			}
			as := i
			for i < n && !isSpace(text[i]) && !strings.ContainsRune("=>/\"'", rune(text[i])) {
				i++
			}
			attr := strings.ToLower(text[as:i])
			if attr == "" {
				return "", nil, tags, fmt.Errorf("Empty attribute name in the tag \"%s\" at byte offset %d", name, begin)
			}
			for i < n && isSpace(text[i]) {
				i++
			}
			if i >= n {
				return "", nil, tags, fmt.Errorf("Unclosed start tag \"%s\" at byte offset %d", name, begin)
			}
			if text[i] != '=' {
				if name == "blockquote" && attr == "expandable" {
					tag.arg = "expandable"
					continue
				}
				return "", nil, tags, fmt.Errorf("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", name, begin)
			}
			i++
			for i < n && isSpace(text[i]) {
				i++
			}
			if i >= n {
				return "", nil, tags, fmt.Errorf("Unclosed start tag \"%s\" at byte offset %d", name, begin)
			}
			var val string
			if q := text[i]; q == '"' || q == '\'' {
				i++
				var vb strings.Builder
				for i < n && text[i] != q {
					if text[i] == '&' {
						if r, next, ok := decodeEntity(text, i); ok {
							vb.WriteRune(r)
							i = next
							continue
						}
					}
					vb.WriteByte(text[i])
					i++
				}
				if i >= n {
					return "", nil, tags, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
				}
				i++
				val = vb.String()
			} else {
				vs := i
				for i < n && (isAlnum(text[i]) || text[i] == '.' || text[i] == '-') {
					i++
				}
				if i >= n {
					return "", nil, tags, fmt.Errorf("Unclosed start tag at byte offset %d", begin)
				}
				if !isSpace(text[i]) && text[i] != '>' {
					return "", nil, tags, fmt.Errorf("Unexpected end of name token at byte offset %d", i)
				}
				val = strings.ToLower(text[vs:i])
			}
			switch {
			case name == "a" && attr == "href":
				tag.arg = val
			case name == "code" && attr == "class" && strings.HasPrefix(val, "language-"):
				tag.arg = strings.TrimPrefix(val, "language-")
			case name == "span" && attr == "class" && val == "tg-spoiler":
				tag.arg = "spoiler"
			case name == "tg-emoji" && attr == "emoji-id":
				tag.arg = val
			}
		}
		if name == "span" && tag.arg != "spoiler" {
			return "", nil, tags, fmt.Errorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
		}
		tags = true
		stack = append(stack, tag)
		i++ // '>'
	}
	if len(stack) > 0 {
		return "", nil, tags, fmt.Errorf("Can't find end tag corresponding to start tag \"%s\"", stack[len(stack)-1].name)
	}
	return out.String(), ents, tags, nil
}

func isAlnum(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func addEntity(ents []tgbotapi.MessageEntity, t openTag, length int, soFar string) []tgbotapi.MessageEntity {
	e := tgbotapi.MessageEntity{Offset: t.start, Length: length}
	switch t.name {
	case "b", "strong":
		e.Type = "bold"
	case "i", "em":
		e.Type = "italic"
	case "u", "ins":
		e.Type = "underline"
	case "s", "strike", "del":
		e.Type = "strikethrough"
	case "span", "tg-spoiler":
		e.Type = "spoiler"
	case "tg-emoji":
		e.Type = "custom_emoji"
	case "blockquote":
		e.Type = "blockquote"
		if t.arg == "expandable" {
			e.Type = "expandable_blockquote"
		}
	case "a":
		e.Type = "text_link"
		e.URL = t.arg
		if e.URL == "" {
			e.URL = utf16Slice(soFar, t.start, length)
		}
	case "code":
		if k := len(ents) - 1; k >= 0 && ents[k].Type == "pre" && ents[k].Offset == e.Offset && ents[k].Length == e.Length {
			ents[k].Language = t.arg
			return ents
		}
		e.Type = "code"
	case "pre":
		if k := len(ents) - 1; k >= 0 && ents[k].Type == "code" && ents[k].Offset == e.Offset && ents[k].Length == e.Length {
			ents[k].Type = "pre"
			return ents
		}
		e.Type = "pre"
	}
	return append(ents, e)
}

// decodeEntity decodes an HTML entity at text[i] == '&': &lt; &gt; &amp;
// &quot; and numeric ones, with the final ';'.
func decodeEntity(text string, i int) (rune, int, bool) {
	j := i + 1
	n := len(text)
	if j < n && text[j] == '#' {
		j++
		base := 10
		if j < n && (text[j] == 'x' || text[j] == 'X') {
			base = 16
			j++
		}
		ds := j
		for j < n && j-ds < 10 && (isDigitBase(text[j], base)) {
			j++
		}
		if j == ds || j >= n || text[j] != ';' {
			return 0, i, false
		}
		v, err := strconv.ParseUint(text[ds:j], base, 32)
		if err != nil || v == 0 || v > unicode.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
			return 0, i, false
		}
		return rune(v), j + 1, true
	}
	for name, r := range map[string]rune{"lt;": '<', "gt;": '>', "amp;": '&', "quot;": '"'} {
		if strings.HasPrefix(text[j:], name) {
			return r, j + len(name), true
		}
	}
	return 0, i, false
}

func isDigitBase(c byte, base int) bool {
	if c >= '0' && c <= '9' {
		return true
	}
	if base == 16 {
		return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
	}
	return false
}

// trimEntities trims surrounding whitespace from text like Telegram and
// shifts/clips the entities to match.
func trimEntities(text string, ents []tgbotapi.MessageEntity) (string, []tgbotapi.MessageEntity) {
	trimmed := strings.TrimLeftFunc(text, unicode.IsSpace)
	lead := utf16Count(text[:len(text)-len(trimmed)])
	trimmed = strings.TrimRightFunc(trimmed, unicode.IsSpace)
	total := utf16Count(trimmed)
	var out []tgbotapi.MessageEntity
	for _, e := range ents {
		start, end := e.Offset-lead, e.Offset+e.Length-lead
		start = max(start, 0)
		end = min(end, total)
		if end <= start {
			continue
		}
		e.Offset, e.Length = start, end-start
		out = append(out, e)
	}
	return trimmed, out
}
