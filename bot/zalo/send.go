package zalo

import (
	"context"
	"errors"
	"html"
	"mime"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf16"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
)

// textNoFile replaces a file when no download link can be made
// (Config.Publish is nil): Zalo bots cannot send documents.
const textNoFile = "📎 Tệp này không gửi được qua Zalo.\nHãy dùng lệnh này trên Telegram để nhận tệp, hoặc nhờ quản trị viên gửi giúp."

// Send delivers one outbox message. Zalo has no button answers, no
// edits and no command menus: those kinds are done at once, sending
// nothing. Texts go as plain text (Plain).
func (z *Zalo) Send(ctx context.Context, m *nhacviec.Outgoing) (string, error) {
	switch m.Kind {
	case nhacviec.KindAnswer, nhacviec.KindEdit, nhacviec.KindMenu:
		return "", nil
	}
	text := m.Text
	if m.HTML {
		text = Plain(text)
	}
	if m.File != nil {
		return z.sendFile(ctx, m, text)
	}
	return z.sendText(ctx, m.ChatExternalID, text)
}

func (z *Zalo) sendText(ctx context.Context, chat, text string) (string, error) {
	if strings.TrimSpace(text) == "" {
		return "", nil // Zalo refuses an empty text; there is nothing to say
	}
	var sent sentMessage
	err := z.call(ctx, z.send, "sendMessage", map[string]string{"chat_id": chat, "text": text}, &sent)
	if err != nil {
		return "", classify(err)
	}
	return sent.MessageID, nil
}

// sendFile sends a file as a link: a photo by sendPhoto with its URL, a
// document as a text with the link under its caption.
func (z *Zalo) sendFile(ctx context.Context, m *nhacviec.Outgoing, caption string) (string, error) {
	if z.publish == nil {
		return z.sendText(ctx, m.ChatExternalID, joinLines(caption, textNoFile))
	}
	typ := fileTypes[strings.ToLower(filepath.Ext(m.File.Name))]
	if typ == "" {
		typ = mime.TypeByExtension(filepath.Ext(m.File.Name))
	}
	if typ == "" {
		typ = http.DetectContentType(m.File.Data)
	}
	link, err := z.publish(ctx, m.File.Name, typ, m.File.Data)
	if err != nil {
		// The store of links: try again later.
		return "", &bot.SendError{Err: err, Temporary: true}
	}
	if m.Kind != nhacviec.KindPhoto {
		return z.sendText(ctx, m.ChatExternalID, joinLines(caption, "📎 "+m.File.Name+": "+link))
	}
	body := map[string]string{"chat_id": m.ChatExternalID, "photo": link}
	if strings.TrimSpace(caption) != "" {
		body["caption"] = clipUnits(caption, MaxText) // 1–2,000 characters when given
	}
	var sent sentMessage
	if err := z.call(ctx, z.send, "sendPhoto", body, &sent); err != nil {
		return "", classify(err)
	}
	return sent.MessageID, nil
}

// fileTypes are the types of the files the bot makes, whatever the
// system's MIME table knows (a slim container has none for .xlsx).
var fileTypes = map[string]string{
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".png":  "image/png",
}

func joinLines(a, b string) string {
	if strings.TrimSpace(a) == "" {
		return b
	}
	return a + "\n" + b
}

// Limits are Zalo's: 2,000 characters of text, counted on the plain text
// Zalo receives (Plain) in UTF-16 code units (what a JavaScript service
// counts as characters; Vietnamese letters are one each, an emoji two,
// so counting units is never less than counting characters), and no
// buttons.
func (z *Zalo) Limits() bot.Limits {
	return bot.Limits{MaxText: MaxText, Length: Length, MaxButtons: 0}
}

// Length is how long Zalo finds s once rendered (Plain): UTF-16 units.
func Length(s string) int { return bot.UTF16Len(Plain(s)) }

// clipUnits shortens s to at most n UTF-16 units.
func clipUnits(s string, n int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return s[:i]
		}
	}
	return s
}

// The core's HTML is Telegram's small subset: these tags, their
// attributes, and the entities &lt; &gt; &amp; &quot; (user text inside
// is escaped, so a "<" of theirs is "&lt;" here and survives).
var (
	link = regexp.MustCompile(`(?is)<a\s+[^>]*href\s*=\s*"([^"]*)"[^>]*>(.*?)</a>`)
	tag  = regexp.MustCompile(`(?i)</?(b|strong|i|em|u|ins|s|strike|del|code|pre|blockquote|tg-spoiler|span|a)(\s[^>]*)?>`)
)

// Plain renders the core's HTML as the plain text Zalo shows: tags
// stripped, a link's address kept after its text, entities unescaped.
func Plain(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	s = link.ReplaceAllStringFunc(s, func(a string) string {
		sub := link.FindStringSubmatch(a)
		href, text := html.UnescapeString(sub[1]), sub[2]
		if plainText := html.UnescapeString(tag.ReplaceAllString(text, "")); plainText == href || href == "" {
			return text
		}
		return text + " (" + sub[1] + ")"
	})
	return html.UnescapeString(tag.ReplaceAllString(s, ""))
}

// classify tells the sender what to do about a failed call: wait, retry,
// or give up.
func classify(err error) error {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		// Network errors and timeouts.
		return &bot.SendError{Err: err, Temporary: true}
	}
	switch {
	case apiErr.Code == codeTooMany:
		// Zalo's quota answer says no retry_after: wait half a minute.
		return &bot.SendError{Err: err, RetryAfter: 30 * time.Second}
	case apiErr.Code >= 500, apiErr.Code == codeForbidden, apiErr.Code == codePollTimeout:
		// 403 is Zalo's "internal server error" (api.go), not a chat
		// that refuses the bot: retried, never taken as a block.
		return &bot.SendError{Err: err, Temporary: true}
	case apiErr.Code == codeNotFound:
		// The chat id is not one Zalo knows for this bot.
		return &bot.SendError{Err: err, Forbidden: true}
	}
	return err // 400 (what it says), 401 (the token): given up
}
