package httpx

import (
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

// FeatureWriter builds a FeatureCollection response: features are encoded
// as the rows arrive into a Spool (memory up to a MiB, then a temporary
// file), and the document goes to the client at Close, after the rows and
// their database connection have been released. A slow client therefore
// never holds a connection, memory stays flat whatever the number of
// features, and an error before Close is still a proper problem response.
type FeatureWriter struct {
	c     echo.Context
	spool *Spool
	enc   *json.Encoder
	n     int
}

// NewFeatureWriter prepares a FeatureCollection response.
func NewFeatureWriter(c echo.Context) *FeatureWriter {
	fw := &FeatureWriter{c: c, spool: NewSpool(c)}
	fw.enc = json.NewEncoder(fw.spool)
	fw.enc.SetEscapeHTML(false)
	fw.spool.Write([]byte(`{"type":"FeatureCollection","features":[`))
	return fw
}

// Write appends one feature.
func (fw *FeatureWriter) Write(f Feature) error {
	if fw.n > 0 {
		if _, err := fw.spool.Write([]byte{','}); err != nil {
			return err
		}
	}
	fw.n++
	if f.Type == "" {
		f.Type = "Feature"
	}
	return fw.enc.Encode(f)
}

// Count is the number of features written so far.
func (fw *FeatureWriter) Count() int { return fw.n }

// Close ends the collection, adding the members of extra (e.g. "links",
// "numberReturned") after the features, and sends it.
func (fw *FeatureWriter) Close(extra map[string]any) error {
	if _, err := fw.spool.Write([]byte("]")); err != nil {
		return err
	}
	for k, v := range extra {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		kb, _ := json.Marshal(k)
		fw.spool.Write([]byte{','})
		fw.spool.Write(kb)
		fw.spool.Write([]byte{':'})
		fw.spool.Write(b)
	}
	if _, err := fw.spool.Write([]byte("}\n")); err != nil {
		return err
	}
	return fw.spool.Send(fw.c, http.StatusOK, GeoJSONContentType)
}
