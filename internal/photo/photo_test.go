package photo_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/photo"
)

type photoJSON struct {
	ID          int64
	Kind        string
	MediaType   string `json:"media_type"`
	Width       int
	Height      int
	URL         string
	ThumbURL    string `json:"thumb_url"`
	OriginalURL string `json:"original_url"`
	UploadedBy  string `json:"uploaded_by"`
	GPS         *photo.LonLat
}

func TestUploadStripsEXIFForThePublicAndKeepsItForStaff(t *testing.T) {
	e := setup(t)
	id := e.report(t, "T-LITTER")
	orig := withEXIF(jpegBytes(t, 640, 480), exifGPS(37.15, 116.05))
	r := e.upload(t, id, e.tokens["officer"], "before", "IMG_0001.JPG", "image/jpeg", orig)
	if r.status != http.StatusCreated {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	var p photoJSON
	r.decode(t, &p)
	if p.MediaType != "image/jpeg" || p.Width != 640 || p.Height != 480 || p.Kind != "before" {
		t.Errorf("stored %+v", p)
	}
	if p.GPS == nil || abs(p.GPS.Lat-37.15) > 1e-4 || abs(p.GPS.Lon-116.05) > 1e-4 {
		t.Errorf("staff see GPS %+v, want (116.05, 37.15)", p.GPS)
	}

	pub := e.do(t, "GET", p.URL, "", nil, "")
	if pub.status != 200 || pub.header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("public copy: %d %s", pub.status, pub.header.Get("Content-Type"))
	}
	if bytes.Contains(pub.body, []byte("Exif")) || photo.GPSOf(pub.body) != nil {
		t.Error("the public copy still carries EXIF")
	}
	if img, err := jpeg.Decode(bytes.NewReader(pub.body)); err != nil || img.Bounds().Dx() != 640 {
		t.Errorf("public copy does not decode as the same picture: %v", err)
	}
	if cc := pub.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
		t.Errorf("Cache-Control %q, want a year, immutable", cc)
	}
	etag := pub.header.Get("ETag")
	if again := e.do(t, "GET", p.URL, "", nil, "", "If-None-Match", etag); again.status != http.StatusNotModified {
		t.Errorf("If-None-Match %s: %d, want 304", etag, again.status)
	}

	thumb := e.do(t, "GET", p.ThumbURL, "", nil, "")
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(thumb.body))
	if err != nil || cfg.Width != photo.ThumbSide || cfg.Height != 240 {
		t.Errorf("thumbnail %v %+v, want %d × 240 JPEG", err, cfg, photo.ThumbSide)
	}

	if anon := e.do(t, "GET", p.URL+"/original", "", nil, ""); anon.status != http.StatusUnauthorized {
		t.Errorf("original without a token: %d, want 401", anon.status)
	}
	if v := e.do(t, "GET", p.URL+"/original", e.tokens["viewer"], nil, ""); v.status != http.StatusForbidden {
		t.Errorf("original for a viewer: %d, want 403", v.status)
	}
	staff := e.do(t, "GET", p.URL+"/original", e.tokens["supervisor"], nil, "")
	if !bytes.Equal(staff.body, orig) || photo.GPSOf(staff.body) == nil {
		t.Error("staff's original is not the upload with its EXIF")
	}

	// An officer of another grid may not add photos here, and sees the
	// public view.
	if r := e.upload(t, id, e.tokens["other officer"], "after", "x.jpg", "image/jpeg", jpegBytes(t, 8, 8)); r.status != http.StatusForbidden {
		t.Errorf("an officer out of scope uploads: %d, want 403", r.status)
	}
	if r := e.do(t, "GET", p.URL+"/original", e.tokens["other officer"], nil, ""); r.status != http.StatusForbidden {
		t.Errorf("an officer out of scope reads the original: %d, want 403", r.status)
	}
	var otherList struct{ Photos []photoJSON }
	e.do(t, "GET", fmt.Sprintf("/api/v1/problems/%d/photos", id), e.tokens["other officer"], nil, "").decode(t, &otherList)
	if len(otherList.Photos) != 1 || otherList.Photos[0].GPS != nil {
		t.Errorf("an officer out of scope sees %+v", otherList.Photos)
	}

	var anonList, staffList struct{ Photos []photoJSON }
	e.do(t, "GET", fmt.Sprintf("/api/v1/problems/%d/photos", id), "", nil, "").decode(t, &anonList)
	e.do(t, "GET", fmt.Sprintf("/api/v1/problems/%d/photos", id), e.tokens["officer"], nil, "").decode(t, &staffList)
	if len(anonList.Photos) != 1 || anonList.Photos[0].GPS != nil || anonList.Photos[0].OriginalURL != "" || anonList.Photos[0].UploadedBy != "" {
		t.Errorf("the public list shows %+v", anonList.Photos)
	}
	if len(staffList.Photos) != 1 || staffList.Photos[0].GPS == nil || staffList.Photos[0].UploadedBy != "officer user" {
		t.Errorf("staff's list shows %+v", staffList.Photos)
	}
}

