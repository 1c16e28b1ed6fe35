package bot

import "testing"

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"Báo\u200b cáo":                "Báo cáo",
		"\u202eVI ýuq oác oáB":         "VI ýuq oác oáB",
		"\ufeff1365\u2066/VP-NL\u2069": "1365/VP-NL",
		"tài\u00ad liệu\u200d":         "tài liệu",
		"Ke\u0302\u0301 hoạch":         "Ke\u0302\u0301 hoạch", // combining marks (Mn) are letters' accents: kept
		"dòng 1\ndòng 2\ttab":          "dòng 1\ndòng 2\ttab",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
	u := cleanUpdate(Update{Text: "/giao @an x\u200b hạn mai", ChatTitle: "Nhóm\u202e", From: &User{Name: "An\u200f", Username: "an"},
		Mentions: []Mention{{Text: "Bình\u200b", User: User{Name: "Bình\u2067"}}}})
	if u.Text != "/giao @an x hạn mai" || u.ChatTitle != "Nhóm" || u.From.Name != "An" || u.Mentions[0].Text != "Bình" || u.Mentions[0].User.Name != "Bình" {
		t.Errorf("cleanUpdate = %+v %+v %+v", u, *u.From, u.Mentions)
	}
}
