package geo_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/geo"
)

const feature = `{"type":"Feature","geometry":{"type":"Point","coordinates":[116.3,37.45]},"properties":{"name":"a"}}`

// readAll reads doc to its end and returns the features, with their indexes
// checked, and the error that stopped it.
func readAll(t *testing.T, doc string) ([]string, error) {
	t.Helper()
	c := geo.NewCollection(strings.NewReader(doc))
	var out []string
	for {
		raw, idx, ok, err := c.Next()
		if err != nil || !ok {
			if raw, _, ok, again := c.Next(); err == nil && (raw != nil || ok || again != nil) {
				t.Errorf("Next after the end: %s, %v, %v; want nothing", raw, ok, again)
			}
			return out, err
		}
		if idx != len(out) {
			t.Errorf("feature %d has index %d", len(out), idx)
		}
		out = append(out, string(raw))
	}
}

// fileError asserts err is a *geo.FileError and returns it.
func fileError(t *testing.T, err error) *geo.FileError {
	t.Helper()
	var fe *geo.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want a *geo.FileError", err, err)
	}
	return fe
}

func wantFileError(t *testing.T, err error, index int, partial bool, reason string) {
	t.Helper()
	fe := fileError(t, err)
	if fe.Index != index || fe.Partial != partial || !strings.Contains(fe.Reason, reason) {
		t.Errorf("got index %d, partial %v, reason %q; want index %d, partial %v, a reason with %q",
			fe.Index, fe.Partial, fe.Reason, index, partial, reason)
	}
	if fe.Error() != fe.Reason {
		t.Errorf("Error() %q, want the reason %q", fe.Error(), fe.Reason)
	}
}

func TestFeaturesComeOutInOrderWithTheMembersAroundThemSkipped(t *testing.T) {
	doc := `{"name":"x","bbox":[116,37,117,38],"type":"FeatureCollection","features":[` + feature + `,` + feature +
		`],"foreign":{"a":[1,2,{"b":null}]}}`
	got, err := readAll(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != feature || got[1] != feature {
		t.Errorf("features %q, want two copies of %s", got, feature)
	}
}

func TestAnEmptyCollectionHasNoFeaturesAndNoError(t *testing.T) {
	for _, doc := range []string{
		`{"type":"FeatureCollection","features":[]}`,
		` {"features":[] , "type":"FeatureCollection"}` + "\n",
		`{"type":"FeatureCollection"}`,
	} {
		got, err := readAll(t, doc)
		if err != nil || len(got) != 0 {
			t.Errorf("%s: %d features, error %v; want none and no error", doc, len(got), err)
		}
	}
}

func TestLegacyCRSNamesForWGS84LongitudeLatitudeAreAccepted(t *testing.T) {
	for _, name := range []string{
		"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326",
		"epsg:4326", "URN:OGC:DEF:CRS:OGC:1.3:CRS84",
	} {
		if !geo.CRSAccepted(name) {
			t.Errorf("CRSAccepted(%q) = false, want true", name)
		}
		doc := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"` + name + `"}},"features":[` + feature + `]}`
		if got, err := readAll(t, doc); err != nil || len(got) != 1 {
			t.Errorf("crs %s: %d features, error %v; want 1 and no error", name, len(got), err)
		}
	}
	if got, err := readAll(t, `{"type":"FeatureCollection","crs":null,"features":[`+feature+`]}`); err != nil || len(got) != 1 {
		t.Errorf("crs null: %d features, error %v; want 1 and no error", len(got), err)
	}
}

func TestAnyOtherCRSRejectsTheWholeFile(t *testing.T) {
	for _, name := range []string{"EPSG:3857", "urn:ogc:def:crs:EPSG::4490", "CRS84", ""} {
		if geo.CRSAccepted(name) {
			t.Errorf("CRSAccepted(%q) = true, want false", name)
		}
	}
	for _, tc := range []struct{ crs, reason string }{
		{`{"type":"name","properties":{"name":"EPSG:3857"}}`, `unsupported crs "EPSG:3857": only CRS84 / EPSG:4326 longitude-latitude is accepted (RFC 7946); reproject the file first`},
		{`{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}}`, `unsupported crs "urn:ogc:def:crs:EPSG::4490"`},
		{`{"type":"link","properties":{"href":"http://example.com/crs/42"}}`, `unsupported crs {"type":"link","properties":{"href":"http://example.com/crs/42"}}: only CRS84`},
		{`{"type":"name","properties":{}}`, `unsupported crs {"type":"name","properties":{}}`},
		{`"EPSG:4326"`, `unsupported crs "EPSG:4326"`},
	} {
		_, err := readAll(t, `{"type":"FeatureCollection","crs":`+tc.crs+`,"features":[`+feature+`]}`)
		wantFileError(t, err, -1, false, tc.reason)
	}
}

func TestACRSAfterTheFeaturesStillRejectsTheFile(t *testing.T) {
	doc := `{"type":"FeatureCollection","features":[` + feature + `],"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}}}`
	got, err := readAll(t, doc)
	if len(got) != 1 {
		t.Errorf("%d features before the crs, want 1", len(got))
	}
	// Not partial: the feature read before it was in an unknown CRS.
	wantFileError(t, err, -1, false, `unsupported crs "urn:ogc:def:crs:EPSG::3857"`)
}

