package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot/telegram/telegramtest"
	"github.com/nhacviec/nhacviec/store"
)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// movable is a clock a test sets.
type movable struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movable) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *movable) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// downloadServer is the real HTTP handler (httpHandler, with the links'
// routes) over a real SQLite file, on a real listener.
type downloadServer struct {
	*downloads
	clock *movable
	srv   *httptest.Server
}

func newDownloadServer(t *testing.T, publicURL string) *downloadServer {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := &movable{t: at(23, 9, 0)}
	d, err := newDownloads(db, publicURL, clock.now)
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]http.Handler{}
	d.addRoutes(routes)
	f := &fakeHealth{now: clock.now(), started: clock.now()}
	srv := httptest.NewServer(httpHandler(f.check(), prometheus.NewRegistry(), routes))
	t.Cleanup(srv.Close)
	return &downloadServer{downloads: d, clock: clock, srv: srv}
}

// publish offers body and returns its link on the test server: the path
// of the public link, on the server's address, as the proxy forwards it.
func (s *downloadServer) publish(t *testing.T, name, mimeType string, body []byte) string {
	t.Helper()
	link, err := s.Publish(context.Background(), name, mimeType, body)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return s.srv.URL + u.EscapedPath()
}

type fetched struct {
	code   int
	header http.Header
	body   string
}

func fetch(t *testing.T, method, link string) fetched {
	t.Helper()
	req, err := http.NewRequest(method, link, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fetched{resp.StatusCode, resp.Header, string(b)}
}

// The link of an export opens a page that names the file; its button
// downloads it, with the file's headers. The page and HEAD spend
// nothing; the download allows 3 fetches within 5 minutes of the first
// and is then gone, with a Vietnamese page saying so.
func TestDownloadLinkOnce(t *testing.T) {
	s := newDownloadServer(t, "https://nhacviec.example.gov.vn")
	file := []byte("PK\x03\x04 tệp Excel")
	page := s.publish(t, "thongke-quy-4.xlsx", xlsxType, file)
	if !tokenForm.MatchString(strings.TrimPrefix(page, s.srv.URL+"/tai/")) {
		t.Fatalf("the link %s is not …/tai/TOKEN", page)
	}
	for _, method := range []string{"GET", "GET", "HEAD"} {
		got := fetch(t, method, page)
		if got.code != 200 || got.header.Get("Content-Type") != "text/html; charset=utf-8" || got.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("%s page: %d %v", method, got.code, got.header)
		}
		if method == "GET" && (!strings.Contains(got.body, "<h1>thongke-quy-4.xlsx</h1>") || !strings.Contains(got.body, "Tải về") ||
			!strings.Contains(got.body, `href="`+strings.TrimPrefix(page, s.srv.URL+"/tai/")+`/thongke-quy-4.xlsx"`)) {
			t.Fatalf("the page:\n%s", got.body)
		}
	}
	fileURL := page + "/thongke-quy-4.xlsx"
	for range 2 {
		head := fetch(t, "HEAD", fileURL)
		if head.code != 200 || head.header.Get("Content-Length") != strconv.Itoa(len(file)) || head.header.Get("Content-Type") != xlsxType || head.body != "" {
			t.Fatalf("HEAD of the file: %+v", head)
		}
	}
	got := fetch(t, "GET", fileURL)
	if got.code != 200 || got.body != string(file) {
		t.Fatalf("the download: %d %q", got.code, got.body)
	}
	for header, want := range map[string]string{
		"Content-Type":           xlsxType,
		"Content-Disposition":    `attachment; filename=thongke-quy-4.xlsx`,
		"Content-Length":         strconv.Itoa(len(file)),
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
	} {
		if v := got.header.Get(header); v != want {
			t.Errorf("%s: %q, want %q", header, v, want)
		}
	}
	// A phone's download manager fetches it again at once: allowed,
	// twice more; then it is gone.
	s.clock.add(time.Minute)
	for i := range 2 {
		if got := fetch(t, "GET", fileURL); got.code != 200 || got.body != string(file) {
			t.Fatalf("fetch %d within the grace: %d", i+2, got.code)
		}
	}
	for _, link := range []string{fileURL, page} {
		got := fetch(t, "GET", link)
		if got.code != http.StatusGone || !strings.Contains(got.body, "Liên kết đã được dùng") || !strings.Contains(got.body, "Ví dụ: /xuat quý 4") {
			t.Errorf("%s after 3 fetches: %d\n%s", link, got.code, got.body)
		}
	}
	// Fetched once, it is gone 5 minutes later.
	other := s.publish(t, "b.xlsx", xlsxType, file) + "/b.xlsx"
	if got := fetch(t, "GET", other); got.code != 200 {
		t.Fatalf("first fetch: %d", got.code)
	}
	s.clock.add(5 * time.Minute)
	if got := fetch(t, "GET", other); got.code != http.StatusGone || !strings.Contains(got.body, "đã được tải về") {
		t.Errorf("second fetch 5 minutes later: %d\n%s", got.code, got.body)
	}
	if got := fetch(t, "HEAD", other); got.code != http.StatusGone {
		t.Errorf("HEAD once gone: %d", got.code)
	}
}

