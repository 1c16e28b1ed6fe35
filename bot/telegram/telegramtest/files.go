package telegramtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// UserSendsDocument queues a message from `from` in chat carrying a file
// (name, data) with caption, as Telegram sends it: a document with a
// file_id that getFile resolves and /file/bot<token>/<path> serves. It
// returns the update_id.
func (s *Server) UserSendsDocument(chat tgbotapi.Chat, from tgbotapi.User, caption, name string, data []byte) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerUser(from)
	cs := s.registerChat(chat)
	f, c := from, cs.chat
	s.seq++
	id := "BQACAgIAAxkBAAI" + strconv.FormatInt(s.seq, 36)
	if s.uploads == nil {
		s.uploads = map[string][]byte{}
	}
	s.uploads[id] = append([]byte(nil), data...)
	m := &tgbotapi.Message{From: &f, Chat: &c, Date: int(time.Now().Unix()), Caption: caption, CaptionEntities: autoEntities(caption),
		Document: &tgbotapi.Document{FileID: id, FileUniqueID: "AgAD" + strconv.FormatInt(s.seq, 36), FileName: name, FileSize: len(data)}}
	return s.addUpdateLocked(tgbotapi.Update{Message: m})
}

// getFile resolves a file_id that a user sent to a path to download.
func (s *Server) getFile(p params) (any, *apiError) {
	id := p.str("file_id")
	s.mu.Lock()
	data, ok := s.uploads[id]
	s.mu.Unlock()
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	return tgbotapi.File{FileID: id, FileUniqueID: "AgAD" + id, FileSize: len(data), FilePath: "documents/" + id}, nil
}

// serveFile serves /file/bot<token>/documents/<file_id>.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/file/bot")
	token, path, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	data, ok := s.uploads[strings.TrimPrefix(path, "documents/")]
	s.mu.Unlock()
	if token != s.token || !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(data)
}
