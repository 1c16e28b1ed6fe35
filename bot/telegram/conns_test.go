package telegram

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// The sender has Sends messages in flight; each must reuse a kept-alive
// connection. Go's default transport keeps only 2 idle, so most sends
// opened a new connection: a TLS handshake to api.telegram.org each.
func TestParallelSendsReuseConnections(t *testing.T) {
	const token, sends, rounds = "42:secret-token", 8, 25
	srv := telegramtest.New(token)
	defer srv.Close()
	srv.SetLatency(2 * time.Millisecond) // so that the sends overlap
	tg, err := New(Config{Token: token, APIURL: srv.URL(), Log: zerolog.Nop(), Sends: sends})
	if err != nil {
		t.Fatal(err)
	}
	group := srv.Group(7, "Phòng Tổng hợp")
	before := srv.Stats().Conns
	var wg sync.WaitGroup
	errs := make(chan error, sends*rounds)
	for w := range sends {
		wg.Go(func() {
			for r := range rounds {
				m := &nhacviec.Outgoing{ChatExternalID: strconv.FormatInt(group.ID, 10),
					Message: nhacviec.Message{Kind: nhacviec.KindReply, Text: fmt.Sprintf("tin %d.%d", w, r)}}
				if _, err := tg.Send(context.Background(), m); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got := len(srv.SentTo(group.ID)); got != sends*rounds {
		t.Fatalf("%d messages arrived, want %d", got, sends*rounds)
	}
	// Go's transport may dial while a connection is on its way back to
	// the pool, and keep both: a few more than sends under a busy
	// machine. Without the pool it is most of the 200.
	if opened := srv.Stats().Conns - before; opened > 2*sends {
		t.Errorf("%d sends, %d at a time, opened %d connections; want at most %d", sends*rounds, sends, opened, 2*sends)
	}
}
