package telegramtest

import (
	"bytes"
	"image"
	_ "image/jpeg" // photos Telegram takes
	_ "image/png"
	"io"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// sendPhoto takes an uploaded image as Telegram does: at most 10 MB, an
// image it can decode, width plus height at most 10,000 pixels; the
// caption as sendDocument's. Recorded with Method "sendPhoto".
func (s *Server) sendPhoto(p params) (any, *apiError) {
	var caption string
	var ents []tgbotapi.MessageEntity
	if c := p.str("caption"); c != "" {
		var e *apiError
		caption, ents, e = renderText(c, p.str("parse_mode"), p.str("caption_entities"), 1024, "message caption is too long")
		if e != nil {
			return nil, e
		}
	}
	kb, e := parseMarkup(p.str("reply_markup"))
	if e != nil {
		return nil, e
	}
	fhs := p.files["photo"]
	if len(fhs) == 0 {
		return nil, badRequest("there is no photo in the request")
	}
	f, err := fhs[0].Open()
	if err != nil {
		return nil, badRequest("failed to read the photo")
	}
	data, err := io.ReadAll(f)
	_ = f.Close()
	if err != nil || len(data) == 0 {
		return nil, badRequest("IMAGE_PROCESS_FAILED")
	}
	if len(data) > 10<<20 {
		return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, badRequest("IMAGE_PROCESS_FAILED")
	}
	if cfg.Width+cfg.Height > 10000 {
		return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, reply, now, e := s.sendTargetLocked(p)
	if e != nil {
		return nil, e
	}
	s.seq++
	photo := tgbotapi.PhotoSize{FileID: "AgACAgIAAxkDAAI" + strconv.FormatInt(s.seq, 36), FileUniqueID: "AQAD" + strconv.FormatInt(s.seq, 36),
		Width: cfg.Width, Height: cfg.Height, FileSize: len(data)}
	m := s.newBotMessageLocked(cs, now)
	m.Photo, m.Caption, m.CaptionEntities, m.ReplyMarkup, m.ReplyToMessage = []tgbotapi.PhotoSize{photo}, caption, ents, kb, reply
	s.recordLocked(Sent{
		MessageID: m.MessageID, ChatID: cs.chat.ID, Plain: caption, ParseMode: p.str("parse_mode"),
		Markup: kb, ReplyTo: replyID(reply), At: now, Method: "sendPhoto",
		FileName: fhs[0].Filename, FileSize: len(data), File: data, Caption: p.str("caption"),
	})
	return m, nil
}
