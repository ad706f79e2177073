package geo

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzCollection: any file is read feature by feature to its end, each
// feature a JSON value, or stops with a *FileError saying why; never a
// panic or an endless loop.
func FuzzCollection(f *testing.F) {
	for _, s := range []string{
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3,37.4]},"properties":{"name":"a"}}]}`,
		`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`,
		`{"features":[{},{}],"type":"FeatureCollection","name":"x","bbox":[0,0,1,1]}`,
		`{"type":"Feature"}`, `[]`, `{"type":"FeatureCollection","features":[1,]}`, `{"type":"FeatureCollection","features":[]} trailing`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, file string) {
		c := NewCollection(strings.NewReader(file))
		last := -1
		for range len(file) + 2 {
			raw, idx, ok, err := c.Next()
			if err != nil {
				var fe *FileError
				if !errors.As(err, &fe) || fe.Reason == "" {
					t.Fatalf("%q: %v is not a *FileError with a reason", file, err)
				}
				return
			}
			if !ok {
				return
			}
			if idx != last+1 || !json.Valid(raw) {
				t.Fatalf("%q: feature %d after %d, %q", file, idx, last, raw)
			}
			last = idx
		}
		t.Fatalf("%q: more features than bytes", file)
	})
}