// A link not used within 24 hours has ended; an unknown or malformed
// token finds nothing; neither says anything of a file.
func TestDownloadLinkExpiredOrUnknown(t *testing.T) {
	s := newDownloadServer(t, "https://nhacviec.example.gov.vn")
	page := s.publish(t, "thongke-2026-11.xlsx", xlsxType, []byte("x"))
	s.clock.add(24 * time.Hour)
	for _, link := range []string{page, page + "/thongke-2026-11.xlsx"} {
		got := fetch(t, "GET", link)
		if got.code != http.StatusGone || !strings.Contains(got.body, "Liên kết đã hết hạn") || strings.Contains(got.body, "thongke") {
			t.Errorf("%s after 24 h: %d\n%s", link, got.code, got.body)
		}
	}
	for _, path := range []string{"/tai/AAAAAAAAAAAAAAAAAAAAAAAAAA", "/tai/AAAAAAAAAAAAAAAAAAAAAAAAAA/a.xlsx", "/tai/x'%20OR%201=1", "/tai/" + strings.Repeat("A", 27)} {
		got := fetch(t, "GET", s.srv.URL+path)
		if got.code != http.StatusNotFound || !strings.Contains(got.body, "Không tìm thấy tệp") {
			t.Errorf("%s: %d\n%s", path, got.code, got.body)
		}
	}
	if got := fetch(t, "POST", page); got.code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", got.code)
	}
}

// A chart's link is the file itself, for Zalo's servers to fetch: shown
// inline, 5 fetches within 10 minutes of the first, an hour at most.
func TestPhotoLink(t *testing.T) {
	s := newDownloadServer(t, "https://nhacviec.example.gov.vn")
	png := []byte("\x89PNG\r\n\x1a\n biểu đồ")
	link := s.publish(t, "thongke-2026-11.png", "image/png", png)
	if !strings.HasSuffix(link, "/thongke-2026-11.png") {
		t.Fatalf("the photo's link %s is not the file's", link)
	}
	for i := range 5 {
		got := fetch(t, "GET", link)
		if got.code != 200 || got.body != string(png) || got.header.Get("Content-Type") != "image/png" ||
			got.header.Get("Content-Disposition") != "inline; filename=thongke-2026-11.png" {
			t.Fatalf("fetch %d: %d %v", i+1, got.code, got.header)
		}
	}
	if got := fetch(t, "GET", link); got.code != http.StatusGone {
		t.Errorf("a 6th fetch: %d", got.code)
	}
	unused := s.publish(t, "b.png", "image/png", png)
	s.clock.add(time.Hour)
	if got := fetch(t, "GET", unused); got.code != http.StatusGone {
		t.Errorf("an hour later: %d", got.code)
	}
}

// A Vietnamese file name reaches the person whole (filename*, RFC 5987)
// and without diacritics for clients that know only filename.
func TestDownloadVietnameseName(t *testing.T) {
	s := newDownloadServer(t, "https://nhacviec.example.gov.vn")
	name := `Thống kê "quý 4" Đội 1.xlsx`
	got := fetch(t, "GET", s.publish(t, name, xlsxType, []byte("x"))+"/"+url.PathEscape(name))
	if got.code != 200 {
		t.Fatalf("%d", got.code)
	}
	cd := got.header.Get("Content-Disposition")
	kind, params, err := mime.ParseMediaType(cd)
	if err != nil || kind != "attachment" || params["filename"] != name {
		t.Errorf("Content-Disposition %q reads as %q %q (%v)", cd, kind, params, err)
	}
	if !strings.HasPrefix(cd, `attachment; filename="thong ke _quy 4_ doi 1.xlsx"; filename*=utf-8''`) {
		t.Errorf("Content-Disposition %q lacks the ASCII name first", cd)
	}
}

