package httpx

import (
	"bufio"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
)

// GeoJSONContentType is the media type of GeoJSON responses (RFC 7946).
const GeoJSONContentType = "application/geo+json"

// Feature is one GeoJSON feature whose geometry is already encoded (by
// PostGIS's ST_AsGeoJSON, for instance).
type Feature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id,omitempty"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties any             `json:"properties"`
}

// FeatureWriter streams a FeatureCollection: the header goes out with the
// first feature, features are encoded as they arrive, and the buffer is
// flushed every few dozen kilobytes, so memory stays flat whatever the
// number of features.
type FeatureWriter struct {
	c       echo.Context
	w       *bufio.Writer
	enc     *json.Encoder
	n       int
	started bool
}

// NewFeatureWriter prepares a FeatureCollection response. Members in extra
// (e.g. "links", "numberReturned") are written after the features.
func NewFeatureWriter(c echo.Context) *FeatureWriter {
	return &FeatureWriter{c: c}
}

func (fw *FeatureWriter) start() error {
	if fw.started {
		return nil
	}
	fw.started = true
	h := fw.c.Response().Header()
	h.Set(echo.HeaderContentType, GeoJSONContentType)
	fw.c.Response().WriteHeader(http.StatusOK)
	fw.w = bufio.NewWriterSize(fw.c.Response(), 32<<10)
	fw.enc = json.NewEncoder(fw.w)
	fw.enc.SetEscapeHTML(false)
	_, err := fw.w.WriteString(`{"type":"FeatureCollection","features":[`)
	return err
}

// Write appends one feature.
func (fw *FeatureWriter) Write(f Feature) error {
	if err := fw.start(); err != nil {
		return err
	}
	if fw.n > 0 {
		if err := fw.w.WriteByte(','); err != nil {
			return err
		}
	}
	fw.n++
	if f.Type == "" {
		f.Type = "Feature"
	}
	if err := fw.enc.Encode(f); err != nil {
		return err
	}
	if fw.w.Buffered() > 24<<10 {
		if err := fw.w.Flush(); err != nil {
			return err
		}
		fw.c.Response().Flush()
	}
	return nil
}

// Count is the number of features written so far.
func (fw *FeatureWriter) Count() int { return fw.n }

// Close ends the collection, adding the members of extra at its end.
func (fw *FeatureWriter) Close(extra map[string]any) error {
	if err := fw.start(); err != nil {
		return err
	}
	if _, err := fw.w.WriteString("]"); err != nil {
		return err
	}
	for k, v := range extra {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		kb, _ := json.Marshal(k)
		fw.w.WriteByte(',')
		fw.w.Write(kb)
		fw.w.WriteByte(':')
		fw.w.Write(b)
	}
	if _, err := fw.w.WriteString("}\n"); err != nil {
		return err
	}
	return fw.w.Flush()
}
