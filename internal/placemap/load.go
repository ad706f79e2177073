package placemap

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// Querier runs a query: the Query method of pgx.Tx, *pgx.Conn and
// *pgxpool.Pool.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// The three reads. Areas come in resolveSQL's order and street codes are
// ranked by ORDER BY code, so that ties break in the database's own
// collation and enum order.
const (
	areasSQL = `
SELECT a.code, a.level::text, ST_AsBinary(a.geom) FROM areas a ORDER BY a.level DESC, a.code`
	streetsSQL = `
SELECT s.code, s.name, row_number() OVER (ORDER BY s.code), ST_AsBinary(s.geom) FROM streets s`
	// resolveSQL joins frontages to their street; a unit without a zone
	// never covers a point.
	frontagesSQL = `
SELECT f.id, ST_AsBinary(f.geom), ST_AsBinary(f.zone)
FROM frontages f JOIN streets s ON s.code = f.street_code
WHERE f.zone IS NOT NULL`
)

// Load reads areas, streets and frontages into a Snapshot. Run it inside
// the transaction whose view of the places the points must be mapped
// against.
func Load(ctx context.Context, q Querier) (*Snapshot, error) {
	s := &Snapshot{}
	if err := s.loadAreas(ctx, q); err != nil {
		return nil, fmt.Errorf("placemap: areas: %w", err)
	}
	if err := s.loadStreets(ctx, q); err != nil {
		return nil, fmt.Errorf("placemap: streets: %w", err)
	}
	if err := s.loadFrontages(ctx, q); err != nil {
		return nil, fmt.Errorf("placemap: frontages: %w", err)
	}
	return s, nil
}

func (s *Snapshot) loadAreas(ctx context.Context, q Querier) error {
	rows, err := q.Query(ctx, areasSQL)
	if err != nil {
		return err
	}
	var boxes []bbox
	var code, level string
	var b []byte
	_, err = pgx.ForEachRow(rows, []any{&code, &level, &b}, func() error {
		polys, box, err := decodePolygons(b)
		if err != nil {
			return fmt.Errorf("area %s: %w", code, err)
		}
		s.areas = append(s.areas, area{code: code, level: level, box: box, polys: polys})
		boxes = append(boxes, box)
		return nil
	})
	if err != nil {
		return err
	}
	// The rows came in resolveSQL's order and every cell keeps it.
	s.areaIdx = newBucketGrid(boxes, 0.5)
	return nil
}

func (s *Snapshot) loadStreets(ctx context.Context, q Querier) error {
	rows, err := q.Query(ctx, streetsSQL)
	if err != nil {
		return err
	}
	var boxes []bbox
	var code, name string
	var rank int64
	var b []byte
	_, err = pgx.ForEachRow(rows, []any{&code, &name, &rank, &b}, func() error {
		g, err := wkb.Unmarshal(b)
		if err != nil {
			return fmt.Errorf("street %s: %w", code, err)
		}
		var lines []orb.LineString
		switch g := g.(type) {
		case orb.LineString:
			lines = []orb.LineString{g}
		case orb.MultiLineString:
			lines = g
		default:
			return fmt.Errorf("street %s: %s, want a (multi)linestring", code, g.GeoJSONType())
		}
		si := int32(len(s.streets))
		s.streets = append(s.streets, street{code: code, name: name, rank: int(rank)})
		for _, l := range lines {
			for _, e := range lineEdges(l) {
				e.street = si
				s.edges = append(s.edges, e)
				boxes = append(boxes, e.box)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.edgeIdx = newBucketGrid(boxes, 1)
	return nil
}

// lineEdges are the edges of a line as liblwgeom's tree holds them: edges
// shorter than FP_TOLERANCE radians are dropped, and a line of nothing but
// such edges is its first point.
func lineEdges(l orb.LineString) []streetEdge {
	if len(l) == 0 {
		return nil
	}
	vs := make([]gvertex, len(l))
	for i, p := range l {
		vs[i] = newGVertex(toGeo(p[0], p[1]))
	}
	var out []streetEdge
	for i := 0; i+1 < len(vs); i++ {
		a, b := vs[i], vs[i+1]
		if math.Abs(sphereDist(a.g, a.sinLat, a.cosLat, b.g, b.sinLat, b.cosLat)-0) <= fpTolerance {
			continue
		}
		pa, pb := pt{l[i][0], l[i][1]}, pt{l[i+1][0], l[i+1][1]}
		box := emptyBox()
		box.add(pa)
		box.add(pb)
		out = append(out, streetEdge{gedge: newGEdge(a, b), a: pa, b: pb, box: box})
	}
	if len(out) == 0 {
		p0 := pt{l[0][0], l[0][1]}
		box := emptyBox()
		box.add(p0)
		out = append(out, streetEdge{gedge: newGEdge(vs[0], vs[0]), a: p0, b: p0, box: box})
	}
	return out
}

func (s *Snapshot) loadFrontages(ctx context.Context, q Querier) error {
	rows, err := q.Query(ctx, frontagesSQL)
	if err != nil {
		return err
	}
	var boxes []bbox
	var id int64
	var geomB, zoneB []byte
	_, err = pgx.ForEachRow(rows, []any{&id, &geomB, &zoneB}, func() error {
		zone, box, err := decodePolygons(zoneB)
		if err != nil {
			return fmt.Errorf("frontage %d zone: %w", id, err)
		}
		f := frontage{id: id, zone: zone, box: box}
		g, err := wkb.Unmarshal(geomB)
		if err != nil {
			return fmt.Errorf("frontage %d: %w", id, err)
		}
		if p, ok := g.(orb.Point); ok {
			f.point = &pt{p[0], p[1]}
		} else if f.geom, _, err = decodePolygons(geomB); err != nil {
			return fmt.Errorf("frontage %d: %w", id, err)
		}
		s.fronts = append(s.fronts, f)
		boxes = append(boxes, box)
		return nil
	})
	if err != nil {
		return err
	}
	s.frontIdx = newBucketGrid(boxes, 1)
	return nil
}

// decodePolygons reads a WKB Polygon or MultiPolygon.
func decodePolygons(b []byte) ([]polygon, bbox, error) {
	box := emptyBox()
	g, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, box, err
	}
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	default:
		return nil, box, fmt.Errorf("%s, want a (multi)polygon", g.GeoJSONType())
	}
	var polys []polygon
	for _, p := range mp {
		if len(p) == 0 {
			continue
		}
		poly := make(polygon, 0, len(p))
		for _, r := range p {
			pts := make([]pt, len(r))
			for i, c := range r {
				pts[i] = pt{c[0], c[1]}
				box.add(pts[i])
			}
			if len(pts) == 0 {
				continue
			}
			poly = append(poly, newRing(pts))
		}
		if len(poly) > 0 {
			polys = append(polys, poly)
		}
	}
	return slices.Clip(polys), box, nil
}
