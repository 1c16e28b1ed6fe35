package zalo

import (
	"encoding/json"
	"testing"

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
