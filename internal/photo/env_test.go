package photo_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/app"
	"github.com/gridkeeper/gridkeeper/internal/auth"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/fixture"
)

const staffSQL = `
INSERT INTO duties (role, person_id, target_kind, area_code, valid) VALUES
 ('grid_officer', (SELECT id FROM people WHERE name = '张伟'), 'area', '371402001001001', tstzrange('2026-01-01', NULL)),
 ('grid_officer', (SELECT id FROM people WHERE name = '李娜'), 'area', '371402001001003', tstzrange('2026-01-01', NULL));
`

type env struct {
	srv    *httptest.Server
	d      *dbtest.DB
	dir    string
	tokens map[string]string
}

func setup(t *testing.T) *env {
	t.Helper()
	d := dbtest.New(t)
	ctx := context.Background()
	if _, err := d.Pool.Exec(ctx, fixture.CitySQL+staffSQL); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	e := &env{d: d, dir: t.TempDir(), tokens: map[string]string{}}
	for _, role := range []string{"admin", "supervisor", "viewer"} {
		tok, _, err := auth.Create(ctx, d.Pool, role+" user", role)
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = tok
	}
	// Officers' tokens belong to people: 张伟 answers for grid 001 (where
	// the tests report), 李娜 for grid 003.
	for key, name := range map[string]string{"officer": "张伟", "other officer": "李娜"} {
		var id int64
		if err := d.Pool.QueryRow(ctx, `SELECT id FROM people WHERE name = $1`, name).Scan(&id); err != nil {
			t.Fatal(err)
		}
		tok, _, err := auth.CreateToken(ctx, d.Pool, auth.Spec{Name: key + " user", Role: "officer", PersonID: &id})
		if err != nil {
			t.Fatal(err)
		}
		e.tokens[key] = tok
	}
	e.srv = httptest.NewServer(app.New(d.Pool, app.Options{Quiet: true, PhotoDir: e.dir}))
	t.Cleanup(e.srv.Close)
	return e
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (e *env) do(t *testing.T, method, path, token string, body io.Reader, ct string, hdr ...string) resp {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, b}
}

func (r resp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// report files a patrol report (registered and dispatched at once) and
// returns its id.
func (e *env) report(t *testing.T, category string) int64 {
	t.Helper()
	r := e.do(t, "POST", "/api/v1/problems", e.tokens["supervisor"],
		strings.NewReader(`{"category":"`+category+`","description":"照片测试","lon":116.05,"lat":37.15,"source":"patrol"}`), "application/json")
	if r.status != http.StatusCreated {
		t.Fatalf("report: %d %s", r.status, r.body)
	}
	var p struct{ ID int64 }
	r.decode(t, &p)
	return p.ID
}

// upload posts a multipart photo; fileCT is the part's own Content-Type,
// which must not matter.
func (e *env) upload(t *testing.T, problemID int64, token, kind, filename, fileCT string, data []byte, extra ...string) resp {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if kind != "" {
		mw.WriteField("kind", kind)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		mw.WriteField(extra[i], extra[i+1])
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", fileCT)
	pw, _ := mw.CreatePart(h)
	pw.Write(data)
	mw.Close()
	return e.do(t, "POST", fmt.Sprintf("/api/v1/problems/%d/photos", problemID), token, &buf, mw.FormDataContentType())
}

// files counts the blobs in the photo directory.
func (e *env) files(t *testing.T) int {
	t.Helper()
	n := 0
	filepath.WalkDir(e.dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

func (e *env) rows(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM photos`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// jpegBytes is a w × h JPEG of a gradient (so that it is not all one colour).
func jpegBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// exifGPS is a little-endian TIFF block holding one GPS IFD with the
// position (lat, lon), as a camera writes it.
func exifGPS(lat, lon float64) []byte {
	le := binary.LittleEndian
	var b []byte
	u16 := func(v uint16) { b = le.AppendUint16(b, v) }
	u32 := func(v uint32) { b = le.AppendUint32(b, v) }
	b = append(b, 'I', 'I')
	u16(42)
	u32(8) // IFD0 at 8
	// IFD0: one entry, the GPS IFD pointer.
	u16(1)
	u16(0x8825)
	u16(4)
	u32(1)
	u32(26) // GPS IFD at 8 + 2 + 12 + 4 = 26
	u32(0)
	// GPS IFD: 4 entries → 2 + 48 + 4 = 54 bytes, data from 26 + 54 = 80.
	latRef, lonRef := byte('N'), byte('E')
	if lat < 0 {
		latRef, lat = 'S', -lat
	}
	if lon < 0 {
		lonRef, lon = 'W', -lon
	}
	u16(4)
	u16(1)
	u16(2)
	u32(2)
	b = append(b, latRef, 0, 0, 0)
	u16(2)
	u16(5)
	u32(3)
	u32(80)
	u16(3)
	u16(2)
	u32(2)
	b = append(b, lonRef, 0, 0, 0)
	u16(4)
	u16(5)
	u32(3)
	u32(104)
	u32(0)
	dms := func(v float64) {
		d := uint32(v)
		m := uint32((v - float64(d)) * 60)
		s := (v - float64(d) - float64(m)/60) * 3600
		u32(d)
		u32(1)
		u32(m)
		u32(1)
		u32(uint32(s * 10000))
		u32(10000)
	}
	dms(lat)
	dms(lon)
	return b
}

// withEXIF puts an APP1 Exif segment after the JPEG's start-of-image.
func withEXIF(jpg, tiff []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// pngClaiming rewrites a PNG's header to claim w × h pixels (with a valid
// CRC): a decompression bomb's calling card.
func pngClaiming(t *testing.T, w, h uint32) []byte {
	b := pngBytes(t, 1, 1)
	binary.BigEndian.PutUint32(b[16:], w)
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}
