package main

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/rs/zerolog"

	nhacviec "github.com/nhacviec/nhacviec"
	"github.com/nhacviec/nhacviec/bot"
	"github.com/nhacviec/nhacviec/calendar"
	"github.com/nhacviec/nhacviec/store"
)

// How long a link lives and how many fetches it allows.
//
// A document (the Excel export) is for a person, who opens the link in
// the message: it lives 24 hours and is for one download. The link in
// the message opens a page that says what the file is, and only its
// "Tải về" fetches the file: a link previewer, or a person opening the
// message twice, spends nothing. The download itself may be fetched 3
// times within 5 minutes of the first fetch, because a phone's in-app
// browser that meets a file often hands its address to the download
// manager, which fetches it again, and a download cut off is tried
// again; after that it is gone.
//
// A photo (a chart) is for Zalo's servers, which fetch the URL given to
// sendPhoto themselves and show the person their copy: its link is the
// file itself, with no page, lives an hour and allows 5 fetches within
// 10 minutes of the first. How often Zalo fetches is not documented (a
// check of the URL and the fetch, a retry, a thumbnail); a chart's link
// never reaches a person, so a few fetches risk little, and one fetch
// too few would lose the chart.
const (
	documentLife, documentUses, documentGrace = 24 * time.Hour, 3, 5 * time.Minute
	photoLife, photoUses, photoGrace          = time.Hour, 5, 10 * time.Minute
	// downloadWriteTimeout replaces the server's 30 s for a file: 20 MB
	// to a phone on a slow network takes minutes.
	downloadWriteTimeout = 10 * time.Minute
)

// downloads offers files at links on the HTTP server, for a transport
// that cannot send documents (Zalo): Publish stores a file and returns
// its link; the handlers serve it.
type downloads struct {
	db   *store.DB
	base *url.URL // NHACVIEC_PUBLIC_URL; nil when unset
	now  func() time.Time
	log  zerolog.Logger
}

// newDownloads offers files at links under publicURL (checked by
// config; "" when unset: Publish returns nhacviec.ErrNoPublicURL).
func newDownloads(db *store.DB, publicURL string, now func() time.Time) (*downloads, error) {
	d := &downloads{db: db, now: now, log: zerolog.Nop()}
	if publicURL != "" {
		u, err := parsePublicURL(publicURL)
		if err != nil {
			return nil, err
		}
		d.base = u
	}
	return d, nil
}

// publicPath is what a path under NHACVIEC_PUBLIC_URL may hold: it
// becomes part of the server's patterns.
var publicPath = regexp.MustCompile(`^[A-Za-z0-9._~/-]*$`)

func parsePublicURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || !publicPath.MatchString(u.Path) {
		return nil, usageError{fmt.Sprintf("NHACVIEC_PUBLIC_URL=%q: want the https:// address at which the proxy forwards to NHACVIEC_HTTP_ADDR, e.g. https://nhacviec.example.gov.vn (no query; a path of letters, digits and / . _ ~ -)", s)}
	}
	return u, nil
}

// Publish keeps body and returns the link to offer it at: for an image
// the file itself (for sendPhoto), for anything else the page that
// offers it. It returns nhacviec.ErrNoPublicURL when there is no
// NHACVIEC_PUBLIC_URL, and a *nhacviec.Error (EInvalid) for a file the
// store refuses (no name, empty, above store.MaxDownloadSize). It is the
// transport's hook (bot/zalo's Publish).
func (d *downloads) Publish(ctx context.Context, name, mimeType string, body []byte) (string, error) {
	if d.base == nil {
		return "", nhacviec.ErrNoPublicURL
	}
	now := d.now()
	photo := strings.HasPrefix(mimeType, "image/")
	dl := &store.Download{Name: name, MIME: mimeType, Created: now, Expires: now.Add(documentLife), Uses: documentUses, Grace: documentGrace}
	if photo {
		dl.Expires, dl.Uses, dl.Grace = now.Add(photoLife), photoUses, photoGrace
	}
	if err := d.db.PutDownload(ctx, dl, body); err != nil {
		return "", fmt.Errorf("publish %s: %w", name, err)
	}
	link := d.base.JoinPath("tai", dl.Token)
	if photo {
		link = link.JoinPath(name)
	}
	d.log.Info().Str("name", name).Int("bytes", len(body)).Bool("photo", photo).Msg("file offered at a link")
	return link.String(), nil
}

