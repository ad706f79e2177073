-- Problem counts per cell for the low-zoom vector tiles (internal/tiles):
-- below zoom 15 a problems tile is cells of 1/16 of the tile, that is
-- tiles of zoom z + 4. problem_cells counts the problems in the tiles of
-- zoom 14 (the cells of zooms 0-10, grouped), 17 (zooms 11-13) and 18
-- (zoom 14) per category, status and source, with the sums of their longitudes,
-- latitudes and ids (a cell's mean position; the id of a lone problem), so
-- that a tile of the whole city sums a few thousand rows instead of
-- reading hundreds of thousands of problems. Tiles filtered by time
-- (from, to, due_before) are cut from problems.
--
-- Statement-level triggers append each write's deltas from the transition
-- tables (+1 for a new row, -1 for an old one, grouped by key): a key's
-- counts are the SUM of its rows, so no writer updates a row another wrote
-- and none waits for another's commit (as for problem_tile_versions,
-- migration 014); a workflow action that changes a status appends -1 to
-- one key and +1 to another at each level. tiles.Fold packs each key's
-- rows into one (and drops keys that sum to nothing). The triggers are
-- ENABLE ALWAYS, so the bulk import (session_replication_role = replica)
-- fires them too.

-- The column and row of a point's tile at zoom z (web mercator, y down).
CREATE FUNCTION tilez_x(g geometry, z integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT least(greatest(floor((ST_X(g) + 180.0) / 360.0 * (1 << z)), 0), (1 << z) - 1)::integer $$;

CREATE FUNCTION tilez_y(g geometry, z integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT least(greatest(floor((1 - ln(tan(radians(least(greatest(ST_Y(g), -85.0511), 85.0511)))
        + 1 / cos(radians(least(greatest(ST_Y(g), -85.0511), 85.0511)))) / pi()) / 2 * (1 << z)), 0), (1 << z) - 1)::integer $$;

CREATE TABLE problem_cells (
    z             smallint NOT NULL CHECK (z IN (14, 17, 18)),
    x             integer NOT NULL,
    y             integer NOT NULL,
    category_code text NOT NULL,
    status        problem_status NOT NULL,
    source        text NOT NULL,
    n             bigint NOT NULL,
    sum_lon       double precision NOT NULL,
    sum_lat       double precision NOT NULL,
    sum_id        bigint NOT NULL
);
CREATE INDEX problem_cells_zxy ON problem_cells (z, x, y);

-- problem_cells_track folds a statement's rows in as deltas (EXECUTE sees
-- the transition tables, which differ by operation).
CREATE FUNCTION problem_cells_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        delta := 'SELECT geom, category_code, status, source, id, 1 AS s FROM new_rows';
    ELSIF TG_OP = 'DELETE' THEN
        delta := 'SELECT geom, category_code, status, source, id, -1 AS s FROM old_rows';
    ELSE
        delta := 'SELECT geom, category_code, status, source, id, 1 AS s FROM new_rows
                  UNION ALL SELECT geom, category_code, status, source, id, -1 FROM old_rows';
    END IF;
    EXECUTE format($q$
        INSERT INTO problem_cells (z, x, y, category_code, status, source, n, sum_lon, sum_lat, sum_id)
        SELECT lv.z, tilez_x(d.geom, lv.z), tilez_y(d.geom, lv.z), d.category_code, d.status, d.source,
               sum(d.s), sum(d.s * ST_X(d.geom)), sum(d.s * ST_Y(d.geom)), sum(d.s * d.id)
        FROM (%s) d CROSS JOIN (VALUES (14), (17), (18)) lv(z)
        GROUP BY 1, 2, 3, 4, 5, 6
        HAVING sum(d.s) <> 0 OR sum(d.s * ST_X(d.geom)) <> 0 OR sum(d.s * ST_Y(d.geom)) <> 0 OR sum(d.s * d.id) <> 0 $q$, delta);
    RETURN NULL;
END $$;

CREATE TRIGGER problem_cells_insert AFTER INSERT ON problems
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION problem_cells_track();
CREATE TRIGGER problem_cells_update AFTER UPDATE ON problems
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION problem_cells_track();
CREATE TRIGGER problem_cells_delete AFTER DELETE ON problems
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION problem_cells_track();
ALTER TABLE problems ENABLE ALWAYS TRIGGER problem_cells_insert;
ALTER TABLE problems ENABLE ALWAYS TRIGGER problem_cells_update;
ALTER TABLE problems ENABLE ALWAYS TRIGGER problem_cells_delete;

CREATE FUNCTION problem_cells_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM problem_cells;
    RETURN NULL;
END $$;
CREATE TRIGGER problem_cells_truncate AFTER TRUNCATE ON problems
    FOR EACH STATEMENT EXECUTE FUNCTION problem_cells_truncate();
ALTER TABLE problems ENABLE ALWAYS TRIGGER problem_cells_truncate;

-- The problems already stored.
INSERT INTO problem_cells (z, x, y, category_code, status, source, n, sum_lon, sum_lat, sum_id)
SELECT lv.z, tilez_x(p.geom, lv.z), tilez_y(p.geom, lv.z), p.category_code, p.status, p.source,
       count(*), sum(ST_X(p.geom)), sum(ST_Y(p.geom)), sum(p.id)
FROM problems p CROSS JOIN (VALUES (14), (17), (18)) lv(z)
GROUP BY 1, 2, 3, 4, 5, 6;

---- create above / drop below ----

DROP TRIGGER problem_cells_truncate ON problems;
DROP FUNCTION problem_cells_truncate();
DROP TRIGGER problem_cells_delete ON problems;
DROP TRIGGER problem_cells_update ON problems;
DROP TRIGGER problem_cells_insert ON problems;
DROP FUNCTION problem_cells_track();
DROP TABLE problem_cells;
DROP FUNCTION tilez_y(geometry, integer);
DROP FUNCTION tilez_x(geometry, integer);
