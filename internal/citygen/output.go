package citygen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// midpointSlack (degrees, about 0.1 m): a segment belongs to the lowest
// coded district within this distance of its midpoint, so that a midpoint
// on a shared boundary has one documented owner whatever the rounding.
const midpointSlack = 1e-6

// output stores the street segments, gives them codes and writes both
// FeatureCollections.
func (g *gen) output(ctx context.Context, segs []segment) (*Result, error) {
	var ord []int32
	var xs, ys []float64
	names, classes := make([]string, len(segs)), make([]string, len(segs))
	for i, s := range segs {
		for _, p := range s.line {
			ord, xs, ys = append(ord, int32(i+1)), append(xs, p[0]), append(ys, p[1])
		}
		names[i], classes[i] = s.name, s.class
	}
	if _, err := g.conn.Exec(ctx, `
		CREATE TEMP TABLE cg_street AS
		WITH lines AS (
			SELECT ord, ST_SetSRID(ST_MakeLine(array_agg(ST_MakePoint(x, y) ORDER BY i)), 4326) AS geom
			FROM unnest($1::int[], $2::float8[], $3::float8[]) WITH ORDINALITY AS t(ord, x, y, i)
			GROUP BY ord
		)
		SELECT l.ord, m.name, m.class, l.geom, ST_Length(l.geom::geography) AS metres,
		       ''::text AS district, ''::text AS code
		FROM lines l JOIN unnest($4::text[], $5::text[]) WITH ORDINALITY AS m(name, class, ord) ON m.ord = l.ord`,
		ord, xs, ys, names, classes); err != nil {
		return nil, fmt.Errorf("store streets: %w", err)
	}
	if _, err := g.conn.Exec(ctx, `
		UPDATE cg_street s SET district = (
			SELECT a.code FROM cg_area a
			WHERE a.level = $1
			ORDER BY greatest(ST_Distance(a.geom, ST_LineInterpolatePoint(s.geom, 0.5)), $2), a.code
			LIMIT 1)`, levelDistrict, midpointSlack); err != nil {
		return nil, fmt.Errorf("street districts: %w", err)
	}
	if _, err := g.conn.Exec(ctx, `
		UPDATE cg_street s SET code = n.code
		FROM (SELECT ord, district || '-' || lpad((row_number() OVER (PARTITION BY district ORDER BY ord))::text, 4, '0') AS code
		      FROM cg_street) n
		WHERE n.ord = s.ord`); err != nil {
		return nil, fmt.Errorf("street codes: %w", err)
	}
	var bad int
	if err := g.conn.QueryRow(ctx, `
		SELECT count(*) FROM cg_street
		WHERE NOT ST_IsValid(geom) OR metres < 100 OR metres > 2000`).Scan(&bad); err != nil {
		return nil, fmt.Errorf("check streets: %w", err)
	}
	if bad > 0 {
		return nil, fmt.Errorf("%d street segments are invalid or outside 100 m – 2 km", bad)
	}
	res := &Result{}
	if err := g.writeAreas(ctx, res); err != nil {
		return nil, err
	}
	if err := g.writeStreets(ctx, res); err != nil {
		return nil, err
	}
	return res, nil
}

type feature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Properties any             `json:"properties"`
	Geometry   json.RawMessage `json:"geometry"`
}

type areaProps struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Level  string  `json:"level"`
	Parent *string `json:"parent"`
}

type streetProps struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	District string `json:"district"`
	Class    string `json:"class"`
}

// collection writes a FeatureCollection with one Feature per line.
type collection struct {
	buf bytes.Buffer
	n   int
}

func (c *collection) add(f feature) error {
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode feature %s: %w", f.ID, err)
	}
	if c.n == 0 {
		c.buf.WriteString("{\"type\":\"FeatureCollection\",\"features\":[\n")
	} else {
		c.buf.WriteString(",\n")
	}
	c.buf.Write(b)
	c.n++
	return nil
}

func (c *collection) bytes() []byte {
	if c.n == 0 {
		return []byte("{\"type\":\"FeatureCollection\",\"features\":[]}\n")
	}
	c.buf.WriteString("\n]}\n")
	return c.buf.Bytes()
}

func (g *gen) writeAreas(ctx context.Context, res *Result) error {
	rows, err := g.conn.Query(ctx, `
		SELECT code, name, level, parent, ST_AsGeoJSON(geom, 7, 0) FROM cg_area ORDER BY level, code`)
	if err != nil {
		return fmt.Errorf("read areas: %w", err)
	}
	defer rows.Close()
	var c collection
	stats := map[string]*DistrictStats{}
	for _, d := range districts {
		res.Stats.PerDistrict = append(res.Stats.PerDistrict, DistrictStats{Code: d.code, Name: d.name})
	}
	for i := range res.Stats.PerDistrict {
		stats[res.Stats.PerDistrict[i].Code] = &res.Stats.PerDistrict[i]
	}
	for rows.Next() {
		var p areaProps
		var level int
		var geom string
		if err := rows.Scan(&p.Code, &p.Name, &level, &p.Parent, &geom); err != nil {
			return fmt.Errorf("read areas: %w", err)
		}
		p.Level = levelNames[level]
		if err := c.add(feature{"Feature", p.Code, p, json.RawMessage(geom)}); err != nil {
			return err
		}
		switch level {
		case levelDistrict:
			res.Stats.Districts++
		case levelSubdistrict:
			res.Stats.Subdistricts++
			stats[p.Code[:6]].Subdistricts++
		case levelCommunity:
			res.Stats.Communities++
			stats[p.Code[:6]].Communities++
		case levelGrid:
			res.Stats.Grids++
			stats[p.Code[:6]].Grids++
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read areas: %w", err)
	}
	res.Areas = c.bytes()
	return nil
}

func (g *gen) writeStreets(ctx context.Context, res *Result) error {
	rows, err := g.conn.Query(ctx, `
		SELECT code, name, district, class, ST_AsGeoJSON(geom, 7, 0) FROM cg_street ORDER BY code`)
	if err != nil {
		return fmt.Errorf("read streets: %w", err)
	}
	defer rows.Close()
	var c collection
	for rows.Next() {
		var p streetProps
		var geom string
		if err := rows.Scan(&p.Code, &p.Name, &p.District, &p.Class, &geom); err != nil {
			return fmt.Errorf("read streets: %w", err)
		}
		if err := c.add(feature{"Feature", p.Code, p, json.RawMessage(geom)}); err != nil {
			return err
		}
		res.Stats.Streets++
		for i := range res.Stats.PerDistrict {
			if res.Stats.PerDistrict[i].Code == p.District {
				res.Stats.PerDistrict[i].Streets++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read streets: %w", err)
	}
	res.Streets = c.bytes()
	return nil
}
