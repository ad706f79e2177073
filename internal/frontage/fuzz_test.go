package frontage

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// readAllRecords reads every record of r as the importer does.
func readAllRecords(t *testing.T, rd reader, limit int) []record {
	var out []record
	for range limit {
		rec, ok, err := rd.next()
		if err != nil || !ok {
			return out
		}
		out = append(out, rec)
	}
	t.Fatalf("more than %d records", limit)
	return nil
}

// checkRecords: a record that the checker finds nothing wrong with has
// text the database can store and a location.
func checkRecords(t *testing.T, file string, recs []record) {
	chk := newChecker(true)
	for _, rec := range recs {
		if rec.u == nil {
			if len(rec.reasons) == 0 {
				t.Fatalf("%q: a record that is no unit and has no reason", file)
			}
			continue
		}
		reasons := append(chk.check(rec.index, rec.u), rec.reasons...)
		for _, s := range []string{rec.u.name, rec.u.licence, rec.u.contact, rec.u.phone, rec.u.street} {
			if httpx.TextReason(s) != "" {
				t.Fatalf("%q: unstorable text %q left in a row (reasons %v)", file, s, reasons)
			}
		}
		if _, r := httpx.UnstorableJSON(rec.u.properties); r != "" || (rec.u.properties != nil && !json.Valid(rec.u.properties)) {
			t.Fatalf("%q: properties %q", file, rec.u.properties)
		}
		if len(reasons) == 0 && rec.u.wkb == nil {
			t.Fatalf("%q: accepted a row without a location", file)
		}
	}
}

// FuzzCSV: any CSV file yields rows that are rejected with a reason or can
// be stored; never a panic.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"name,contact,lon,lat\n老王烧烤,王五,116.05,37.100135\n",
		"\ufeffname,contact,lon,lat,licence,phone,width_m,street\n店,,116.05,37.1,L1,138-0000,12,T-0001\n",
		"name,lon,lat\n\"broken,1,2\n", "name,contact,lon,lat\na,b,37.1,116.05\n", "name,contact,lon,lat\na\x00,b,1,2\n",
		"lon,lat\n1,2\n", "", "name,contact,lon,lat,extra\na,,1,2,x,y\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, file string) {
		checkRecords(t, file, readAllRecords(t, newCSVReader(strings.NewReader(file)), len(file)+2))
	})
}

// FuzzFeature: any feature of a GeoJSON file becomes a row rejected with a
// reason or one that can be stored.
func FuzzFeature(f *testing.F) {
	for _, s := range []string{
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[116.05,37.1]},"properties":{"name":"店","width_m":12}}`,
		`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[116,37],[116.001,37],[116.001,37.001],[116,37]]]},"properties":{"name":"店","x":{"y":"\u0000"}}}`,
		`{"type":"Feature","geometry":null,"properties":null}`, `{"type":"Feature","geometry":{"type":"Point","coordinates":[1e400,1]}}`,
		`{"type":"Feature","geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]},"properties":{"name":1}}`, `[]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, feature string) {
		if !json.Valid([]byte(feature)) {
			return // the collection reader refuses the file before a feature is read
		}
		checkRecords(t, feature, []record{featureRecord(0, json.RawMessage(feature))})
	})
}
