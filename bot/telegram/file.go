package telegram

import (
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
)

// sendFile uploads a message's file: a photo (sendPhoto) for KindPhoto,
// a document (sendDocument) otherwise, its text the caption.
func (t *Telegram) sendFile(api *tgbotapi.BotAPI, chatID int64, m *nhacviec.Outgoing) (string, error) {
	file := tgbotapi.FileBytes{Name: m.File.Name, Bytes: m.File.Data}
	base := tgbotapi.BaseFile{BaseChat: tgbotapi.BaseChat{ChatID: chatID}, File: file}
	if m.ReplyTo != "" {
		base.ReplyToMessageID, _ = strconv.Atoi(m.ReplyTo)
		base.AllowSendingWithoutReply = true
	}
	if len(m.Buttons) > 0 {
		base.ReplyMarkup = keyboard(m.Buttons)
	}
	mode := ""
	if m.HTML {
		mode = tgbotapi.ModeHTML
	}
	var c tgbotapi.Chattable
	if m.Kind == nhacviec.KindPhoto {
		c = tgbotapi.PhotoConfig{BaseFile: base, Caption: m.Text, ParseMode: mode}
	} else {
		c = tgbotapi.DocumentConfig{BaseFile: base, Caption: m.Text, ParseMode: mode}
	}
	sent, err := api.Send(c)
	if err != nil {
		return "", classify(t.redact(err))
	}
	return strconv.Itoa(sent.MessageID), nil
}
