package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
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
	resp, err := api.Request(c)
	if err != nil {
		// The library's upload path drops the answer's error_code, which
		// says whether to wait (429), retry (5xx) or give up (403).
		var apiErr *tgbotapi.Error
		if errors.As(err, &apiErr) && apiErr.Code == 0 && resp != nil {
			apiErr.Code = resp.ErrorCode
		}
		return "", classify(t.redact(err))
	}
	var sent tgbotapi.Message
	if err := json.Unmarshal(resp.Result, &sent); err != nil {
		return "", fmt.Errorf("telegram: sent file: %w", err)
	}
	return strconv.Itoa(sent.MessageID), nil
}
