package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
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

// document is the file a command that reads one (bot.WantsDocument) came
// with, or replies to: downloaded here, before the update is handled, so
// that no transaction waits on the network. A file too big, or one that
// could not be downloaded, comes without its data; the core says why.
func (t *Telegram) document(m *tgbotapi.Message, text string) *bot.Document {
	if !bot.WantsDocument(text) {
		return nil
	}
	doc := m.Document
	if doc == nil && m.ReplyToMessage != nil {
		doc = m.ReplyToMessage.Document
	}
	if doc == nil {
		return nil
	}
	out := &bot.Document{Name: doc.FileName, Size: int64(doc.FileSize)}
	if out.Size > bot.MaxDocument {
		return out
	}
	data, err := t.download(doc.FileID)
	if err != nil {
		t.log.Warn().Err(err).Str("file", doc.FileName).Msg("document not downloaded")
		out.Failed = true
		return out
	}
	out.Data = data
	return out
}

// download fetches a file a user sent: getFile, then the file's URL.
func (t *Telegram) download(fileID string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f, err := t.with(ctx).GetFile(tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		return nil, t.redact(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.apiURL+"/file/bot"+t.token+"/"+f.FilePath, nil)
	if err != nil {
		return nil, t.redact(err)
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, t.redact(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("telegram: download: %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, bot.MaxDocument+1))
	if err != nil {
		return nil, t.redact(err)
	}
	if len(data) > bot.MaxDocument {
		return nil, errors.New("telegram: download: file bigger than announced")
	}
	return data, nil
}
