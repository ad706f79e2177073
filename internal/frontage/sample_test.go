package frontage_test

import (
	"context"
	"testing"

	"github.com/gridkeeper/gridkeeper/geodata"
	"github.com/gridkeeper/gridkeeper/internal/db/dbtest"
	"github.com/gridkeeper/gridkeeper/internal/frontage"
	"github.com/gridkeeper/gridkeeper/internal/sample"
)

func TestTheSampleCitysUnitsAllFindTheirStreetAndGetAZoneAndMostAnOwner(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	if err := sample.Load(ctx, d.Pool, nil); err != nil {
		t.Fatalf("load the sample city: %v", err)
	}
	var units, zones, owned, thin, far int
	err := d.Pool.QueryRow(ctx, `SELECT count(*), count(zone),
		count(*) FILTER (WHERE EXISTS (SELECT FROM duties d WHERE d.target_key = 'frontage:' || f.id AND d.valid @> now())),
		count(*) FILTER (WHERE ST_Area(zone::geography) < 50),
		count(*) FILTER (WHERE ST_Distance(f.geom::geography, s.geom::geography) NOT BETWEEN 7.9 AND 25.1)
		FROM frontages f JOIN streets s ON s.code = f.street_code`).Scan(&units, &zones, &owned, &thin, &far)
	if err != nil {
		t.Fatal(err)
	}
	if units < 3000 || units > 5000 || zones != units {
		t.Errorf("%d units, %d with a zone; want 3,000–5,000, all with a zone", units, zones)
	}
	if share := float64(owned) / float64(units); share < 0.85 || share > 0.95 {
		t.Errorf("%d of %d units have an owner (%.0f %%), want about 90 %%", owned, units, share*100)
	}
	if thin > 0 || far > 0 {
		t.Errorf("%d zones under 50 m², %d units not 8–25 m from their street", thin, far)
	}

	// The file is the one the sample loaded: importing it again changes nothing.
	f, err := geodata.FS.Open("frontages.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := frontage.ImportCSV(ctx, d.Pool, f, frontage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged != units || res.Inserted+res.Updated+res.OwnersCreated+res.PeopleCreated != 0 {
		t.Errorf("re-import of the sample: %+v, want all %d unchanged", res, units)
	}
}
