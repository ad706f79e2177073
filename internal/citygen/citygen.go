package citygen

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// File names of the generated city inside the output directory.
const (
	AreasFile   = "areas.geojson"
	StreetsFile = "streets.geojson"
)

// Options tune a generation run.
type Options struct {
	// Seed drives every random choice: the same seed gives the same bytes.
	Seed uint64
	// Progress receives a line per stage; nil discards them.
	Progress io.Writer
}

// Result is a generated city.
type Result struct {
	Areas   []byte // FeatureCollection of areas, one Feature per line
	Streets []byte // FeatureCollection of street segments, one Feature per line
	Stats   Stats
}

// Stats counts what was generated.
type Stats struct {
	Districts, Subdistricts, Communities, Grids int
	Streets                                     int             // street segments
	PerDistrict                                 []DistrictStats // in code order
}

// DistrictStats counts one district's contents.
type DistrictStats struct {
	Code, Name                       string
	Subdistricts, Communities, Grids int
	Streets                          int // segments whose code carries this district
}

// WriteDir writes the two files into dir (created if missing).
func (r *Result) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("output directory: %w", err)
	}
	for name, b := range map[string][]byte{AreasFile: r.Areas, StreetsFile: r.Streets} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// gen is one generation run on one connection (its temporary tables live
// in that session).
type gen struct {
	conn     *pgx.Conn
	rng      *rand.Rand
	progress io.Writer
	start    time.Time

	ring  []pt           // city outline
	atoms []atom         // small cells districts and subdistricts grow over
	subs  []*subdistrict // ids 1..len
	comms []*community   // ids 1..len
	grids []child        // grid id → community
	// codes and names of the final areas, by level and id
	areas map[levelID]*area
}

// Generate builds the sample city in temporary tables on a connection of
// pool and returns the GeoJSON files. It needs PostGIS in the database and
// writes nothing outside the session's temporary tables.
func Generate(ctx context.Context, pool *pgxpool.Pool, opt Options) (*Result, error) {
	pc, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquire connection: %w", err)
	}
	defer pc.Release()
	g := &gen{
		conn:     pc.Conn(),
		rng:      rand.New(rand.NewPCG(opt.Seed, 0x5eed_c17e_d0e2_0001)),
		progress: opt.Progress,
		start:    time.Now(),
	}
	defer g.cleanup()
	if err := g.setup(ctx); err != nil {
		return nil, err
	}
	stages := []struct {
		name string
		run  func(context.Context) error
	}{
		{"city outline and atoms", g.atomStage},
		{"districts and subdistricts", g.districtStage},
		{"communities", g.communityStage},
		{"grids", g.gridStage},
		{"snap, node and tile", g.snapStage},
		{"codes and names", g.codeStage},
	}
	for _, s := range stages {
		if err := s.run(ctx); err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		g.logf("%s done", s.name)
	}
	streets, err := g.streetStage(ctx)
	if err != nil {
		return nil, fmt.Errorf("streets: %w", err)
	}
	g.logf("streets done")
	res, err := g.output(ctx, streets)
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	g.logf("wrote %d areas (%d grids) and %d street segments", res.Stats.Districts+res.Stats.Subdistricts+
		res.Stats.Communities+res.Stats.Grids+1, res.Stats.Grids, res.Stats.Streets)
	return res, nil
}

func (g *gen) logf(format string, args ...any) {
	if g.progress != nil {
		fmt.Fprintf(g.progress, "gen city: %5.1fs  %s\n", time.Since(g.start).Seconds(), fmt.Sprintf(format, args...))
	}
}

const tempTables = `cg_parent, cg_seed, cg_cell, cg_stray, cg_atom, cg_comm, cg_grid, cg_face,
	cg_final, cg_tree, cg_area, cg_street, cg_art, cg_snapped`

func (g *gen) setup(ctx context.Context) error {
	var version string
	if err := g.conn.QueryRow(ctx, `SELECT postgis_lib_version() || ' GEOS ' || postgis_geos_version()`).Scan(&version); err != nil {
		return fmt.Errorf("PostGIS is needed (run 'gridkeeper migrate' first): %w", err)
	}
	g.logf("PostGIS %s", version)
	// Parallel plans could reorder aggregate input; the output must not move.
	if _, err := g.conn.Exec(ctx, `SET max_parallel_workers_per_gather = 0; SET jit = off`); err != nil {
		return fmt.Errorf("session settings: %w", err)
	}
	if _, err := g.conn.Exec(ctx, `DROP TABLE IF EXISTS `+tempTables); err != nil {
		return fmt.Errorf("drop work tables: %w", err)
	}
	if _, err := g.conn.Exec(ctx, partitionTables+`
		CREATE TEMP TABLE cg_atom (id int PRIMARY KEY, parent int NOT NULL, geom geometry NOT NULL);
		CREATE TEMP TABLE cg_comm (id int PRIMARY KEY, parent int NOT NULL, geom geometry NOT NULL);
		CREATE TEMP TABLE cg_grid (id int PRIMARY KEY, parent int NOT NULL, geom geometry NOT NULL);
		CREATE TEMP TABLE cg_face (id int PRIMARY KEY, geom geometry NOT NULL, grid int);
		CREATE TEMP TABLE cg_tree (level int, id int, parent int, PRIMARY KEY (level, id));
		CREATE TEMP TABLE cg_final (level int, id int, parent int NOT NULL, geom geometry NOT NULL, PRIMARY KEY (level, id));
		CREATE TEMP TABLE cg_area (code text PRIMARY KEY, name text NOT NULL, level int NOT NULL,
			parent text, geom geometry NOT NULL);`); err != nil {
		return fmt.Errorf("create work tables: %w", err)
	}
	return nil
}

// cleanup drops the work tables so the pooled connection goes back clean.
func (g *gen) cleanup() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	g.conn.Exec(ctx, `DROP TABLE IF EXISTS `+tempTables)
	g.conn.Exec(ctx, `RESET max_parallel_workers_per_gather; RESET jit`)
}
