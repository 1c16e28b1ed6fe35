package bot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/calendar"
)

// search: /tim TỪ_KHÓA finds the tasks whose title or source document
// has every word, typed with or without diacritics ("/tim 1365/VP-NL",
// "/tim ke hoach CCHC"), among the tasks the caller may list, as /quahan
// decides (scope.go): open or closed, grouped as /quahan groups them,
// at most maxListed and how many more. "/tim trongtam …" keeps the key
// tasks; "/tim trongtam" alone lists them all.
func (c *conv) search(args string) error {
	key, words := listFilter(args)
	switch {
	case words == "" && key:
		return c.scopeTasks(nhacviec.TaskFilter{KeyTask: true}, textSearchKeyHeader, textSearchNoKey)
	case words == "":
		return nhacviec.Errorf(nhacviec.EInvalid, textSearchUsage)
	}
	if err := checkSearch(words); err != nil {
		return err
	}
	// The header is a format for the count: a % typed stays a %.
	header := fmt.Sprintf(textSearchHeader, strings.ReplaceAll(esc(words), "%", "%%"))
	return c.scopeTasks(nhacviec.TaskFilter{Search: words, KeyTask: key}, header, fmt.Sprintf(textSearchNone, esc(words)))
}

// maxSearch bounds what a search may be, in characters.
const maxSearch = 100

// checkSearch refuses a search too long to be meant as one.
func checkSearch(words string) error {
	if n := utf8.RuneCountInString(words); n > maxSearch {
		return nhacviec.Errorf(nhacviec.EInvalid, textSearchTooLong, maxSearch, n)
	}
	return nil
}

// listFilter reads the words after a listing command: "trongtam" (or
// "trọng tâm") asks for key tasks only, and the other words, if any, are
// a search.
func listFilter(args string) (key bool, words string) {
	fields := strings.Fields(args)
	var rest []string
	for i := 0; i < len(fields); i++ {
		w := strings.Trim(calendar.Fold(fields[i]), ",.;")
		switch {
		case w == "trongtam":
			key = true
		case w == "trong" && i+1 < len(fields) && strings.Trim(calendar.Fold(fields[i+1]), ",.;") == "tam":
			key = true
			i++
		default:
			rest = append(rest, fields[i])
		}
	}
	return key, strings.Join(rest, " ")
}

// keyFilterOnly reads the words after /quahan or /sapden: nothing, or
// "trongtam"; anything else is answered with both forms.
func keyFilterOnly(args, cmd string) (bool, error) {
	key, words := listFilter(args)
	if words != "" {
		return false, nhacviec.Errorf(nhacviec.EInvalid, textListFilterUsage, esc(clip(words, maxEcho)), cmd, cmd, esc(clip(words, maxEcho)))
	}
	return key, nil
}

const (
	textSearchHeader     = "🔍 <b>Việc có \"%s\"</b> (%%d)"
	textSearchNone       = "Không thấy việc nào có \"%s\" trong số việc bạn xem được.\nVí dụ: /tim 1365/VP-NL hoặc /tim kế hoạch CCHC"
	textSearchKeyHeader  = "⭐ <b>Việc trọng tâm</b> (%d)"
	textSearchNoKey      = "Không có việc trọng tâm nào trong số việc bạn xem được."
	textSearchUsage      = "Bạn tìm gì? Ghi số văn bản hoặc vài chữ trong tên việc.\nVí dụ: /tim 1365/VP-NL hoặc /tim kế hoạch CCHC"
	textSearchTooLong    = "Từ khóa dài quá: tối đa %d ký tự (bạn gõ %d). Chỉ cần số văn bản hoặc vài chữ trong tên việc.\nVí dụ: /tim 1365/VP-NL"
	textListFilterUsage  = "Tôi chưa hiểu \"%s\".\nVí dụ: %s (tất cả), %s trongtam (chỉ việc trọng tâm).\nTìm việc theo từ khóa: /tim %s"
	textNoMatchingTasks  = "Bạn không có việc nào đang mở có \"%s\".\nTìm trong mọi việc bạn xem được: /tim %s"
	textNoKeyTasks       = "Bạn không có việc trọng tâm nào đang mở."
	textMyMatchingHeader = "<b>Việc của bạn có \"%s\"</b> (%d)"
	textMyKeyTasksHeader = "⭐ <b>Việc trọng tâm của bạn</b> (%d)"
	// The key-task lists of /quahan and /sapden.
	textKeyOverdueHeader  = "⚠️ <b>Việc trọng tâm quá hạn</b> (%d)"
	textNoKeyOverdue      = "Không có việc trọng tâm nào quá hạn. 👍"
	textKeyUpcomingHeader = "⏳ <b>Việc trọng tâm đến hạn trong 7 ngày</b> (%d)"
	textNoKeyUpcoming     = "Không có việc trọng tâm nào đến hạn trong 7 ngày tới."
)
