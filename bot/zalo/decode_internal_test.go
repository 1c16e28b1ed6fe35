package zalo

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// getUpdates' result is one update; an array is read too, and what is
// neither is dropped, not retried (Zalo has forgotten it already).
func TestDecodeUpdates(t *testing.T) {
	one := `{"event_name":"message.text.received","message":{"message_id":"a","text":"/viec"}}`
	for _, c := range []struct {
		raw  string
		want []string
	}{
		{one, []string{"a"}},
		{"[" + one + "," + `{"event_name":"x","message":{"message_id":"b"}}` + "]", []string{"a", "b"}},
		{"null", nil},
		{"", nil},
		{`"garbage"`, nil},
	} {
		got := decodeUpdates(json.RawMessage(c.raw), zerolog.Nop())
		if len(got) != len(c.want) {
			t.Fatalf("%s: %d updates", c.raw, len(got))
		}
		for i, u := range got {
			if u.Message == nil || u.Message.MessageID != c.want[i] {
				t.Errorf("%s: update %d: %+v", c.raw, i, u)
			}
		}
	}
}

// A message's date is read in milliseconds or seconds: a number typed
// before the bot's latest question is told apart by it.
func TestSentAt(t *testing.T) {
	for _, c := range []struct {
		in   int64
		want time.Time
	}{
		{0, time.Time{}},
		{1750316131, time.Unix(1750316131, 0)},
		{1750316131602, time.UnixMilli(1750316131602)},
	} {
		if got := sentAt(c.in); !got.Equal(c.want) {
			t.Errorf("sentAt(%d) = %v, want %v", c.in, got, c.want)
		}
	}
}

// A message without its id cannot be claimed, so it is not taken: a
// delivery again would apply it twice.
func TestMessageWithoutIDIsNotTaken(t *testing.T) {
	z := &Zalo{}
	raw := update{EventName: "message.text.received", Message: &message{Text: "/xong 3"}}
	raw.Message.Chat.ID, raw.Message.From.ID = "c1", "u1"
	if _, ok := z.convert(raw); ok {
		t.Fatal("a message without message_id was taken")
	}
	raw.Message.MessageID = "m1"
	if u, ok := z.convert(raw); !ok || !u.ClaimMessage || u.MessageID != "m1" {
		t.Fatalf("with its id: %+v %v", u, ok)
	}
}
