package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// JPEG: the segments that carry metadata (APP1 Exif/XMP, APP3–APP13 such
// as Photoshop IPTC, APP15, comments) are dropped; APP0 (JFIF), APP2 (ICC
// colour profile) and APP14 (Adobe colour transform) are kept because the
// picture's colours depend on them. Everything from the start of scan on
// is copied as it is, so the picture is not re-encoded.

func jpegSegments(b []byte, visit func(marker byte, seg []byte) bool) (rest int, err error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 0, errors.New("no JPEG start-of-image marker")
	}
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return 0, errors.New("JPEG segment without a marker")
		}
		m := b[i+1]
		if m == 0xFF { // fill byte
			i++
			continue
		}
		if m == 0xDA || m == 0xD9 { // start of scan, end of image
			return i, nil
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return 0, errors.New("JPEG segment longer than the file")
		}
		if !visit(m, b[i:i+2+n]) {
			return i, nil
		}
		i += 2 + n
	}
	return 0, errors.New("JPEG without image data")
}

func dropJPEGSegment(m byte) bool {
	return m == 0xE1 || (m >= 0xE3 && m <= 0xED) || m == 0xEF || m == 0xFE
}

func stripJPEG(b []byte) ([]byte, error) {
	out := make([]byte, 0, len(b))
	out = append(out, 0xFF, 0xD8)
	rest, err := jpegSegments(b, func(m byte, seg []byte) bool {
		if !dropJPEGSegment(m) {
			out = append(out, seg...)
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return append(out, b[rest:]...), nil
}

var exifHeader = []byte("Exif\x00\x00")

func jpegEXIF(b []byte) []byte {
	var tiff []byte
	jpegSegments(b, func(m byte, seg []byte) bool {
		if m == 0xE1 && bytes.HasPrefix(seg[4:], exifHeader) {
			tiff = seg[4+len(exifHeader):]
			return false
		}
		return true
	})
	return tiff
}

// PNG: ancillary text and EXIF chunks are dropped (eXIf, tEXt, zTXt, iTXt,
// tIME); the image chunks are copied.

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

func pngChunks(b []byte, visit func(typ string, data, whole []byte)) error {
	if !bytes.HasPrefix(b, pngSignature) {
		return errors.New("no PNG signature")
	}
	i := len(pngSignature)
	for i+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[i:]))
		if n < 0 || i+12+n > len(b) {
			return errors.New("PNG chunk longer than the file")
		}
		typ := string(b[i+4 : i+8])
		visit(typ, b[i+8:i+8+n], b[i:i+12+n])
		i += 12 + n
		if typ == "IEND" {
			return nil
		}
	}
	return errors.New("PNG without an IEND chunk")
}

func stripPNG(b []byte) ([]byte, error) {
	out := append(make([]byte, 0, len(b)), pngSignature...)
	err := pngChunks(b, func(typ string, _, whole []byte) {
		switch typ {
		case "eXIf", "tEXt", "zTXt", "iTXt", "tIME":
		default:
			out = append(out, whole...)
		}
	})
	return out, err
}

func pngEXIF(b []byte) []byte {
	var tiff []byte
	pngChunks(b, func(typ string, data, _ []byte) {
		if typ == "eXIf" && tiff == nil {
			tiff = data
		}
	})
	return tiff
}

// WebP: the EXIF and XMP chunks are dropped and the extended header's
// flags for them cleared; the RIFF size is written anew.

func webpChunks(b []byte, visit func(fourcc string, data, whole []byte)) error {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return errors.New("no RIFF WEBP header")
	}
	i := 12
	for i+8 <= len(b) {
		n := int(binary.LittleEndian.Uint32(b[i+4:]))
		end := i + 8 + n + n%2
		if n < 0 || i+8+n > len(b) {
			return errors.New("WebP chunk longer than the file")
		}
		if end > len(b) {
			end = len(b)
		}
		visit(string(b[i:i+4]), b[i+8:i+8+n], b[i:end])
		i = end
	}
	return nil
}

func stripWebP(b []byte) ([]byte, error) {
	out := append(make([]byte, 0, len(b)), b[:12]...)
	err := webpChunks(b, func(fourcc string, _, whole []byte) {
		switch fourcc {
		case "EXIF", "XMP ":
		case "VP8X":
			c := append([]byte(nil), whole...)
			if len(c) > 8 {
				c[8] &^= 0x08 | 0x04 // EXIF and XMP flags
			}
			out = append(out, c...)
		default:
			out = append(out, whole...)
		}
	})
	if err != nil {
		return nil, err
	}
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out, nil
}

func webpEXIF(b []byte) []byte {
	var tiff []byte
	webpChunks(b, func(fourcc string, data, _ []byte) {
		if fourcc == "EXIF" && tiff == nil {
			tiff = bytes.TrimPrefix(data, exifHeader)
		}
	})
	return tiff
}

// parseGPS reads GPSLatitude/GPSLongitude and their references from a
// TIFF-structured EXIF block; nil when absent or malformed.
func parseGPS(t []byte) *LonLat {
	if len(t) < 8 {
		return nil
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil
	}
	type entry struct {
		tag, typ uint16
		count    uint32
		value    []byte // the 4-byte value/offset field
	}
	ifd := func(off uint32) []entry {
		if int(off)+2 > len(t) {
			return nil
		}
		n := int(bo.Uint16(t[off:]))
		var out []entry
		for k := 0; k < n; k++ {
			p := int(off) + 2 + 12*k
			if p+12 > len(t) {
				return out
			}
			out = append(out, entry{bo.Uint16(t[p:]), bo.Uint16(t[p+2:]), bo.Uint32(t[p+4:]), t[p+8 : p+12]})
		}
		return out
	}
	var gpsOff uint32
	for _, e := range ifd(bo.Uint32(t[4:])) {
		if e.tag == 0x8825 {
			gpsOff = bo.Uint32(e.value)
		}
	}
	if gpsOff == 0 {
		return nil
	}
	var latRef, lonRef byte
	var lat, lon *float64
	degrees := func(e entry) *float64 {
		if e.typ != 5 || e.count != 3 { // three RATIONALs
			return nil
		}
		off := int(bo.Uint32(e.value))
		if off+24 > len(t) {
			return nil
		}
		var v [3]float64
		for k := range v {
			num, den := bo.Uint32(t[off+8*k:]), bo.Uint32(t[off+8*k+4:])
			if den == 0 {
				return nil
			}
			v[k] = float64(num) / float64(den)
		}
		d := v[0] + v[1]/60 + v[2]/3600
		return &d
	}
	for _, e := range ifd(gpsOff) {
		switch e.tag {
		case 1:
			latRef = e.value[0]
		case 2:
			lat = degrees(e)
		case 3:
			lonRef = e.value[0]
		case 4:
			lon = degrees(e)
		}
	}
	if lat == nil || lon == nil || *lat > 90 || *lon > 180 {
		return nil
	}
	p := &LonLat{Lon: *lon, Lat: *lat}
	if latRef == 'S' {
		p.Lat = -p.Lat
	}
	if lonRef == 'W' {
		p.Lon = -p.Lon
	}
	return p
}

// GPSOf reads the EXIF GPS position of an encoded JPEG, PNG or WebP, nil
// when it has none.
func GPSOf(data []byte) *LonLat {
	f, ok := formats[Sniff(data)]
	if !ok {
		return nil
	}
	if ex := f.exif(data); ex != nil {
		return parseGPS(ex)
	}
	return nil
}
