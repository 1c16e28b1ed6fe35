package bot

import (
	"context"
	"fmt"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
)

var _ ChatEvents = (*Bot)(nil)

// Unreachable handles a chat that refuses the bot (HTTP 403). A group:
// the bot is no longer in it, so nothing more is planned there. A private
// chat: the person blocked the bot or never started it; private messages
// stop until they write to the bot again, a message about a task is said
// in the task's group with a mention instead, and the person who
// assigned the task is told, once. A person with another app linked
// (/lienket) is written to there instead.
func (b *Bot) Unreachable(ctx context.Context, m *nhacviec.Outgoing, reason string) error {
	err := b.Store.Update(ctx, func(tx nhacviec.Tx) error {
		if m.ChatKind == nhacviec.ChatGroup {
			return tx.DeactivateChat(m.ChatID)
		}
		// p is the chat's owner even when an earlier refused message
		// marked them already: the message was meant for them.
		p, err := tx.Unreachable(m.ChatID)
		if err != nil || p == nil || m.Kind == nhacviec.KindReply || m.Kind == nhacviec.KindAnswer || m.Kind == nhacviec.KindEdit ||
			m.Kind == nhacviec.KindMenu {
			return err
		}
		if p.PrivateChatID != 0 && p.PrivateChatID != m.ChatID {
			// A linked person's other app still reaches them (/lienket).
			again := m.Message
			again.ID, again.Key, again.ChatID, again.ReplyTo = 0, fmt.Sprintf("fallback:%d", m.ID), p.PrivateChatID, ""
			_, err := tx.Enqueue(&again)
			return err
		}
		if m.TaskID == 0 {
			return nil
		}
		t, err := tx.Task(m.TaskID)
		if err != nil {
			return err
		}
		chat, err := groupFor(tx, t)
		if err != nil {
			return err
		}
		if chat != nil {
			fallback := &nhacviec.Message{Key: fmt.Sprintf("fallback:%d", m.ID), ChatID: chat.ID, Kind: m.Kind, TaskID: t.ID,
				Text: esc(p.Mention()) + " " + m.Text, HTML: m.HTML, Buttons: m.Buttons}
			if !m.HTML {
				fallback.Text = p.Mention() + " " + m.Text
			}
			if _, err := tx.Enqueue(fallback); err != nil {
				return err
			}
		}
		tell, err := headsOf(tx, t)
		if err != nil {
			return err
		}
		for _, h := range tell {
			if h.ID == p.ID || h.PrivateChatID == 0 {
				continue
			}
			if _, err := tx.Enqueue(&nhacviec.Message{Key: fmt.Sprintf("unreachable:%d:%d", p.ID, h.ID), ChatID: h.PrivateChatID,
				Kind: nhacviec.KindNotice, HTML: true, Text: fmt.Sprintf(textUnreachable, esc(p.Mention()), esc(b.botName(p.Transport)))}); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && b.Wake != nil {
		b.Wake()
	}
	b.Log.Info().Int64("chat", m.ChatID).Str("reason", strings.TrimSpace(reason)).Msg("chat unreachable")
	return err
}

// headsOf is who answers for a task's people: the heads of its unit, or
// the nearest unit above that has one; the assigner when there is none.
func headsOf(tx nhacviec.Tx, t *nhacviec.Task) ([]*nhacviec.Person, error) {
	units, err := unitsUp(tx, t.UnitID)
	if err != nil {
		return nil, err
	}
	for _, id := range units {
		roles, err := tx.UnitRoles(id)
		if err != nil {
			return nil, err
		}
		var heads []*nhacviec.Person
		for _, m := range roles {
			if m.Role == nhacviec.RoleHead {
				p, err := tx.Person(m.PersonID)
				if err != nil {
					return nil, err
				}
				heads = append(heads, p)
			}
		}
		if len(heads) > 0 {
			return heads, nil
		}
	}
	assigner, err := tx.Person(t.AssignerID)
	if err != nil {
		return nil, err
	}
	return []*nhacviec.Person{assigner}, nil
}

// Migrated follows a group upgraded to a supergroup: its tasks and
// messages now belong to the new chat id.
func (b *Bot) Migrated(ctx context.Context, m *nhacviec.Outgoing, newChatID string) error {
	return b.Store.Update(ctx, func(tx nhacviec.Tx) error {
		return tx.MigrateChat(m.Transport, m.ChatExternalID, newChatID)
	})
}

const textUnreachable = "⚠️ %s đã chặn hoặc chưa mở chat riêng với bot nên không nhận được nhắc việc riêng. Tôi sẽ nhắc trong nhóm; nhờ anh/chị báo người đó nhắn /start cho %s."
