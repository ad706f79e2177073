package geoimport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// fileError stops reading a file: a CRS other than CRS84, a top level that
// is not a FeatureCollection, or JSON that does not parse. index is the
// feature being read when it happened, -1 when it concerns the whole file.
type fileError struct {
	index  int
	reason string
	// partial: the rejections found before it still stand (a syntax error
	// part-way); otherwise they are moot (a wrong CRS makes every position
	// meaningless) and only this one is reported.
	partial bool
}

func (e *fileError) Error() string { return e.reason }

// acceptedCRS are the legacy `crs` names that mean WGS 84 longitude/latitude.
var acceptedCRS = map[string]bool{
	"urn:ogc:def:crs:ogc:1.3:crs84": true,
	"urn:ogc:def:crs:ogc::crs84":    true,
	"epsg:4326":                     true,
	"urn:ogc:def:crs:epsg::4326":    true,
}

// collection streams the features of a FeatureCollection: members before
// and after "features" are read as they come, each feature is handed out as
// raw JSON, so memory holds one feature at a time.
type collection struct {
	dec        *json.Decoder
	inFeatures bool
	started    bool
	done       bool
	sawType    bool
	index      int // of the next feature
}

func newCollection(r io.Reader) *collection {
	return &collection{dec: json.NewDecoder(r)}
}

// next returns the next feature and its index; ok is false after the last.
func (c *collection) next() (raw json.RawMessage, index int, ok bool, err error) {
	if c.done {
		return nil, 0, false, nil
	}
	if !c.started {
		c.started = true
		if err := c.expectDelim('{', "a GeoJSON FeatureCollection object"); err != nil {
			return nil, 0, false, err
		}
	}
	for {
		if c.inFeatures {
			if c.dec.More() {
				if err := c.dec.Decode(&raw); err != nil {
					return nil, 0, false, c.syntax(err)
				}
				c.index++
				return raw, c.index - 1, true, nil
			}
			if _, err := c.dec.Token(); err != nil { // ']'
				return nil, 0, false, c.syntax(err)
			}
			c.inFeatures = false
		}
		tok, err := c.dec.Token()
		if err != nil {
			return nil, 0, false, c.syntax(err)
		}
		if tok == json.Delim('}') {
			return nil, 0, false, c.finish()
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			var t any
			if err := c.dec.Decode(&t); err != nil {
				return nil, 0, false, c.syntax(err)
			}
			if t != "FeatureCollection" {
				return nil, 0, false, &fileError{index: -1, reason: fmt.Sprintf("not a GeoJSON FeatureCollection (type %s)", jsonText(t))}
			}
			c.sawType = true
		case "crs":
			var crs json.RawMessage
			if err := c.dec.Decode(&crs); err != nil {
				return nil, 0, false, c.syntax(err)
			}
			if err := checkCRS(crs); err != nil {
				return nil, 0, false, err
			}
		case "features":
			if err := c.expectDelim('[', `"features" as an array`); err != nil {
				return nil, 0, false, err
			}
			c.inFeatures = true
		default: // bbox, name, foreign members
			var skip json.RawMessage
			if err := c.dec.Decode(&skip); err != nil {
				return nil, 0, false, c.syntax(err)
			}
		}
	}
}

func (c *collection) finish() error {
	c.done = true
	if !c.sawType {
		return &fileError{index: -1, reason: `not a GeoJSON FeatureCollection (no "type")`}
	}
	if _, err := c.dec.Token(); err != io.EOF {
		return &fileError{index: -1, reason: "data after the FeatureCollection"}
	}
	return nil
}

func (c *collection) expectDelim(d json.Delim, what string) error {
	tok, err := c.dec.Token()
	if err != nil {
		return c.syntax(err)
	}
	if tok != d {
		return &fileError{index: -1, reason: fmt.Sprintf("expected %s, found %s", what, jsonText(tok))}
	}
	return nil
}

// syntax turns a decoder error into the reason reading stopped.
func (c *collection) syntax(err error) error {
	idx := -1
	if c.inFeatures {
		idx = c.index
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &fileError{index: idx, partial: true, reason: fmt.Sprintf("invalid JSON at byte %d: %v; reading stopped here", se.Offset, se)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &fileError{index: idx, partial: true, reason: "file ends before the FeatureCollection does"}
	}
	return fmt.Errorf("read GeoJSON: %w", err)
}

// checkCRS accepts no crs, or a legacy named crs meaning CRS84 / EPSG:4326.
func checkCRS(raw json.RawMessage) error {
	if string(raw) == "null" {
		return nil
	}
	var crs struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &crs); err != nil || crs.Type != "name" || crs.Properties.Name == "" {
		return &fileError{index: -1, reason: fmt.Sprintf("unsupported crs %s: only CRS84 / EPSG:4326 longitude-latitude is accepted (RFC 7946)", compact(raw))}
	}
	if !acceptedCRS[strings.ToLower(crs.Properties.Name)] {
		return &fileError{index: -1, reason: fmt.Sprintf("unsupported crs %q: only CRS84 / EPSG:4326 longitude-latitude is accepted (RFC 7946); reproject the file first", crs.Properties.Name)}
	}
	return nil
}

// jsonText shows a decoded JSON value in a reason.
func jsonText(v any) string {
	if v == nil {
		return "null"
	}
	if d, ok := v.(json.Delim); ok {
		return fmt.Sprintf("%q", d.String())
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// compact shortens raw JSON for a reason.
func compact(raw []byte) string {
	s := strings.Join(strings.Fields(string(raw)), " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