// A file of 20 MB goes through the HTTP server whole.
func TestDownloadOf20MBOverHTTP(t *testing.T) {
	s := newDownloadServer(t, "https://nhacviec.example.gov.vn")
	big := make([]byte, 20<<20+777)
	for i := range big {
		big[i] = byte(i*31 + i>>11)
	}
	start := time.Now()
	link := s.publish(t, "nam-2026.xlsx", xlsxType, big) + "/nam-2026.xlsx"
	published := time.Since(start)
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	if err != nil || resp.StatusCode != 200 || n != int64(len(big)) || resp.ContentLength != int64(len(big)) {
		t.Fatalf("%d: %d bytes of %d (length %d), %v", resp.StatusCode, n, len(big), resp.ContentLength, err)
	}
	if want := sha256.Sum256(big); !bytes.Equal(h.Sum(nil), want[:]) {
		t.Error("the file downloaded differs")
	}
	t.Logf("20 MB: published in %v, downloaded in %v", published, time.Since(start)-published)
}

// Publish builds the link from NHACVIEC_PUBLIC_URL, with or without a
// trailing slash and under a path, and the server answers it at that
// path; without NHACVIEC_PUBLIC_URL it says so, and serves nothing.
func TestPublishBuildsTheLink(t *testing.T) {
	for _, c := range []struct{ public, prefix string }{
		{"https://nhacviec.example.gov.vn", "https://nhacviec.example.gov.vn/tai/"},
		{"https://nhacviec.example.gov.vn/", "https://nhacviec.example.gov.vn/tai/"},
		{"https://so.example.gov.vn/nhacviec", "https://so.example.gov.vn/nhacviec/tai/"},
		{"https://so.example.gov.vn/bot/nhacviec/", "https://so.example.gov.vn/bot/nhacviec/tai/"},
		{"http://10.0.0.5:8080/nv", "http://10.0.0.5:8080/nv/tai/"},
	} {
		s := newDownloadServer(t, c.public)
		link, err := s.Publish(context.Background(), "thongke.xlsx", xlsxType, []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		token, found := strings.CutPrefix(link, c.prefix)
		if !found || !tokenForm.MatchString(token) {
			t.Errorf("%s: link %s, want %sTOKEN", c.public, link, c.prefix)
			continue
		}
		photo, err := s.Publish(context.Background(), "biểu đồ.png", "image/png", []byte("x"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(photo, c.prefix) || !strings.HasSuffix(photo, "/bi%E1%BB%83u%20%C4%91%E1%BB%93.png") {
			t.Errorf("%s: photo link %s", c.public, photo)
		}
		u, _ := url.Parse(link)
		if got := fetch(t, "GET", s.srv.URL+u.Path); got.code != 200 {
			t.Errorf("%s: the server answers %s with %d", c.public, u.Path, got.code)
		}
		u, _ = url.Parse(photo)
		if got := fetch(t, "GET", s.srv.URL+u.EscapedPath()); got.code != 200 || got.body != "x" {
			t.Errorf("%s: the server answers %s with %d", c.public, u.EscapedPath(), got.code)
		}
	}
	s := newDownloadServer(t, "")
	if link, err := s.Publish(context.Background(), "thongke.xlsx", xlsxType, []byte("x")); link != "" || !errors.Is(err, nhacviec.ErrNoPublicURL) {
		t.Errorf("without a public URL: %q, %v", link, err)
	}
	if got := fetch(t, "GET", s.srv.URL+"/tai/AAAAAAAAAAAAAAAAAAAAAAAAAA"); got.code != http.StatusNotFound || strings.Contains(got.body, "tệp") {
		t.Errorf("without a public URL, /tai/ answers %d\n%s", got.code, got.body)
	}
	// A file the store refuses says why, as EInvalid.
	s = newDownloadServer(t, "https://nhacviec.example.gov.vn")
	if _, err := s.Publish(context.Background(), "a.xlsx", xlsxType, nil); nhacviec.ErrorCode(err) != nhacviec.EInvalid {
		t.Errorf("an empty file: %v", err)
	}
}

// NHACVIEC_PUBLIC_URL (or -public-url) is an absolute http(s) URL
// without a query, and needs the HTTP server.
func TestPublicURLConfig(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string // "" for refused
	}{
		{nil, nil, ""},
		{map[string]string{"NHACVIEC_PUBLIC_URL": "https://nhacviec.example.gov.vn/nv/"}, nil, "https://nhacviec.example.gov.vn/nv/"},
		{map[string]string{"NHACVIEC_PUBLIC_URL": "https://a.example"}, []string{"-public-url", "http://10.0.0.5:8080"}, "http://10.0.0.5:8080"},
		{map[string]string{"NHACVIEC_PUBLIC_URL": "nhacviec.example.gov.vn"}, nil, "!"},
		{map[string]string{"NHACVIEC_PUBLIC_URL": "ftp://nhacviec.example.gov.vn"}, nil, "!"},
		{map[string]string{"NHACVIEC_PUBLIC_URL": "https://nhacviec.example.gov.vn/?a=1"}, nil, "!"},
		{map[string]string{"NHACVIEC_PUBLIC_URL": "https://nhacviec.example.gov.vn/{x}"}, nil, "!"},
		{map[string]string{"NHACVIEC_PUBLIC_URL": "https://"}, nil, "!"},
		{map[string]string{"NHACVIEC_PUBLIC_URL": "https://nhacviec.example.gov.vn", "NHACVIEC_HTTP_ADDR": "off"}, nil, "!"},
	} {
		cfg, err := (&Main{Stderr: &bytes.Buffer{}, Getenv: env(c.env)}).config("run", c.args)
		switch {
		case c.want == "!" && err == nil:
			t.Errorf("%v %v accepted: %q", c.env, c.args, cfg.PublicURL)
		case c.want != "!" && (err != nil || cfg.PublicURL != c.want):
			t.Errorf("%v %v: %v; want %q", c.env, c.args, err, c.want)
		}
	}
}

// The pruning loop deletes the links that ended, at once and then at
// every tick.
func TestPruneDownloadsLoop(t *testing.T) {
	s := newDownloadServer(t, "https://nhacviec.example.gov.vn")
	page := s.publish(t, "a.xlsx", xlsxType, []byte("x"))
	s.clock.add(26 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &cancelOn{want: "pruned old messages", cancel: cancel}
	prune(ctx, s.db, (&Config{PublicURL: "https://nhacviec.example.gov.vn"}).retention(), s.clock.now, make(chan time.Time), zerolog.New(logs))
	if !strings.Contains(logs.String(), `"downloads":1`) {
		t.Errorf("log: %s", logs.String())
	}
	if got := fetch(t, "GET", page); got.code != http.StatusNotFound {
		t.Errorf("the pruned link: %d", got.code)
	}
}

// The real run path serves the links under NHACVIEC_PUBLIC_URL's path
// on NHACVIEC_HTTP_ADDR, beside /healthz.
func TestRunServesDownloadLinks(t *testing.T) {
	srv := telegramtest.New(testToken)
	defer srv.Close()
	addr := unusedLoopbackAddr(t)
	m := &Main{Stdout: &bytes.Buffer{}, Stderr: &syncBuffer{}, Getenv: env(map[string]string{
		"NHACVIEC_TELEGRAM_TOKEN":   testToken,
		"NHACVIEC_TELEGRAM_API_URL": srv.URL(),
		"NHACVIEC_DB":               filepath.Join(t.TempDir(), "run.db"),
		"NHACVIEC_HTTP_ADDR":        addr,
		"NHACVIEC_PUBLIC_URL":       "https://so.example.gov.vn/nhacviec/",
	})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, nil) }()
	defer func() { cancel(); <-done }()
	var got fetched
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
			resp.Body.Close()
			got = fetch(t, "GET", "http://"+addr+"/nhacviec/tai/AAAAAAAAAAAAAAAAAAAAAAAAAA")
			break
		}
	}
	if got.code != http.StatusNotFound || !strings.Contains(got.body, "Không tìm thấy tệp") {
		t.Errorf("a link under the public path: %d\n%s", got.code, got.body)
	}
}
