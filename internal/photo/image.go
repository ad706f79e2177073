package photo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	stddraw "image/draw"
	"image/jpeg"
	"image/png"
	"net/http"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

// Limits bound what an upload may be.
type Limits struct {
	MaxBytes  int64 // file size
	MaxPixels int   // width × height, read from the header before decoding
	MaxSide   int   // longest side in pixels
}

// DefaultLimits: 10 MiB, 40 megapixels, 12,000 pixels a side — a phone
// photo passes, a decompression bomb does not.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxPixels: 40_000_000, MaxSide: 12000}

// ThumbSide is the longest side of a thumbnail.
const ThumbSide = 320

// RejectError says why an upload was refused: the field, the reason, and
// the HTTP status (413 too large, 415 not an image type we take, 422 a
// broken or oversized image).
type RejectError struct {
	Status int
	Field  string
	Reason string
}

func (e *RejectError) Error() string { return e.Field + ": " + e.Reason }

// Processed is an upload checked and made into its three copies.
type Processed struct {
	MediaType string
	Original  []byte // as uploaded (staff only: EXIF and GPS kept)
	Public    []byte // metadata stripped
	Thumb     []byte // JPEG, at most ThumbSide a side, no metadata
	Width     int
	Height    int
	GPS       *LonLat // read from the EXIF, if any
}

// LonLat is a position in degrees.
type LonLat struct {
	Lon float64 `json:"lon"`
	Lat float64 `json:"lat"`
}

type format struct {
	decode       func([]byte) (image.Image, error)
	decodeConfig func([]byte) (image.Config, error)
	strip        func([]byte) ([]byte, error)
	exif         func([]byte) []byte
}

var formats = map[string]format{
	"image/jpeg": {
		decode:       func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) },
		decodeConfig: func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) },
		strip:        stripJPEG, exif: jpegEXIF,
	},
	"image/png": {
		decode:       func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) },
		decodeConfig: func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) },
		strip:        stripPNG, exif: pngEXIF,
	},
	"image/webp": {
		decode:       func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) },
		decodeConfig: func(b []byte) (image.Config, error) { return webp.DecodeConfig(bytes.NewReader(b)) },
		strip:        stripWebP, exif: webpEXIF,
	},
}

// Sniff names the image type of data from its first bytes (the WHATWG
// sniffing algorithm of net/http), whatever the file is called.
func Sniff(data []byte) string {
	return http.DetectContentType(data)
}

// Process checks an upload and makes its copies. Nothing is decoded before
// the header's dimensions are within the limits.
func Process(data []byte, lim Limits) (Processed, error) {
	if int64(len(data)) > lim.MaxBytes {
		return Processed{}, &RejectError{http.StatusRequestEntityTooLarge, "file", fmt.Sprintf("larger than %d bytes", lim.MaxBytes)}
	}
	if len(data) == 0 {
		return Processed{}, &RejectError{http.StatusUnprocessableEntity, "file", "is empty"}
	}
	mt := Sniff(data)
	f, ok := formats[mt]
	if !ok {
		return Processed{}, &RejectError{http.StatusUnsupportedMediaType, "file",
			"the content is " + mt + ", not a JPEG, PNG or WebP image (the type is read from the bytes, not the file name)"}
	}
	cfg, err := f.decodeConfig(data)
	if err != nil {
		return Processed{}, &RejectError{http.StatusUnprocessableEntity, "file", "not a readable " + mt + " image: " + err.Error()}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Processed{}, &RejectError{http.StatusUnprocessableEntity, "file", "the image has no pixels"}
	}
	if cfg.Width > lim.MaxSide || cfg.Height > lim.MaxSide || cfg.Width*cfg.Height > lim.MaxPixels {
		return Processed{}, &RejectError{http.StatusUnprocessableEntity, "file", fmt.Sprintf(
			"%d × %d pixels is over the limit (%d pixels a side, %d in all): refused before decoding (decompression bomb)",
			cfg.Width, cfg.Height, lim.MaxSide, lim.MaxPixels)}
	}
	img, err := f.decode(data)
	if err != nil {
		return Processed{}, &RejectError{http.StatusUnprocessableEntity, "file", "not a decodable " + mt + " image: " + err.Error()}
	}
	public, err := f.strip(data)
	if err != nil {
		return Processed{}, &RejectError{http.StatusUnprocessableEntity, "file", "cannot remove the metadata: " + err.Error()}
	}
	thumb, err := thumbnail(img)
	if err != nil {
		return Processed{}, fmt.Errorf("thumbnail: %w", err)
	}
	p := Processed{MediaType: mt, Original: data, Public: public, Thumb: thumb, Width: cfg.Width, Height: cfg.Height}
	if ex := f.exif(data); ex != nil {
		p.GPS = parseGPS(ex)
	}
	return p, nil
}

// thumbnail scales img to fit ThumbSide, on white (for transparent PNG and
// WebP), as a JPEG.
func thumbnail(img image.Image) ([]byte, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > ThumbSide || h > ThumbSide {
		if w >= h {
			w, h = ThumbSide, max(1, h*ThumbSide/b.Dx())
		} else {
			w, h = max(1, w*ThumbSide/b.Dy()), ThumbSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	stddraw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, stddraw.Src)
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Over, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
