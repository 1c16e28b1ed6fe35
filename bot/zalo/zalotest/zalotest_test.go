package zalotest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, s *Server, method, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(s.URL()+"/bot"+s.token+"/"+method, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// One update per getUpdates, forgotten once returned; 408 after the
// timeout; texts over 2,000 characters refused; faults served in turn;
// getUpdates refused while a webhook is set.
func TestFakeBehavesAsZalo(t *testing.T) {
	s := New("tok")
	defer s.Close()
	s.SetMaxPoll(50 * time.Millisecond)
	u := User{ID: "u1", DisplayName: "An"}
	s.Text(u, Private(u), "một")
	s.Text(u, Private(u), "hai")
	for _, want := range []string{"một", "hai"} {
		code, out := post(t, s, "getUpdates", `{"timeout":"30"}`)
		msg := out["result"].(map[string]any)["message"].(map[string]any)
		if code != 200 || msg["text"] != want || msg["from"].(map[string]any)["display_name"] != "An" {
			t.Fatalf("%d %v", code, out)
		}
	}
	start := time.Now()
	if code, out := post(t, s, "getUpdates", `{"timeout":30}`); code != 408 || out["error_code"] != 408.0 || time.Since(start) > time.Second {
		t.Fatalf("no update: %d %v after %v", code, out, time.Since(start))
	}
	if code, _ := post(t, s, "sendMessage", `{"chat_id":"u1","text":"`+strings.Repeat("a", 2001)+`"}`); code != 400 {
		t.Errorf("2,001 characters: %d", code)
	}
	if code, out := post(t, s, "sendMessage", `{"chat_id":"u1","text":"`+strings.Repeat("a", 2000)+`"}`); code != 200 || out["result"].(map[string]any)["message_id"] == "" {
		t.Errorf("2,000 characters: %d %v", code, out)
	}
	s.FailNext("sendPhoto", 1, Fault{Code: 429, Description: "Quota exceeded"})
	if code, _ := post(t, s, "sendPhoto", `{"chat_id":"u1","photo":"https://x/p.png"}`); code != 429 {
		t.Errorf("injected 429: %d", code)
	}
	if code, _ := post(t, s, "sendPhoto", `{"chat_id":"u1","photo":"https://x/p.png","caption":"c"}`); code != 200 {
		t.Errorf("photo: %d", code)
	}
	if got := s.SentTo("u1"); len(got) != 2 || got[1].Photo != "https://x/p.png" || got[1].Caption != "c" {
		t.Errorf("recorded %+v", got)
	}
	if code, _ := post(t, s, "setWebhook", `{"url":"http://127.0.0.1:1/x","secret_token":"short"}`); code != 400 {
		t.Errorf("a short secret: %d", code)
	}
	if code, _ := post(t, s, "setWebhook", `{"url":"http://127.0.0.1:1/x","secret_token":"long-enough"}`); code != 200 {
		t.Fatalf("setWebhook: %d", code)
	}
	if code, _ := post(t, s, "getUpdates", `{}`); code != 400 {
		t.Errorf("getUpdates with a webhook set: %d", code)
	}
	post(t, s, "deleteWebhook", `{}`)
	if code, out := post(t, s, "getMe", `{}`); code != 200 || out["result"].(map[string]any)["can_join_groups"] != false {
		t.Errorf("getMe: %v", out)
	}
	if code, _ := post(t, s, "getMe", `{}`); code != 200 {
		t.Error(code)
	}
	resp, _ := http.Post(s.URL()+"/botwrong/getMe", "application/json", nil)
	if resp.StatusCode != 401 {
		t.Errorf("a wrong token: %d", resp.StatusCode)
	}
	resp.Body.Close()
}
