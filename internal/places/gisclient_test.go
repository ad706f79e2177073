package places_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestGDALReadsTheLayersAsGeoJSON pulls the areas and streets with
// ogrinfo, the GDAL command-line client that QGIS and ogr2ogr are built on,
// to pin down that a real GIS tool takes the responses as they are.
// `make test` installs gdal-bin; elsewhere the test is skipped.
func TestGDALReadsTheLayersAsGeoJSON(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo not installed (apt-get install gdal-bin; make test installs it)")
	}
	srv := server(t)
	cases := []struct{ path, geom, count string }{
		{"/api/v1/areas?level=grid", "Multi Polygon", "Feature Count: 4"},
		{"/api/v1/streets", "Multi Line String", "Feature Count: 3"},
	}
	for _, tc := range cases {
		out, err := exec.Command(ogrinfo, "-ro", "-so", "-al", "GeoJSON:"+srv.URL+tc.path).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo %s: %v\n%s", tc.path, err, out)
		}
		s := string(out)
		for _, want := range []string{tc.count, "Geometry: " + tc.geom, "code: String", "name: String", "WGS 84"} {
			if !strings.Contains(s, want) {
				t.Fatalf("ogrinfo %s: no %q in\n%s", tc.path, want, s)
			}
		}
	}
}