func TestBrokenJSONStopsReadingWithItsBytePositionAndFeature(t *testing.T) {
	doc := `{"type":"FeatureCollection","features":[` + feature + `,{"type":"Feature",}]}`
	got, err := readAll(t, doc)
	if len(got) != 1 {
		t.Errorf("%d features before the broken one, want 1", len(got))
	}
	// Inside a feature the byte count is encoding/json's, which leaves out
	// what Token read (golang/go#44811), so only its form is pinned here.
	wantFileError(t, err, 1, true, "invalid JSON at byte ")
	wantFileError(t, err, 1, true, "looking for beginning of object key string; reading stopped here")

	_, err = readAll(t, `{"type":"FeatureCollection","features":[`+feature+`,{"type":`)
	wantFileError(t, err, 1, true, "file ends before the FeatureCollection does")

	// Between members the position is exact: 28 bytes read before the '"'.
	_, err = readAll(t, `{"type":"FeatureCollection" "features":[]}`)
	wantFileError(t, err, -1, true, `invalid JSON at byte 28: invalid character '"' after object key:value pair; reading stopped here`)

	_, err = readAll(t, ``)
	wantFileError(t, err, -1, true, "file ends before the FeatureCollection does")
}

func TestAnythingButAFeatureCollectionIsRejected(t *testing.T) {
	for _, tc := range []struct{ doc, reason string }{
		{feature, `not a GeoJSON FeatureCollection (type "Feature")`},
		{`{"type":null,"features":[]}`, `not a GeoJSON FeatureCollection (type null)`},
		{`{"features":[]}`, `not a GeoJSON FeatureCollection (no "type")`},
		{`[1,2]`, `expected a GeoJSON FeatureCollection object, found "["`},
		{`"FeatureCollection"`, `expected a GeoJSON FeatureCollection object, found "FeatureCollection"`},
		{`{"type":"FeatureCollection","features":{}}`, `expected "features" as an array, found "{"`},
		{`{"type":"FeatureCollection","features":[]} {}`, `data after the FeatureCollection`},
	} {
		_, err := readAll(t, tc.doc)
		wantFileError(t, err, -1, false, tc.reason)
	}
}

func TestCompactPutsJSONOnOneLineAndCutsItAt80Characters(t *testing.T) {
	if got := geo.Compact([]byte("{\n  \"a\": [1,\n\t2]\n}")); got != `{ "a": [1, 2] }` {
		t.Errorf("Compact: %q", got)
	}
	long := `"` + strings.Repeat("德", 100) + `"`
	got := geo.Compact([]byte(long))
	if r := []rune(got); len(r) != 80 || !strings.HasSuffix(got, "...") || !strings.HasPrefix(long, strings.TrimSuffix(got, "...")) {
		t.Errorf("Compact of 102 characters: %q (%d characters), want the first 77 and ...", got, len(r))
	}
}

func TestJSONTextQuotesStringsAndDelimiters(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, "null"}, {"1", `"1"`}, {1.5, "1.5"}, {true, "true"}, {[]any{1.0, "a"}, `[1,"a"]`},
	} {
		if got := geo.JSONText(tc.v); got != tc.want {
			t.Errorf("JSONText(%#v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}

func ExampleCollection() {
	doc := `{"type":"FeatureCollection","features":[
		{"type":"Feature","geometry":null,"properties":{"code":"a"}},
		{"type":"Feature","geometry":null,"properties":{"code":"b"}}
	],"crs":{"type":"name","properties":{"name":"EPSG:3857"}}}`
	c := geo.NewCollection(strings.NewReader(doc))
	for {
		raw, i, ok, err := c.Next()
		var fe *geo.FileError
		if errors.As(err, &fe) {
			fmt.Println("file:", fe.Reason)
			return
		}
		if !ok {
			return
		}
		fmt.Println(i, geo.Compact(raw))
	}
	// Output:
	// 0 {"type":"Feature","geometry":null,"properties":{"code":"a"}}
	// 1 {"type":"Feature","geometry":null,"properties":{"code":"b"}}
	// file: unsupported crs "EPSG:3857": only CRS84 / EPSG:4326 longitude-latitude is accepted (RFC 7946); reproject the file first
}
