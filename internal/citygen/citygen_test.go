package citygen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/geodata"
	"github.com/gridkeeper/gridkeeper/internal/citygen"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
)

func committed(t *testing.T) (areas, streets []byte) {
	t.Helper()
	areas, err := geodata.FS.ReadFile(citygen.AreasFile)
	if err != nil {
		t.Fatal(err)
	}
	streets, err = geodata.FS.ReadFile(citygen.StreetsFile)
	if err != nil {
		t.Fatal(err)
	}
	return areas, streets
}

func TestCommittedSampleCityPassesTheImportInvariants(t *testing.T) {
	t.Parallel()
	areas, streets := committed(t)
	if size := len(areas) + len(streets); size > 4<<20 {
		t.Errorf("geodata is %d bytes, want under 4 MB", size)
	}
	checkCity(t, dbtest.New(t).Pool, areas, streets)
}

func TestSeedOneRegeneratesTheCommittedFilesByteForByte(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := citygen.Generate(ctx, d.Pool, citygen.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	areas, streets := committed(t)
	var version string
	if err := d.Pool.QueryRow(ctx, `SELECT postgis_lib_version() || ' GEOS ' || postgis_geos_version()`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name      string
		got, want []byte
	}{{citygen.AreasFile, res.Areas, areas}, {citygen.StreetsFile, res.Streets, streets}} {
		if !bytes.Equal(f.got, f.want) {
			t.Errorf("seed 1 output differs from geodata/%s (PostGIS %s) at %s\n"+
				"regenerate with: go run ./cmd/gridkeeper gen city --seed 1 --out geodata", f.name, version, firstDiff(f.got, f.want))
		}
	}
}

func TestAnotherSeedGivesAnotherValidCity(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res, err := citygen.Generate(ctx, d.Pool, citygen.Options{Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if areas, _ := committed(t); bytes.Equal(res.Areas, areas) {
		t.Error("seed 2 gave the same areas as seed 1")
	}
	checkCity(t, d.Pool, res.Areas, res.Streets)
}

// firstDiff locates the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < min(len(g), len(w)); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got  %.200s\n want %.200s", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("length: got %d lines, want %d", len(g), len(w))
}

type feature struct {
	Type       string          `json:"type"`
	ID         any             `json:"id"`
	Properties map[string]any  `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

type collection struct {
	Type     string          `json:"type"`
	CRS      json.RawMessage `json:"crs"`
	Features []feature       `json:"features"`
}

var (
	tooPrecise = regexp.MustCompile(`[0-9]\.[0-9]{8,}`)
	streetCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
	digits     = regexp.MustCompile(`^[0-9]+$`)
)

// decode checks the RFC 7946 envelope and returns the features.
func decode(t *testing.T, name string, doc []byte) []feature {
	t.Helper()
	var fc collection
	if err := json.Unmarshal(doc, &fc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if fc.Type != "FeatureCollection" || fc.CRS != nil {
		t.Errorf("%s: type %q, crs %s: want a FeatureCollection without crs", name, fc.Type, fc.CRS)
	}
	if m := tooPrecise.Find(doc); m != nil {
		t.Errorf("%s: coordinate %s has more than 7 decimals", name, m)
	}
	for _, f := range fc.Features {
		if code, _ := f.Properties["code"].(string); f.Type != "Feature" || f.ID != code || code == "" {
			t.Errorf("%s: feature %v: type %q, id must equal properties.code %q", name, f.ID, f.Type, code)
		}
		if n, _ := f.Properties["name"].(string); strings.TrimSpace(n) == "" {
			t.Errorf("%s: feature %v has no name", name, f.ID)
		}
	}
	return fc.Features
}

// checkCity checks what the importer enforces, and what the issue asks of
// the sample city, on a pair of generated files.
func checkCity(t *testing.T, pool *pgxpool.Pool, areasDoc, streetsDoc []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	areas := decode(t, citygen.AreasFile, areasDoc)
	streets := decode(t, citygen.StreetsFile, streetsDoc)

	// Codes and the hierarchy, in Go.
	codeLen := map[string]int{"city": 6, "district": 6, "subdistrict": 9, "community": 12, "grid": 15}
	parentLevel := map[string]string{"district": "city", "subdistrict": "district", "community": "subdistrict", "grid": "community"}
	levelOf := map[string]string{}
	gridsOf := map[string][]string{}
	var codes, names, levels, parents, geoms []string
	for _, f := range areas {
		code, _ := f.Properties["code"].(string)
		level, _ := f.Properties["level"].(string)
		parent, _ := f.Properties["parent"].(string)
		switch {
		case codeLen[level] == 0:
			t.Errorf("area %s: level %q", code, level)
		case len(code) != codeLen[level] || !digits.MatchString(code):
			t.Errorf("area %s: a %s code has %d digits", code, level, codeLen[level])
		case levelOf[code] != "":
			t.Errorf("area %s: code used twice", code)
		case level == "city" && (code != "371400" || f.Properties["parent"] != nil):
			t.Errorf("city %s: want code 371400 and a null parent, got parent %v", code, f.Properties["parent"])
		case level != "city" && levelOf[parent] != parentLevel[level]:
			t.Errorf("%s %s: parent %q is not an earlier %s", level, code, parent, parentLevel[level])
		case level == "district" && code[:4] != parent[:4], level != "district" && level != "city" && !strings.HasPrefix(code, parent):
			t.Errorf("%s %s: code does not extend parent %s", level, code, parent)
		}
		levelOf[code] = level
		if level == "grid" {
			gridsOf[parent] = append(gridsOf[parent], code)
		}
		var g struct{ Type string }
		json.Unmarshal(f.Geometry, &g)
		if g.Type != "Polygon" && g.Type != "MultiPolygon" {
			t.Errorf("area %s: geometry %s", code, g.Type)
		}
		codes, names, levels, parents = append(codes, code), append(names, f.Properties["name"].(string)), append(levels, level), append(parents, parent)
		geoms = append(geoms, string(f.Geometry))
	}
	for comm, gs := range gridsOf {
		for i, g := range gs {
			if want := fmt.Sprintf("%s%03d", comm, i+1); g != want {
				t.Errorf("community %s: grid %d is %s, want %s (numbers run 001, 002, ...)", comm, i+1, g, want)
			}
		}
	}
	count := func(level, prefix string) int {
		n := 0
		for c, l := range levelOf {
			if l == level && strings.HasPrefix(c, prefix) {
				n++
			}
		}
		return n
	}
	if n := count("grid", ""); n < 200 {
		t.Errorf("%d grids, want at least 200", n)
	}
	if n := count("grid", "371403"); n != 28 {
		t.Errorf("陵城区 has %d grids, want 28 as in the seed", n)
	}
	for _, d := range []string{"371402", "371403", "371471", "371472"} {
		if levelOf[d] != "district" {
			t.Errorf("district %s missing", d)
		}
	}
	if n := count("district", ""); n != 4 {
		t.Errorf("%d districts, want 4", n)
	}
	if len(streets) < 400 {
		t.Errorf("%d street segments, want at least 400", len(streets))
	}
	var scodes, snames, sdistricts, sgeoms []string
	seen := map[string]bool{}
	for _, f := range streets {
		code, _ := f.Properties["code"].(string)
		district, _ := f.Properties["district"].(string)
		if !streetCode.MatchString(code) || seen[code] || !strings.HasPrefix(code, district+"-") || levelOf[district] != "district" {
			t.Errorf("street %q: code must be unique, match %s and start with its district %q", code, streetCode, district)
		}
		seen[code] = true
		var g struct{ Type string }
		json.Unmarshal(f.Geometry, &g)
		if g.Type != "LineString" && g.Type != "MultiLineString" {
			t.Errorf("street %s: geometry %s", code, g.Type)
		}
		scodes, snames, sdistricts = append(scodes, code), append(snames, f.Properties["name"].(string)), append(sdistricts, district)
		sgeoms = append(sgeoms, string(f.Geometry))
	}
	if t.Failed() {
		return
	}

	// Geometry, in PostGIS, with the importer's tolerances.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	mustExec := func(sql string, args ...any) {
		t.Helper()
		if _, err := conn.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%v\n%s", err, sql)
		}
	}
	mustExec(`DROP TABLE IF EXISTS t_area, t_street`)
	mustExec(`CREATE TEMP TABLE t_area AS
		SELECT code, name, level, nullif(parent, '') AS parent, ST_GeomFromGeoJSON(geom) AS geom
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(code, name, level, parent, geom)`,
		codes, names, levels, parents, geoms)
	mustExec(`CREATE TEMP TABLE t_street AS
		SELECT code, name, district, ST_GeomFromGeoJSON(geom) AS geom
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(code, name, district, geom)`,
		scodes, snames, sdistricts, sgeoms)
	mustExec(`CREATE INDEX ON t_area USING gist (geom); CREATE INDEX ON t_area (parent); ANALYZE t_area`)
	none := func(what, sql string) {
		t.Helper()
		rows, err := conn.Query(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		defer rows.Close()
		var bad []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			bad = append(bad, s)
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if len(bad) > 0 {
			t.Errorf("%s: %d, e.g. %v", what, len(bad), bad[:min(len(bad), 5)])
		}
	}
	none("invalid or non-polygonal areas", `
		SELECT code FROM t_area
		WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom) OR ST_SRID(geom) <> 4326
		   OR GeometryType(geom) NOT IN ('POLYGON', 'MULTIPOLYGON')`)
	none("the city outside 116.2-116.6 E, 37.3-37.6 N", `
		SELECT code FROM t_area WHERE level = 'city'
		AND NOT ST_CoveredBy(geom, ST_MakeEnvelope(116.19, 37.29, 116.61, 37.61, 4326))`)
	none("children reaching 1 m² or more outside their parent", `
		SELECT c.code || ' ' || ST_Area(ST_Difference(c.geom, p.geom)::geography)
		FROM t_area c JOIN t_area p ON p.code = c.parent
		WHERE ST_Area(ST_Difference(c.geom, p.geom)::geography) >= 1`)
	none("siblings overlapping by 0.5 m² or more", `
		SELECT a.code || '/' || b.code FROM t_area a JOIN t_area b
		ON a.parent = b.parent AND a.code < b.code AND a.geom && b.geom
		WHERE ST_Area(ST_Intersection(a.geom, b.geom)::geography) >= 0.5`)
	none("parents with 1 m² or more not covered by their children", `
		SELECT p.code || ' ' || ST_Area(ST_Difference(p.geom, u.geom)::geography)
		FROM t_area p, LATERAL (SELECT ST_Union(geom) AS geom FROM t_area c WHERE c.parent = p.code) u
		WHERE p.level <> 'grid' AND (u.geom IS NULL OR ST_Area(ST_Difference(p.geom, u.geom)::geography) >= 1)`)
	none("invalid, zero-length or implausibly long street segments", `
		SELECT code || ' ' || round(ST_Length(geom::geography)) FROM t_street
		WHERE NOT ST_IsValid(geom) OR GeometryType(geom) NOT IN ('LINESTRING', 'MULTILINESTRING')
		   OR ST_Length(geom::geography) NOT BETWEEN 100 AND 2000`)
	none("street segments leaving the city", `
		SELECT s.code FROM t_street s, t_area c
		WHERE c.level = 'city' AND NOT ST_CoveredBy(s.geom, ST_Buffer(c.geom, 1e-6))`)
	none("street segments coded with a district their midpoint is not in", `
		SELECT s.code FROM t_street s JOIN t_area d ON d.code = s.district
		WHERE NOT ST_DWithin(d.geom, ST_LineInterpolatePoint(s.geom, 0.5), 1e-6)`)
	var alongGrids int
	if err := conn.QueryRow(ctx, `
		SELECT count(*) FROM t_street s WHERE EXISTS (
			SELECT FROM t_area a
			WHERE a.level = 'grid' AND a.geom && ST_Expand(s.geom, 1e-6)
			  AND ST_CoveredBy(s.geom, ST_Buffer(ST_Boundary(a.geom), 1e-6)))`).Scan(&alongGrids); err != nil {
		t.Fatal(err)
	}
	if alongGrids < len(streets)/3 {
		t.Errorf("%d of %d street segments run along grid boundaries, want at least a third", alongGrids, len(streets))
	}
}
