package frontage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gridkeeper/gridkeeper/internal/httpx"
)

// Owner is the person who holds a unit's frontage_owner duty.
type Owner struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
}

// Props are the properties of a unit and of its zone in a collection.
type Props struct {
	Kind       string  `json:"kind"` // "unit" or "zone"
	FrontageID int64   `json:"frontage_id"`
	Name       string  `json:"name"`
	Licence    *string `json:"licence"`
	Street     string  `json:"street"`      // the street segment's code
	StreetName string  `json:"street_name"` // and its name
	WidthM     float64 `json:"width_m"`
	Owner      *Owner  `json:"owner"` // the current owner, or null
}

// Filter selects units: those whose footprint or zone intersects BBox,
// on Street when it is set.
type Filter struct {
	BBox   httpx.BBox
	Street string
}

// eachSQL: units whose footprint or zone meets the box (the two GiST
// indexes, or-ed), with their current owner, in id order.
const eachSQL = `
WITH box AS (SELECT ST_MakeEnvelope($1, $2, $3, $4, 4326) AS g)
SELECT f.id, f.name, f.licence, f.street_code, s.name, f.width_m,
       ST_AsGeoJSON(f.geom, 7)::json, ST_AsGeoJSON(f.zone, 7)::json, o.person_id, o.name
FROM box, frontages f
JOIN streets s ON s.code = f.street_code
LEFT JOIN LATERAL (
    SELECT d.person_id, p.name FROM duties d JOIN people p ON p.id = d.person_id
    WHERE d.target_key = 'frontage:' || f.id AND d.role = 'frontage_owner' AND d.valid @> now()
    LIMIT 1) o ON true
WHERE (ST_Intersects(f.geom, box.g) OR ST_Intersects(f.zone, box.g))
  AND ($5 = '' OR f.street_code = $5)
ORDER BY f.id`

// Each calls fn for every unit matching f, as rows arrive, with the
// unit's properties (Kind "unit"), its footprint and its zone (null when
// none could be derived).
func Each(ctx context.Context, pool *pgxpool.Pool, f Filter, fn func(p Props, unit, zone json.RawMessage) error) error {
	b := f.BBox
	rows, err := pool.Query(ctx, eachSQL, b.MinLon, b.MinLat, b.MaxLon, b.MaxLat, f.Street)
	if err != nil {
		return fmt.Errorf("query frontages: %w", err)
	}
	defer rows.Close()
	var p Props
	var unit, zone json.RawMessage
	var ownerID *int64
	var ownerName *string
	for rows.Next() {
		if err := rows.Scan(&p.FrontageID, &p.Name, &p.Licence, &p.Street, &p.StreetName, &p.WidthM, &unit, &zone, &ownerID, &ownerName); err != nil {
			return fmt.Errorf("scan frontage: %w", err)
		}
		p.Kind, p.Owner = "unit", nil
		if ownerID != nil {
			p.Owner = &Owner{PersonID: *ownerID, Name: *ownerName}
		}
		if err := fn(p, unit, zone); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read frontages: %w", err)
	}
	return nil
}

// OwnerDuty is one period of a unit's owner.
type OwnerDuty struct {
	DutyID   int64      `json:"duty_id"`
	PersonID int64      `json:"person_id"`
	Name     string     `json:"name"`
	From     time.Time  `json:"from"`
	To       *time.Time `json:"to"` // null: open-ended
	Current  bool       `json:"current"`
}

// Detail are the properties of a single unit.
type Detail struct {
	Props
	Contact        *string         `json:"contact"`
	Zone           json.RawMessage `json:"zone"`              // GeoJSON polygon, or null
	ZoneAreaM2     *float64        `json:"zone_area_m2"`      // geodesic, 0.1 m²
	StreetDistance float64         `json:"street_distance_m"` // unit to centre line, 0.1 m
	Owners         []OwnerDuty     `json:"owners"`            // owner history, newest first
	Attributes     json.RawMessage `json:"attributes"`        // the free properties it was imported with
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
}

// ErrNotFound is returned for an unknown unit.
var ErrNotFound = errors.New("not found")

const getSQL = `
SELECT f.id, f.name, f.licence, f.street_code, s.name, f.width_m, f.contact,
       ST_AsGeoJSON(f.geom, 7)::json, ST_AsGeoJSON(f.zone, 7)::json,
       round(ST_Area(f.zone::geography)::numeric, 1)::float8,
       round(ST_Distance(f.geom::geography, s.geom::geography)::numeric, 1)::float8,
       f.properties, f.created_at, f.updated_at,
       (SELECT coalesce(json_agg(json_build_object('duty_id', d.id, 'person_id', d.person_id, 'name', p.name,
                'from', lower(d.valid), 'to', upper(d.valid), 'current', d.valid @> now())
                ORDER BY lower(d.valid) DESC), '[]')
        FROM duties d JOIN people p ON p.id = d.person_id
        WHERE d.target_key = 'frontage:' || f.id AND d.role = 'frontage_owner')
FROM frontages f JOIN streets s ON s.code = f.street_code
WHERE f.id = $1`

// Get returns one unit with its zone's area, its owner and the history of
// its owners, and its footprint.
func Get(ctx context.Context, pool *pgxpool.Pool, id int64) (Detail, json.RawMessage, error) {
	var d Detail
	var geom, owners json.RawMessage
	err := pool.QueryRow(ctx, getSQL, id).Scan(&d.FrontageID, &d.Name, &d.Licence, &d.Street, &d.StreetName, &d.WidthM,
		&d.Contact, &geom, &d.Zone, &d.ZoneAreaM2, &d.StreetDistance, &d.Attributes, &d.CreatedAt, &d.UpdatedAt, &owners)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, nil, ErrNotFound
	}
	if err != nil {
		return d, nil, fmt.Errorf("get frontage %d: %w", id, err)
	}
	if err := json.Unmarshal(owners, &d.Owners); err != nil {
		return d, nil, fmt.Errorf("decode owners: %w", err)
	}
	d.Kind = "unit"
	for _, o := range d.Owners {
		if o.Current {
			d.Owner = &Owner{PersonID: o.PersonID, Name: o.Name}
		}
	}
	if len(d.Zone) == 0 {
		d.Zone = json.RawMessage("null")
	}
	return d, geom, nil
}
