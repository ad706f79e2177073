package geo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// FileError stops reading a file: a CRS other than CRS84, a top level that
// is not a FeatureCollection, or JSON that does not parse.
type FileError struct {
	// Index is the feature being read when it happened, -1 when it
	// concerns the whole file.
	Index  int
	Reason string
	// Partial: the rejections found before it still stand (a syntax error
	// part-way); otherwise they are moot (a wrong CRS makes every position
	// meaningless) and only this one should be reported.
	Partial bool
}

func (e *FileError) Error() string { return e.Reason }

// acceptedCRS are the legacy `crs` names that mean WGS 84 longitude/latitude.
var acceptedCRS = map[string]bool{
	"urn:ogc:def:crs:ogc:1.3:crs84": true,
	"urn:ogc:def:crs:ogc::crs84":    true,
	"epsg:4326":                     true,
	"urn:ogc:def:crs:epsg::4326":    true,
}

// CRSAccepted reports whether name, the name of a legacy named `crs`
// (RFC 7946 dropped the member), means WGS 84 longitude/latitude: CRS84 or
// EPSG:4326 in their URN and short forms, in any case.
func CRSAccepted(name string) bool { return acceptedCRS[strings.ToLower(name)] }

// Collection streams the features of a FeatureCollection: the members
// before and after "features" are read as they come and each feature is
// handed out as raw JSON, so memory holds one feature at a time.
type Collection struct {
	dec        *json.Decoder
	started    bool
	inFeatures bool
	done       bool
	sawType    bool
	index      int // of the next feature
}

// NewCollection reads a FeatureCollection from r.
func NewCollection(r io.Reader) *Collection {
	dec := json.NewDecoder(r)
	dec.UseNumber() // a number token out of float64's range (1e400) is text, not a decoder error
	return &Collection{dec: dec}
}

// Next returns the next feature and its 0-based index in "features"; ok is
// false after the last, once the rest of the file has been read and found
// sound. A *FileError says why the file cannot be read on; any other error
// is the reader's.
func (c *Collection) Next() (raw json.RawMessage, index int, ok bool, err error) {
	if c.done {
		return nil, 0, false, nil
	}
	if !c.started {
		c.started = true
		if err := c.expect('{', "a GeoJSON FeatureCollection object"); err != nil {
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
		if key, _ := tok.(string); key == "features" {
			if err := c.expect('[', `"features" as an array`); err != nil {
				return nil, 0, false, err
			}
			c.inFeatures = true
			continue
		}
		var member json.RawMessage // type, crs, bbox, name, foreign members
		if err := c.dec.Decode(&member); err != nil {
			return nil, 0, false, c.syntax(err)
		}
		switch tok {
		case "type":
			if string(member) != `"FeatureCollection"` {
				return nil, 0, false, &FileError{Index: -1, Reason: "not a GeoJSON FeatureCollection (type " + Compact(member) + ")"}
			}
			c.sawType = true
		case "crs":
			if err := checkCRS(member); err != nil {
				return nil, 0, false, err
			}
		}
	}
}

// finish checks the end of the file once the collection's '}' is read.
func (c *Collection) finish() error {
	c.done = true
	if !c.sawType {
		return &FileError{Index: -1, Reason: `not a GeoJSON FeatureCollection (no "type")`}
	}
	if _, err := c.dec.Token(); err != io.EOF {
		return &FileError{Index: -1, Reason: "data after the FeatureCollection"}
	}
	return nil
}

func (c *Collection) expect(d json.Delim, what string) error {
	tok, err := c.dec.Token()
	if err != nil {
		return c.syntax(err)
	}
	if tok != d {
		return &FileError{Index: -1, Reason: fmt.Sprintf("expected %s, found %s", what, JSONText(tok))}
	}
	return nil
}

// syntax turns a decoder error into the reason reading stopped.
func (c *Collection) syntax(err error) error {
	idx := -1
	if c.inFeatures {
		idx = c.index
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te):
		return &FileError{Index: idx, Partial: true, Reason: fmt.Sprintf("unreadable value at byte %d: %v; reading stopped here", te.Offset, te)}
	case errors.As(err, &se):
		return &FileError{Index: idx, Partial: true, Reason: fmt.Sprintf("invalid JSON at byte %d: %v; reading stopped here", se.Offset, se)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &FileError{Index: idx, Partial: true, Reason: "file ends before the FeatureCollection does"}
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
		return &FileError{Index: -1, Reason: fmt.Sprintf("unsupported crs %s: only CRS84 / EPSG:4326 longitude-latitude is accepted (RFC 7946)", Compact(raw))}
	}
	if !CRSAccepted(crs.Properties.Name) {
		return &FileError{Index: -1, Reason: fmt.Sprintf("unsupported crs %q: only CRS84 / EPSG:4326 longitude-latitude is accepted (RFC 7946); reproject the file first", crs.Properties.Name)}
	}
	return nil
}