// prefix is the path the links are served under: NHACVIEC_PUBLIC_URL's
// own, as the proxy forwards it (as for the webhook), then /tai/.
func (d *downloads) prefix() string {
	return strings.TrimSuffix(d.base.Path, "/") + "/tai/"
}

// addRoutes adds the page and the file to the server's routes; nothing
// without NHACVIEC_PUBLIC_URL. GET patterns answer HEAD too.
func (d *downloads) addRoutes(routes map[string]http.Handler) {
	if d.base == nil {
		return
	}
	routes["GET "+d.prefix()+"{token}"] = http.HandlerFunc(d.page)
	routes["GET "+d.prefix()+"{token}/{name}"] = http.HandlerFunc(d.file)
}

// tokenForm is what store.PutDownload's tokens look like
// (crypto/rand.Text); anything else is not looked up.
var tokenForm = regexp.MustCompile(`^[A-Z2-7]{26}$`)

// lookup returns the link of the request's token as it stands, without
// fetching it.
func (d *downloads) lookup(r *http.Request) (*store.Download, error) {
	token := r.PathValue("token")
	if !tokenForm.MatchString(token) {
		return nil, nhacviec.Errorf(nhacviec.ENotFound, "download not found")
	}
	return d.db.Download(r.Context(), token, d.now())
}

// page answers the link in the message: what the file is and a button
// to download it. It spends nothing, so a link previewer (or HEAD)
// cannot use the link up.
func (d *downloads) page(w http.ResponseWriter, r *http.Request) {
	dl, err := d.lookup(r)
	if err != nil {
		d.refuse(w, r, err)
		return
	}
	showPage(w, http.StatusOK, downloadPage{
		Title: dl.Name,
		Lines: []string{
			"Dung lượng: " + bot.FileSize(dl.Size) + ".",
			"Liên kết chỉ dùng cho một lần tải, trong 24 giờ kể từ khi bot gửi.",
		},
		// Relative: the page is …/tai/TOKEN, the file …/tai/TOKEN/NAME,
		// whatever host the proxy answers on.
		Link: template.URL(url.PathEscape(dl.Token) + "/" + url.PathEscape(dl.Name)),
	})
}

// file serves the file and spends one fetch of its link; HEAD says what
// it would serve and spends nothing.
func (d *downloads) file(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodHead {
		dl, err := d.lookup(r)
		if err != nil {
			d.refuse(w, r, err)
			return
		}
		fileHeaders(w, dl)
		return
	}
	token := r.PathValue("token")
	if !tokenForm.MatchString(token) {
		d.refuse(w, r, nhacviec.Errorf(nhacviec.ENotFound, "download not found"))
		return
	}
	dl, err := d.db.TakeDownload(r.Context(), token, d.now())
	if err != nil {
		d.refuse(w, r, err)
		return
	}
	// Past the server's WriteTimeout; an error only means the server
	// cannot, and then the file goes within the usual time or not.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(downloadWriteTimeout))
	fileHeaders(w, dl)
	start := time.Now()
	if err := d.db.DownloadBody(r.Context(), dl, w); err != nil {
		// The status is gone already; the client sees a short body.
		d.log.Warn().Err(err).Str("name", dl.Name).Dur("took", time.Since(start)).Msg("download cut off")
		return
	}
	d.log.Info().Str("name", dl.Name).Int64("bytes", dl.Size).Int("fetches_left", dl.Uses).
		Dur("took", time.Since(start)).Msg("file downloaded")
}