func TestTheTypeIsSniffedFromTheContentNotTheName(t *testing.T) {
	e := setup(t)
	id := e.report(t, "T-LITTER")
	r := e.upload(t, id, e.tokens["officer"], "report", "holiday.jpg", "image/jpeg", pngBytes(t, 20, 10))
	var p photoJSON
	r.decode(t, &p)
	if r.status != http.StatusCreated || p.MediaType != "image/png" {
		t.Errorf("a PNG named .jpg: %d %s, want 201 image/png", r.status, r.body)
	}
	if got := e.do(t, "GET", p.URL, "", nil, ""); got.header.Get("Content-Type") != "image/png" {
		t.Errorf("served as %q", got.header.Get("Content-Type"))
	}

	webpData, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	r = e.upload(t, id, e.tokens["officer"], "report", "x.png", "image/png", webpData)
	r.decode(t, &p)
	if r.status != http.StatusCreated || p.MediaType != "image/webp" {
		t.Errorf("a WebP named .png: %d %s", r.status, r.body)
	}

	rows, files := e.rows(t), e.files(t)
	lying := e.upload(t, id, e.tokens["officer"], "report", "photo.jpg", "image/jpeg", []byte("<html><script>alert(1)</script></html>"))
	wantProblem(t, "HTML named photo.jpg", lying, http.StatusUnsupportedMediaType, "file")
	if e.rows(t) != rows || e.files(t) != files {
		t.Error("a refused upload left a row or a file")
	}
}

func TestLimitsRefuseLargeFilesAndDecompressionBombsAndStoreNothing(t *testing.T) {
	e := setup(t)
	id := e.report(t, "T-LITTER")
	big := append(jpegBytes(t, 16, 16), make([]byte, photo.DefaultLimits.MaxBytes)...)
	wantProblem(t, "11 MB", e.upload(t, id, e.tokens["officer"], "report", "big.jpg", "image/jpeg", big), http.StatusRequestEntityTooLarge, "file")

	wantProblem(t, "a header claiming 50000 × 50000", e.upload(t, id, e.tokens["officer"], "report", "bomb.png", "image/png",
		pngClaiming(t, 50000, 50000)), http.StatusUnprocessableEntity, "file")

	// A real bomb: 41 megapixels of zeros compress to a few kilobytes.
	var bomb bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&bomb, image.NewGray(image.Rect(0, 0, 6400, 6400))); err != nil {
		t.Fatal(err)
	}
	if bomb.Len() > 200<<10 {
		t.Fatalf("the bomb is %d bytes, not a bomb", bomb.Len())
	}
	wantProblem(t, "a 6400 × 6400 PNG of zeros", e.upload(t, id, e.tokens["officer"], "report", "zeros.png", "image/png", bomb.Bytes()),
		http.StatusUnprocessableEntity, "file")

	truncated := jpegBytes(t, 64, 64)
	wantProblem(t, "a truncated JPEG", e.upload(t, id, e.tokens["officer"], "report", "cut.jpg", "image/jpeg", truncated[:len(truncated)/2]),
		http.StatusUnprocessableEntity, "file")
	if e.rows(t) != 0 || e.files(t) != 0 {
		t.Errorf("refused uploads left %d rows and %d files", e.rows(t), e.files(t))
	}
}

