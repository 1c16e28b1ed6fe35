package console

import (
	"fmt"
	"os"
	"path/filepath"

	nhacviec "github.com/nhacviec/nhacviec"
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
