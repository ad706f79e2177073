package frontage

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultWidthM is the frontage width of a unit whose row gives none (the
// column default of frontages.width_m).
const DefaultWidthM = 12

const (
	// updateSQL rewrites the units whose row differs from them; an
	// identical row leaves its unit (and its updated_at) alone. A row
	// without a licence keeps the unit's.
	updateSQL = `
UPDATE frontages f SET
    name = s.name, licence = coalesce(s.licence, f.licence), contact = s.contact, phone = s.phone,
    geom = s.geom, street_code = s.street_code, width_m = coalesce(s.width_m, $1), properties = s.properties,
    updated_at = now()
FROM import_frontages s
WHERE f.id = s.target_id
  AND ((f.name, f.licence, f.contact, f.phone, f.street_code, f.width_m, f.properties)
          IS DISTINCT FROM (s.name, coalesce(s.licence, f.licence), s.contact, s.phone, s.street_code, coalesce(s.width_m, $1), s.properties)
       OR NOT ST_OrderingEquals(f.geom, s.geom))`

	// newIDsSQL draws the new units' ids in file order, so that the owner
	// step can join rows to units by id.
	newIDsSQL = `
WITH ids AS (
    SELECT idx, nextval(pg_get_serial_sequence('frontages', 'id')) AS id
    FROM (SELECT idx FROM import_frontages WHERE target_id IS NULL ORDER BY idx) o)
UPDATE import_frontages s SET target_id = ids.id, is_new = true FROM ids WHERE ids.idx = s.idx`

	insertSQL = `
INSERT INTO frontages (id, name, licence, contact, phone, geom, street_code, width_m, properties)
OVERRIDING SYSTEM VALUE
SELECT target_id, name, licence, contact, phone, geom, street_code, coalesce(width_m, $1), properties
FROM import_frontages WHERE is_new ORDER BY idx`

	// noZoneSQL finds units the trigger could derive no zone for (a
	// polygon beyond the end of its segment, say).
	noZoneSQL = `
SELECT s.idx, coalesce(s.name, ''), s.street_code, st.name
FROM import_frontages s JOIN frontages f ON f.id = s.target_id JOIN streets st ON st.code = s.street_code
WHERE f.zone IS NULL ORDER BY s.idx`
)

// write upserts the staged units; zones the trigger could not derive are
// added to res.Rejections.
func (im *importer) write(ctx context.Context, tx pgx.Tx, res *Result) error {
	var existing int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM import_frontages WHERE target_id IS NOT NULL`).Scan(&existing); err != nil {
		return fmt.Errorf("count existing units: %w", err)
	}
	tag, err := exec(ctx, tx, "update units", updateSQL, DefaultWidthM)
	if err != nil {
		return err
	}
	res.Updated = int(tag.RowsAffected())
	res.Unchanged = existing - res.Updated
	if _, err := exec(ctx, tx, "new unit ids", newIDsSQL); err != nil {
		return err
	}
	tag, err = exec(ctx, tx, "insert units", insertSQL, DefaultWidthM)
	if err != nil {
		return err
	}
	res.Inserted = int(tag.RowsAffected())

	rows, err := tx.Query(ctx, noZoneSQL)
	if err != nil {
		return fmt.Errorf("check zones: %w", err)
	}
	var idx int32
	var name, code, street string
	_, err = pgx.ForEachRow(rows, []any{&idx, &name, &code, &street}, func() error {
		res.Rejections = append(res.Rejections, im.reject(int(idx), name, fmt.Sprintf(
			"no responsibility zone can be derived towards %s (%s): the unit lies beyond the end of the segment; force the street it fronts with the street column", street, code)))
		return nil
	})
	if err != nil {
		return fmt.Errorf("check zones: %w", err)
	}
	return nil
}

const (
	// currentOwnerSQL notes each existing unit's current owner duty, and
	// whether its holder is already the row's contact: same name, and same
	// phone when both are known. The LATERAL ... LIMIT 1 probes the duties
	// index once per row whatever the planner believes about duties (whose
	// statistics an import has just made stale); the join would otherwise
	// risk a nested loop over every current duty.
	currentOwnerSQL = `
WITH cur AS MATERIALIZED (
    SELECT s.idx, c.id, (s.contact IS NOT NULL AND c.name = s.contact
                         AND (s.phone IS NULL OR c.phone IS NULL OR c.phone = s.phone)) AS same
    FROM import_frontages s
    CROSS JOIN LATERAL (
        SELECT d.id, p.name, p.phone FROM duties d JOIN people p ON p.id = d.person_id
        WHERE d.target_key = 'frontage:' || s.target_id AND d.role = 'frontage_owner' AND d.valid @> now()
        LIMIT 1) c
    WHERE NOT s.is_new)
UPDATE import_frontages s SET current_duty = cur.id, keeps_owner = cur.same
FROM cur WHERE cur.idx = s.idx`

	// findPeopleSQL: the person with the contact's name and phone, the
	// oldest when several are.
	findPeopleSQL = `
UPDATE import_frontages s SET person_id = (
    SELECT p.id FROM people p WHERE p.name = s.contact AND p.phone IS NOT DISTINCT FROM s.phone ORDER BY p.id LIMIT 1)
WHERE s.contact IS NOT NULL AND NOT s.keeps_owner`

	// createPeopleSQL creates each missing person once, in file order.
	createPeopleSQL = `
WITH wanted AS (
    SELECT contact, phone, min(idx) AS first FROM import_frontages
    WHERE contact IS NOT NULL AND NOT keeps_owner AND person_id IS NULL
    GROUP BY contact, phone
), created AS (
    INSERT INTO people (name, phone, title) SELECT contact, phone, $1 FROM wanted ORDER BY first
    RETURNING id, name, phone
), linked AS (
    UPDATE import_frontages s SET person_id = c.id FROM created c
    WHERE s.contact = c.name AND s.phone IS NOT DISTINCT FROM c.phone AND NOT s.keeps_owner AND s.person_id IS NULL
    RETURNING 1
)
SELECT (SELECT count(*) FROM created), (SELECT count(*) FROM linked)`

	// endOwnersSQL ends the current owner duties of units changing hands.
	endOwnersSQL = `
UPDATE duties d SET valid = tstzrange(lower(d.valid), now())
FROM import_frontages s
WHERE d.id = s.current_duty AND s.person_id IS NOT NULL`

	beginOwnersSQL = `
INSERT INTO duties (role, person_id, target_kind, frontage_id, valid, note, created_by)
SELECT 'frontage_owner', person_id, 'frontage', target_id, tstzrange(now(), NULL), $1, $2
FROM import_frontages WHERE person_id IS NOT NULL ORDER BY idx`
)

// owners gives each unit with a contact its owner (see ImportCSV).
func (im *importer) owners(ctx context.Context, tx pgx.Tx, res *Result) error {
	if _, err := exec(ctx, tx, "current owners", currentOwnerSQL); err != nil {
		return err
	}
	if _, err := exec(ctx, tx, "find people", findPeopleSQL); err != nil {
		return err
	}
	start := time.Now()
	var created, linked int
	if err := tx.QueryRow(ctx, createPeopleSQL, OwnerTitle).Scan(&created, &linked); err != nil {
		return fmt.Errorf("create people: %w", err)
	}
	slog.Debug("import frontages: step", "step", "create people", "rows", created, "took", time.Since(start))
	res.PeopleCreated = created
	// The statistics of the staging table date from before its owner
	// columns were filled; the planner must not think no row has a person.
	if _, err := exec(ctx, tx, "analyze owners", `ANALYZE import_frontages (target_id, person_id, current_duty)`); err != nil {
		return err
	}
	tag, err := exec(ctx, tx, "end owner duties", endOwnersSQL)
	if err != nil {
		return err
	}
	res.OwnersEnded = int(tag.RowsAffected())
	tag, err = exec(ctx, tx, "begin owner duties", beginOwnersSQL, "门前五包 owner from the frontage import", im.opt.Actor)
	if err != nil {
		return err
	}
	res.OwnersCreated = int(tag.RowsAffected())
	return nil
}
