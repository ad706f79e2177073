package frontage_test

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// zoneFacts measures the zone of the unit named name against its street.
type zoneFacts struct {
	street                     string
	areaM2, spanEW, spanNS     float64 // m², metres east-west and north-south
	touchesStreet, touchesUnit bool
	kind                       string
}

func TestAPointUnit15MetresNorthOfAStreetGetsAWidthByDepthStripTouchingStreetAndUnit(t *testing.T) {
	d := db(t)
	mustImportCSV(t, d, fmt.Sprintf("name,contact,lon,lat,width_m\n老王烧烤,,116.01,%.9f,12\n", north(15)))
	var z zoneFacts
	err := d.Pool.QueryRow(context.Background(), `
		SELECT f.street_code, GeometryType(f.zone), ST_Area(f.zone::geography),
		       ST_Distance(ST_SetSRID(ST_MakePoint(ST_XMin(f.zone), 37.1), 4326)::geography, ST_SetSRID(ST_MakePoint(ST_XMax(f.zone), 37.1), 4326)::geography),
		       ST_Distance(ST_SetSRID(ST_MakePoint(116.01, ST_YMin(f.zone)), 4326)::geography, ST_SetSRID(ST_MakePoint(116.01, ST_YMax(f.zone)), 4326)::geography),
		       ST_DWithin(f.zone::geography, s.geom::geography, 0.01), ST_DWithin(f.zone::geography, f.geom::geography, 0.01)
		FROM frontages f JOIN streets s ON s.code = f.street_code`).
		Scan(&z.street, &z.kind, &z.areaM2, &z.spanEW, &z.spanNS, &z.touchesStreet, &z.touchesUnit)
	if err != nil {
		t.Fatal(err)
	}
	if z.street != "F-EW" || z.kind != "POLYGON" {
		t.Fatalf("street %s, zone %s; want F-EW and a POLYGON", z.street, z.kind)
	}
	if math.Abs(z.spanEW-12) > 0.1 || math.Abs(z.spanNS-15) > 0.1 || math.Abs(z.areaM2-180) > 2 {
		t.Errorf("zone %.2f m east-west × %.2f m north-south, %.1f m²; want about 12 × 15 m, 180 m²", z.spanEW, z.spanNS, z.areaM2)
	}
	if !z.touchesStreet || !z.touchesUnit {
		t.Errorf("zone touches the street: %v, the unit: %v; want both", z.touchesStreet, z.touchesUnit)
	}
}

func TestAPolygonUnitsZoneSpansItsExtentAlongTheStreetUpToItsNearestEdge(t *testing.T) {
	d := db(t)
	// 0.0002° of longitude at 37.1° N is about 17.7 m; the shop stands 10 to 20 m north of the street.
	mustImportGeoJSON(t, d, fc(rectFeature(116.0100, north(10), 116.0102, north(20), `"name":"德州扒鸡专卖店","licence":"91371402MA3C0FFEE1"`)))
	var z zoneFacts
	var shopWidth float64
	err := d.Pool.QueryRow(context.Background(), `
		SELECT f.street_code, GeometryType(f.zone), ST_Area(f.zone::geography),
		       ST_Distance(ST_SetSRID(ST_MakePoint(116.0100, 37.1), 4326)::geography, ST_SetSRID(ST_MakePoint(116.0102, 37.1), 4326)::geography),
		       ST_Distance(ST_SetSRID(ST_MakePoint(116.01, ST_YMin(f.zone)), 4326)::geography, ST_SetSRID(ST_MakePoint(116.01, ST_YMax(f.zone)), 4326)::geography),
		       ST_DWithin(f.zone::geography, s.geom::geography, 0.01), ST_DWithin(f.zone::geography, f.geom::geography, 0.01)
		FROM frontages f JOIN streets s ON s.code = f.street_code`).
		Scan(&z.street, &z.kind, &z.areaM2, &shopWidth, &z.spanNS, &z.touchesStreet, &z.touchesUnit)
	if err != nil {
		t.Fatal(err)
	}
	if z.street != "F-EW" || z.kind != "POLYGON" {
		t.Fatalf("street %s, zone %s; want F-EW and a POLYGON", z.street, z.kind)
	}
	if math.Abs(z.spanNS-10) > 0.1 || math.Abs(z.areaM2-shopWidth*10) > 2 {
		t.Errorf("zone %.2f m deep, %.1f m²; want 10 m deep and %.1f m² (the shop's %.2f m frontage)", z.spanNS, z.areaM2, shopWidth*10, shopWidth)
	}
	if !z.touchesStreet || !z.touchesUnit {
		t.Errorf("zone touches the street: %v, the unit: %v; want both", z.touchesStreet, z.touchesUnit)
	}
}

func TestTheStreetIsTheNearestSegmentAndANearerSecondStreetWins(t *testing.T) {
	d := db(t)
	// 15 m north of 东西路 (74 m from 北街); 60 m north of 东西路 (29 m from
	// 北街); 20 m west of 南北路 and 0.01° (1.1 km) from the others.
	mustImportCSV(t, d, fmt.Sprintf("name,contact,lon,lat\n近东西路,,116.01,%.9f\n近北街,,116.01,%.9f\n近南北路,,%.9f,37.1005\n",
		north(15), north(60), 116.03-20/88_800.0))
	rows, err := d.Pool.Query(context.Background(), `SELECT name, street_code FROM frontages ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var name, street string
		if err := rows.Scan(&name, &street); err != nil {
			t.Fatal(err)
		}
		got[name] = street
	}
	want := map[string]string{"近东西路": "F-EW", "近北街": "F-NORTH", "近南北路": "F-NS"}
	for name, street := range want {
		if got[name] != street {
			t.Errorf("%s fronts %q, want %s", name, got[name], street)
		}
	}
}

func TestAStreetColumnForcesTheStreetWithinTheRadius(t *testing.T) {
	d := db(t)
	// 40 m north of 东西路, 49 m from 北街: the nearest is 东西路, the file says 北街.
	res := mustImportGeoJSON(t, d, fc(pointFeature(116.01, north(40), `"name":"街角小卖部","street":"F-NORTH"`)))
	if res.Inserted != 1 {
		t.Fatalf("result %+v", res)
	}
	var street string
	if err := d.Pool.QueryRow(context.Background(), `SELECT street_code FROM frontages`).Scan(&street); err != nil {
		t.Fatal(err)
	}
	if street != "F-NORTH" {
		t.Errorf("street %s, want the forced F-NORTH", street)
	}
}

func TestAPolygonBeyondTheEndOfItsStreetIsRejectedForWantOfAZone(t *testing.T) {
	d := db(t)
	// East of 东西路's end (116.02 E): every vertex projects onto the end point.
	_, err := importGeoJSON(t, d, fc(rectFeature(116.0202, north(10), 116.0204, north(20), `"name":"路尽头的店"`)))
	wantRejected(t, err, want{"feature 0", "no responsibility zone can be derived towards 东西路 (F-EW): the unit lies beyond the end of the segment"})
	if n := count(t, d, "frontages"); n != 0 {
		t.Errorf("%d units after a rejected file, want 0", n)
	}
}