func TestAFailedMultipartRequestStoresNoFileAndNoRow(t *testing.T) {
	e := setup(t)
	id := e.report(t, "T-LITTER")
	img := jpegBytes(t, 32, 32)
	wantProblem(t, "no problem", e.upload(t, 999999, e.tokens["officer"], "after", "a.jpg", "image/jpeg", img), http.StatusNotFound, "")
	wantProblem(t, "bad kind", e.upload(t, id, e.tokens["officer"], "selfie", "a.jpg", "image/jpeg", img), http.StatusUnprocessableEntity, "kind")
	wantProblem(t, "no kind", e.upload(t, id, e.tokens["officer"], "", "a.jpg", "image/jpeg", img), http.StatusUnprocessableEntity, "kind")
	wantProblem(t, "a re-check of no such id", e.upload(t, id, e.tokens["officer"], "recheck", "a.jpg", "image/jpeg", img, "recheck_id", "77"),
		http.StatusUnprocessableEntity, "recheck_id")
	wantProblem(t, "a viewer", e.upload(t, id, e.tokens["viewer"], "after", "a.jpg", "image/jpeg", img), http.StatusForbidden, "")
	cut := e.do(t, "POST", fmt.Sprintf("/api/v1/problems/%d/photos", id), e.tokens["officer"],
		strings.NewReader("--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n"+string(img[:100])),
		"multipart/form-data; boundary=XX")
	wantProblem(t, "a multipart body cut short", cut, http.StatusBadRequest, "body")
	wantProblem(t, "JSON instead of multipart", e.do(t, "POST", fmt.Sprintf("/api/v1/problems/%d/photos", id), e.tokens["officer"],
		strings.NewReader(`{"file":"x"}`), "application/json"), http.StatusUnsupportedMediaType, "Content-Type")
	if e.rows(t) != 0 || e.files(t) != 0 {
		t.Errorf("failed requests left %d rows and %d files", e.rows(t), e.files(t))
	}
	// The same image twice is one set of files (content addressing) and two rows.
	for range 2 {
		if r := e.upload(t, id, e.tokens["officer"], "after", "a.jpg", "image/jpeg", img); r.status != http.StatusCreated {
			t.Fatalf("upload: %d %s", r.status, r.body)
		}
	}
	// Go's encoder writes no metadata, so the public copy is the original:
	// two blobs (it and the thumbnail) for two rows.
	if e.rows(t) != 2 || e.files(t) != 2 {
		t.Errorf("two uploads of one image without metadata: %d rows, %d files; want 2 rows, 2 files (original = public, thumbnail)", e.rows(t), e.files(t))
	}
}

func TestWebPMetadataIsStrippedForThePublic(t *testing.T) {
	e := setup(t)
	id := e.report(t, "T-LITTER")
	plain, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	withExif := extendedWebP(t, plain, exifGPS(37.12, 116.03))
	r := e.upload(t, id, e.tokens["officer"], "report", "w.webp", "image/webp", withExif)
	var p photoJSON
	r.decode(t, &p)
	if r.status != http.StatusCreated || p.GPS == nil || abs(p.GPS.Lat-37.12) > 1e-4 {
		t.Fatalf("upload: %d %s", r.status, r.body)
	}
	pub := e.do(t, "GET", p.URL, "", nil, "")
	if bytes.Contains(pub.body, []byte("EXIF")) || photo.GPSOf(pub.body) != nil {
		t.Error("the public WebP still carries its EXIF chunk")
	}
	if got := binary.LittleEndian.Uint32(pub.body[4:]); int(got) != len(pub.body)-8 {
		t.Errorf("RIFF size %d, file %d", got, len(pub.body))
	}
}

// extendedWebP wraps a simple (VP8) WebP in the extended format with an
// EXIF chunk.
func extendedWebP(t *testing.T, simple, tiff []byte) []byte {
	t.Helper()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(simple))
	if err != nil {
		t.Fatalf("decode the sample WebP: %v", err)
	}
	vp8x := make([]byte, 18)
	copy(vp8x, "VP8X")
	binary.LittleEndian.PutUint32(vp8x[4:], 10)
	vp8x[8] = 0x08 // EXIF
	w, h := uint32(cfg.Width-1), uint32(cfg.Height-1)
	vp8x[12], vp8x[13], vp8x[14] = byte(w), byte(w>>8), byte(w>>16)
	vp8x[15], vp8x[16], vp8x[17] = byte(h), byte(h>>8), byte(h>>16)
	exif := append([]byte("EXIF\x00\x00\x00\x00"), tiff...)
	binary.LittleEndian.PutUint32(exif[4:], uint32(len(tiff)))
	if len(tiff)%2 == 1 {
		exif = append(exif, 0)
	}
	out := append([]byte("RIFF\x00\x00\x00\x00WEBP"), vp8x...)
	out = append(out, simple[12:]...)
	out = append(out, exif...)
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func wantProblem(t *testing.T, what string, r resp, status int, field string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: %d, want %d; %s", what, r.status, status, r.body)
		return
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s: content type %q", what, ct)
		return
	}
	if field == "" {
		return
	}
	var p struct {
		Errors []struct{ Field, Reason string }
	}
	r.decode(t, &p)
	if len(p.Errors) == 0 || p.Errors[0].Field != field {
		t.Errorf("%s: errors %+v, want field %s", what, p.Errors, field)
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
