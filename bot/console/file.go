package console

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
)

// saveFile writes a document's or photo's file to the Files folder and
// prints its path, as a chat would show the file.
func (s *Session) saveFile(m *nhacviec.Outgoing) error {
	dir := s.Files
	if dir == "" {
		dir = "."
	}
	path := filepath.Join(dir, filepath.Base(m.File.Name))
	if err := os.WriteFile(path, m.File.Data, 0o644); err != nil {
		return fmt.Errorf("console: save %s: %w", path, err)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	what := "tệp"
	if m.Kind == nhacviec.KindPhoto {
		what = "ảnh"
	}
	fmt.Fprintf(s.Out, "    (%s %s, %d KB: %s)\n", what, m.File.Name, (len(m.File.Data)+1023)/1024, path)
	return nil
}

// document is the file named after /nhap in a console line ("/nhap
// ke-hoach.xlsx"), read from disk as a chat app would attach it; nil
// when the line names none.
func document(text string) *bot.Document {
	if !bot.WantsDocument(text) {
		return nil
	}
	_, path, _ := strings.Cut(strings.TrimSpace(text), " ")
	path = strings.TrimSpace(path)
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".xlsx" && ext != ".csv" {
		return nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return &bot.Document{Name: filepath.Base(path), Failed: true}
	}
	d := &bot.Document{Name: filepath.Base(path), Size: info.Size()}
	if d.Size > bot.MaxDocument {
		return d
	}
	if d.Data, err = os.ReadFile(path); err != nil {
		d.Failed = true
	}
	return d
}
