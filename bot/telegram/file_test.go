package telegram

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
)

// Files go as documents and photos, with their caption, and a refused
// upload says what to do as a refused message does: wait on a 429, retry
// on a 5xx, give up on a 403. (The library's upload path dropped the
// error code: every refusal of a file was given up.)
func TestSendFile(t *testing.T) {
	const token = "42:secret-token"
	srv := telegramtest.New(token)
	defer srv.Close()
	tg, err := New(Config{Token: token, APIURL: srv.URL(), Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	group := srv.Group(7, "Phòng Tổng hợp")
	var img bytes.Buffer
	if err := png.Encode(&img, image.NewRGBA(image.Rect(0, 0, 40, 30))); err != nil {
		t.Fatal(err)
	}
	out := func(kind nhacviec.MessageKind, name string, data []byte) *nhacviec.Outgoing {
		return &nhacviec.Outgoing{ChatExternalID: strconv.FormatInt(group.ID, 10), File: &nhacviec.File{Name: name, Data: data},
			Message: nhacviec.Message{Kind: kind, Text: "<b>Thống kê</b> tháng 11", HTML: true}}
	}
	ctx := context.Background()
	if _, err := tg.Send(ctx, out(nhacviec.KindDocument, "thongke.xlsx", []byte("PK xlsx"))); err != nil {
		t.Fatal(err)
	}
	if _, err := tg.Send(ctx, out(nhacviec.KindPhoto, "thongke.png", img.Bytes())); err != nil {
		t.Fatal(err)
	}
	sent := srv.SentTo(group.ID)
	if len(sent) != 2 || sent[0].Method != "sendDocument" || sent[0].FileName != "thongke.xlsx" || sent[0].Plain != "Thống kê tháng 11" ||
		sent[1].Method != "sendPhoto" || !bytes.Equal(sent[1].File, img.Bytes()) {
		t.Fatalf("sent %+v", sent)
	}
	for _, tc := range []struct {
		fault telegramtest.Fault
		check func(*bot.SendError) bool
	}{
		{telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 3", RetryAfter: 3}, func(e *bot.SendError) bool { return e.RetryAfter == 3*time.Second }},
		{telegramtest.Fault{Code: 502, Description: "Bad Gateway"}, func(e *bot.SendError) bool { return e.Temporary }},
		{telegramtest.Fault{Code: 403, Description: "Forbidden: bot was kicked from the group chat"}, func(e *bot.SendError) bool { return e.Forbidden }},
	} {
		srv.FailNext("sendDocument", 1, tc.fault)
		_, err := tg.Send(ctx, out(nhacviec.KindDocument, "thongke.xlsx", []byte("PK xlsx")))
		var se *bot.SendError
		if !errors.As(err, &se) || !tc.check(se) {
			t.Errorf("a %d on an upload: %#v", tc.fault.Code, err)
		}
	}
}
