package telegramtest

import (
	"net/http"
	"net/url"
	"testing"
)

func TestHoldFetchedAtFirstCallSentSince(t *testing.T) {
	s := New("1:x")
	defer s.Close()
	get := func(method string, v url.Values) {
		t.Helper()
		resp, err := http.PostForm(s.URL()+"/bot1:x/"+method, v)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, ok := s.FirstCall("getUpdates"); ok {
		t.Fatal("FirstCall before any call")
	}
	u := s.User(7, "an", "An")
	s.HoldUpdates(true)
	id := s.UserSays(s.PrivateChat(u), u, "/viec")
	get("getUpdates", url.Values{"timeout": {"0"}})
	if _, ok := s.FetchedAt(id); ok {
		t.Fatal("a held update was fetched")
	}
	if _, ok := s.FirstCall("getUpdates"); !ok {
		t.Fatal("no FirstCall after a call")
	}
	s.HoldUpdates(false)
	get("getUpdates", url.Values{"timeout": {"0"}})
	if _, ok := s.FetchedAt(id); !ok {
		t.Fatal("a released update was not fetched")
	}
	get("sendMessage", url.Values{"chat_id": {"7"}, "text": {"a"}})
	get("sendMessage", url.Values{"chat_id": {"7"}, "text": {"b"}})
	if n := s.SentCount(); n != 2 {
		t.Fatalf("SentCount = %d", n)
	}
	if got := s.SentSince(1); len(got) != 1 || got[0].Text != "b" {
		t.Fatalf("SentSince(1) = %+v", got)
	}
	if got := s.SentSince(2); got != nil {
		t.Fatalf("SentSince(2) = %+v", got)
	}
}
