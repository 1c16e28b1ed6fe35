package main

import (
	"bytes"
	"context"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/nhacviec/nhacviec/bot/zalo/zalotest"
)

// On Zalo, which takes no documents, /xuat's workbook arrives as a link
// under NHACVIEC_PUBLIC_URL, served by the bot's HTTP server, and
// /thongke's chart by sendPhoto with such a link: through the real run
// path, the links open to the files.
func TestZaloFilesGoAsLinks(t *testing.T) {
	zsrv := zalotest.New(zaloTestToken)
	defer zsrv.Close()
	zsrv.SetMaxPoll(100 * time.Millisecond)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the bot listens there; a race with another test's port is unlikely
	vars := map[string]string{
		"NHACVIEC_ZALO_TOKEN":   zaloTestToken,
		"NHACVIEC_ZALO_API_URL": zsrv.URL(),
		"NHACVIEC_DB":           filepath.Join(t.TempDir(), "run.db"),
		"NHACVIEC_HTTP_ADDR":    addr,
		"NHACVIEC_PUBLIC_URL":   "http://" + addr + "/nv",
		"NHACVIEC_ADMINS":       "zalo:" + zChi.ID,
	}
	var logs syncBuffer
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &logs, Getenv: env(vars)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"run"}) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	chat := zalotest.Private(zChi)
	zsrv.Text(zChi, chat, "/start")
	if _, err := zsrv.WaitSent(wctx, func(s zalotest.Sent) bool { return strings.HasPrefix(s.Text, "Chào") }); err != nil {
		t.Fatalf("no welcome: %v\n%s", err, logs.String())
	}
	get := func(url string) (*http.Response, []byte) {
		t.Helper()
		r, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		return r, body
	}

	zsrv.Text(zChi, chat, "/xuat")
	linked := regexp.MustCompile(`http://` + regexp.QuoteMeta(addr) + `/nv/tai/[A-Z2-7]+`)
	sent, err := zsrv.WaitSent(wctx, func(s zalotest.Sent) bool { return linked.MatchString(s.Text) })
	if err != nil {
		t.Fatalf("no link to the export: %v\n%s", err, logs.String())
	}
	page := linked.FindString(sent.Text)
	r, body := get(page)
	if r.StatusCode != http.StatusOK || !strings.Contains(string(body), "Tải về") {
		t.Fatalf("the link's page: %d\n%s", r.StatusCode, body)
	}
	href := regexp.MustCompile(`<a href="([^"]+)">Tải về</a>`).FindStringSubmatch(string(body))
	if href == nil {
		t.Fatalf("no file link on the page:\n%s", body)
	}
	base, err := url.Parse(page)
	if err != nil {
		t.Fatal(err)
	}
	file, err := base.Parse(href[1])
	if err != nil {
		t.Fatal(err)
	}
	r, xlsx := get(file.String())
	if r.StatusCode != http.StatusOK {
		t.Fatalf("the file: %d", r.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatalf("the file is not a workbook: %v", err)
	}
	if sheets := f.GetSheetList(); len(sheets) == 0 || sheets[0] != "Tổng hợp" {
		t.Errorf("sheets %q", sheets)
	}
	f.Close()

	zsrv.Text(zChi, chat, "/thongke")
	photo, err := zsrv.WaitSent(wctx, func(s zalotest.Sent) bool { return s.Method == "sendPhoto" })
	if err != nil {
		t.Fatalf("no chart: %v\n%s", err, logs.String())
	}
	r, img := get(photo.Photo)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("the chart's link: %d", r.StatusCode)
	}
	if _, err := png.Decode(bytes.NewReader(img)); err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	if strings.Contains(logs.String(), zaloTestToken) {
		t.Error("the token appears in the logs")
	}
}
