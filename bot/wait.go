package bot

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// Some drafts wait for what their author types next in the chat: the
// value of a field asked for by a button under a task (draftField), a
// step of the guided /giao (draftGuide). The person's next message there
// that is not a command, nor a reply to a message about a task, is that
// value; a reply to the question is too (in a group, with privacy mode
// on, the bot sees nothing else). One such draft waits per person and
// chat, the latest; it waits waitFor, then the question is over.

// The kinds of draft that wait for typed text.
const (
	draftField = "field" // fieldDraft: a field of an existing task
	draftGuide = "guide" // guide: the guided /giao, one draft per step
)

// waitFor is how long a question waits for its answer: long enough to
// look up a document's number, short enough that a word typed the next
// day is not taken for it.
const waitFor = 30 * time.Minute

// actionWait is the action of the buttons of a waiting draft:
// "g:DRAFT:TOKEN:CHOICE" (CHOICE "huy" cancels it). Every step is a new
// draft with a token of its own, so that a button of an earlier step, or
// of an earlier draft whose id SQLite gave again, is stale.
const actionWait = "g"

// waitToken is the token of a waiting draft, in its payload.
type waitToken struct {
	Token string `json:"token"`
}

func (w *waitToken) setToken(s string) { w.Token = s }

// tokened is a waiting draft's payload.
type tokened interface{ setToken(string) }

// choiceCancel is the choice of a waiting draft's ✖ button.
const choiceCancel = "huy"

func waits(kind string) bool { return kind == draftField || kind == draftGuide }

// waiting returns the caller's latest draft of a waiting kind in this
// chat, nil if none, after removing the older ones.
func (c *conv) waiting() (*nhacviec.Draft, error) {
	ds, err := c.tx.DraftsOf(c.chat.ID, c.me.ID)
	if err != nil {
		return nil, err
	}
	var latest *nhacviec.Draft
	for _, d := range ds {
		switch {
		case !waits(d.Kind):
		case latest == nil:
			latest = d
		default:
			if err := c.tx.DeleteDraft(d.ID); err != nil {
				return nil, err
			}
		}
	}
	return latest, nil
}

// wait stores a draft that waits for the caller's next message here,
// with a new token; an older one (another field, a guided /giao left
// half way) is dropped.
func (c *conv) wait(kind string, v tokened) (*nhacviec.Draft, error) {
	var raw [6]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	v.setToken(base64.RawURLEncoding.EncodeToString(raw[:]))
	ds, err := c.tx.DraftsOf(c.chat.ID, c.me.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if waits(d.Kind) {
			if err := c.tx.DeleteDraft(d.ID); err != nil {
				return nil, err
			}
		}
	}
	return c.saveJSONDraft(kind, v)
}

func (c *conv) expired(d *nhacviec.Draft) bool { return c.now.Sub(d.CreatedAt) > waitFor }

// typed gives text to the draft waiting for it, if any; ok is false when
// none does and the message goes its usual way.
func (c *conv) typed(text string) (cmd string, ok bool, err error) {
	if c.me == nil || text == "" {
		return "", false, nil
	}
	d, err := c.waiting()
	if err != nil || d == nil {
		return "", false, err
	}
	if c.u.ReplyTo != "" {
		// "xong" or a note replied to a reminder is about that task.
		ids, err := c.tx.TasksOfMessage(c.chat.ID, c.u.ReplyTo)
		if err != nil || len(ids) > 0 {
			return "", false, err
		}
	}
	cmd = "giao"
	if c.expired(d) {
		if err := c.tx.DeleteDraft(d.ID); err != nil {
			return cmd, true, err
		}
		if c.chat.Kind != nhacviec.ChatPrivate {
			return "", false, nil // chatter in a group, long after
		}
		return cmd, true, c.say(c.expiredText(d))
	}
	if f := calendar.Fold(strings.TrimRight(text, ".!")); f == "huy" || f == "thoi" {
		return cmd, true, c.stopWaiting(d)
	}
	if d.Kind == draftField {
		return cmd, true, c.typedField(d, text)
	}
	return cmd, true, c.typedGuide(d, text)
}

// waitButton handles a press of a waiting draft's button: only its
// author, in its chat, at its step; anything else is a stale button.
func (c *conv) waitButton(draftID int64, data string) error {
	token, choice, _ := strings.Cut(data, ":")
	d, err := c.tx.Draft(draftID)
	if nhacviec.ErrorCode(err) == nhacviec.ENotFound || (err == nil && (d.PersonID != c.me.ID || d.ChatID != c.chat.ID || !waits(d.Kind))) {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	} else if err != nil {
		return err
	}
	var w waitToken
	if err := json.Unmarshal([]byte(d.Payload), &w); err != nil || w.Token == "" || w.Token != token {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	if c.expired(d) {
		if err := c.tx.DeleteDraft(d.ID); err != nil {
			return err
		}
		if err := c.removeButtons(); err != nil {
			return err
		}
		return c.say(c.expiredText(d))
	}
	if choice == choiceCancel {
		return c.stopWaiting(d)
	}
	if d.Kind != draftGuide {
		return nhacviec.Errorf(nhacviec.EInvalid, textStaleButton)
	}
	return c.guideButton(d, choice)
}

// stopWaiting drops a waiting draft at its author's word.
func (c *conv) stopWaiting(d *nhacviec.Draft) error {
	if err := c.tx.DeleteDraft(d.ID); err != nil {
		return err
	}
	if err := c.removeButtons(); err != nil {
		return err
	}
	if d.Kind == draftField {
		var f fieldDraft
		_ = json.Unmarshal([]byte(d.Payload), &f)
		return c.reply(&nhacviec.Message{Text: fmt.Sprintf(textFieldStopped, f.TaskID)})
	}
	return c.reply(&nhacviec.Message{Text: textGuideCancelled})
}

func (c *conv) expiredText(d *nhacviec.Draft) string {
	minutes := int(waitFor / time.Minute)
	if d.Kind == draftField {
		var f fieldDraft
		_ = json.Unmarshal([]byte(d.Payload), &f)
		return fmt.Sprintf(textFieldExpired, minutes, fieldButtonLabel(lineKind(f.Kind)), f.TaskID)
	}
	return fmt.Sprintf(textGuideExpired, minutes)
}

// waitButtonOf is a button of waiting draft d, whose token is token.
func waitButtonOf(d *nhacviec.Draft, token, label, choice string) nhacviec.Button {
	return nhacviec.Button{Text: label, Data: fmt.Sprintf("%s:%d:%s:%s", actionWait, d.ID, token, choice)}
}

const (
	textFieldStopped   = "Đã thôi: việc #%d không thay đổi gì."
	textFieldExpired   = "Tôi chỉ chờ %d phút sau khi bấm nút nên chưa ghi gì. Muốn ghi, hãy bấm lại nút %s dưới tin về việc #%d (gõ /chitiet %[3]d để có tin đó)."
	textGuideExpired   = "Tôi chỉ chờ %d phút cho mỗi bước nên đã bỏ việc đang giao dở; chưa giao việc nào. Gõ /giao để giao lại từng bước, hoặc gõ một dòng, ví dụ: /giao @an Báo cáo CCHC quý IV hạn 20/12"
	textGuideCancelled = "Đã hủy: chưa giao việc nào. Gõ /giao khi cần giao việc từng bước."
)
