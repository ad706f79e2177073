package sample_test

import (
	"context"
	"testing"

	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

func TestSampleCityLoadsOnceAndIsPartlyStaffed(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	loaded, err := sample.LoadIfEmpty(ctx, d.Pool, nil)
	if err != nil || !loaded {
		t.Fatalf("first load: %v %v", loaded, err)
	}
	var grids, staffedGrids, streets, chiefs, leaders int
	err = d.Pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM areas WHERE level = 'grid'),
		(SELECT count(*) FROM duties WHERE role = 'grid_officer' AND valid @> now()),
		(SELECT count(*) FROM streets),
		(SELECT count(*) FROM duties WHERE role = 'street_chief' AND valid @> now()),
		(SELECT count(*) FROM duties WHERE role = 'leader' AND valid @> now())`).Scan(&grids, &staffedGrids, &streets, &chiefs, &leaders)
	if err != nil {
		t.Fatal(err)
	}
	if grids < 200 || staffedGrids == 0 || staffedGrids >= grids || chiefs == 0 || chiefs >= streets {
		t.Fatalf("grids %d staffed %d, streets %d with chiefs %d: want most but not all staffed", grids, staffedGrids, streets, chiefs)
	}
	var communities, subdistricts, districts int
	d.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE level = 'community'), count(*) FILTER (WHERE level = 'subdistrict'),
		count(*) FILTER (WHERE level = 'district') FROM areas`).Scan(&communities, &subdistricts, &districts)
	if leaders != communities+subdistricts+districts {
		t.Fatalf("%d leaders, want one per community, sub-district and district (%d)", leaders, communities+subdistricts+districts)
	}
	again, err := sample.LoadIfEmpty(ctx, d.Pool, nil)
	if err != nil || again {
		t.Fatalf("second load: %v %v, want a no-op", again, err)
	}
}