// fileHeaders are the file's: its type, its name (a photo shown, a
// document saved), its length; never cached, never sniffed.
func fileHeaders(w http.ResponseWriter, dl *store.Download) {
	h := w.Header()
	h.Set("Content-Type", dl.MIME)
	kind := "attachment"
	if strings.HasPrefix(dl.MIME, "image/") {
		kind = "inline"
	}
	h.Set("Content-Disposition", contentDisposition(kind, dl.Name))
	h.Set("Content-Length", fmt.Sprint(dl.Size))
	noStore(h)
}

func noStore(h http.Header) {
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	// The token is in the address: it must not travel on.
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex")
}

// contentDisposition names the file as RFC 6266 says: filename= for
// every client, and, for a name beyond ASCII, first that name without
// its diacritics, then filename*= (RFC 5987, UTF-8), which the clients
// that know it prefer.
func contentDisposition(kind, name string) string {
	v := mime.FormatMediaType(kind, map[string]string{"filename": name})
	if isASCII(name) {
		return v
	}
	ascii := []rune(calendar.Fold(name))
	for i, r := range ascii {
		if r >= 0x7f || r < 0x20 || r == '"' || r == '\\' {
			ascii[i] = '_'
		}
	}
	return mime.FormatMediaType(kind, map[string]string{"filename": string(ascii)}) + strings.TrimPrefix(v, kind)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// refuse answers a link that cannot be fetched, in Vietnamese: 404 for
// one that does not exist (or was pruned), 410 Gone for one used or
// ended.
func (d *downloads) refuse(w http.ResponseWriter, r *http.Request, err error) {
	again := "Hãy gửi lại lệnh cho bot để nhận liên kết mới. Ví dụ: /xuat quý 4"
	switch {
	case errors.Is(err, store.ErrDownloadTaken):
		showPage(w, http.StatusGone, downloadPage{Title: "Liên kết đã được dùng",
			Lines: []string{"Tệp này đã được tải về. Mỗi liên kết chỉ dùng cho một lần tải.", again}})
	case errors.Is(err, store.ErrDownloadExpired):
		showPage(w, http.StatusGone, downloadPage{Title: "Liên kết đã hết hạn",
			Lines: []string{"Liên kết tải tệp chỉ dùng được trong 24 giờ kể từ khi bot gửi.", again}})
	case nhacviec.ErrorCode(err) == nhacviec.ENotFound:
		showPage(w, http.StatusNotFound, downloadPage{Title: "Không tìm thấy tệp",
			Lines: []string{"Liên kết này không đúng, hoặc tệp đã bị xoá sau khi hết hạn.", again}})
	default:
		d.log.Error().Err(err).Msg("download failed")
		showPage(w, http.StatusInternalServerError, downloadPage{Title: "Chưa tải được tệp",
			Lines: []string{"Máy chủ đang gặp sự cố. Hãy thử lại sau ít phút; liên kết vẫn còn dùng được."}})
	}
}

// downloadPage is a small page for a phone: a title, a few lines, and
// the download's button when there is one.
type downloadPage struct {
	Title string
	Lines []string
	Link  template.URL
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:sans-serif;max-width:32em;margin:2em auto;padding:0 1em;line-height:1.5}
a{display:inline-block;padding:.8em 1.6em;background:#0068ff;color:#fff;border-radius:.4em;text-decoration:none;font-size:1.1em}</style>
</head><body>
<h1>{{.Title}}</h1>
{{range .Lines}}<p>{{.}}</p>
{{end}}{{with .Link}}<p><a href="{{.}}">Tải về</a></p>
{{end}}</body></html>
`))

func showPage(w http.ResponseWriter, status int, p downloadPage) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	noStore(h)
	w.WriteHeader(status)
	pageTemplate.Execute(w, p)
}
