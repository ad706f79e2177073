-- Versions of the problems' vector tiles (internal/tiles): one row per
-- zoom-14 web-mercator tile that has ever held a problem, its version
-- taken from a sequence by every statement that writes a problem there
-- (before or after the write). A tile's ETag is made of the versions of
-- the zoom-14 tiles it covers (and their neighbours, for the buffer), so a
-- changed problem changes the ETag of the tiles that show it and not of
-- the whole city; a version only grows and rows are never deleted, so the
-- sum of the covered versions changes whenever one of them does.
--
-- Statement-level triggers read the transition tables: an import of a
-- million problems upserts about one row per zoom-14 tile of the city, a
-- workflow action one row. Two transactions writing problems in the same
-- zoom-14 tile (about 2.4 km across) wait for each other on its row; no
-- row is shared by the whole city. The triggers are ENABLE ALWAYS, so the
-- bulk import (session_replication_role = replica) fires them too.

CREATE SEQUENCE tile_version_seq;

CREATE TABLE problem_tile_versions (
    x       integer NOT NULL,
    y       integer NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (x, y)
);

-- The zoom-14 tile column and row of a point in EPSG:4326.
CREATE FUNCTION tile14_x(g geometry) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT least(greatest(floor((ST_X(g) + 180.0) / 360.0 * 16384), 0), 16383)::integer $$;

CREATE FUNCTION tile14_y(g geometry) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT least(greatest(floor((1 - ln(tan(radians(least(greatest(ST_Y(g), -85.0511), 85.0511)))
        + 1 / cos(radians(least(greatest(ST_Y(g), -85.0511), 85.0511)))) / pi()) / 2 * 16384), 0), 16383)::integer $$;

CREATE FUNCTION problem_tiles_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO problem_tile_versions AS v (x, y, version)
        SELECT x, y, nextval('tile_version_seq') FROM (
            SELECT DISTINCT tile14_x(geom) AS x, tile14_y(geom) AS y FROM new_rows ORDER BY 1, 2) t
        ON CONFLICT (x, y) DO UPDATE SET version = excluded.version;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO problem_tile_versions AS v (x, y, version)
        SELECT x, y, nextval('tile_version_seq') FROM (
            SELECT DISTINCT tile14_x(geom) AS x, tile14_y(geom) AS y
            FROM (SELECT geom FROM new_rows UNION ALL SELECT geom FROM old_rows) r ORDER BY 1, 2) t
        ON CONFLICT (x, y) DO UPDATE SET version = excluded.version;
    ELSE
        INSERT INTO problem_tile_versions AS v (x, y, version)
        SELECT x, y, nextval('tile_version_seq') FROM (
            SELECT DISTINCT tile14_x(geom) AS x, tile14_y(geom) AS y FROM old_rows ORDER BY 1, 2) t
        ON CONFLICT (x, y) DO UPDATE SET version = excluded.version;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER problem_tiles_insert AFTER INSERT ON problems
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION problem_tiles_touch();
CREATE TRIGGER problem_tiles_update AFTER UPDATE ON problems
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION problem_tiles_touch();
CREATE TRIGGER problem_tiles_delete AFTER DELETE ON problems
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION problem_tiles_touch();
ALTER TABLE problems ENABLE ALWAYS TRIGGER problem_tiles_insert;
ALTER TABLE problems ENABLE ALWAYS TRIGGER problem_tiles_update;
ALTER TABLE problems ENABLE ALWAYS TRIGGER problem_tiles_delete;

-- A TRUNCATE forgets every problem: every tile that held one changes.
CREATE FUNCTION problem_tiles_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE problem_tile_versions SET version = nextval('tile_version_seq');
    RETURN NULL;
END $$;
CREATE TRIGGER problem_tiles_truncate AFTER TRUNCATE ON problems
    FOR EACH STATEMENT EXECUTE FUNCTION problem_tiles_truncate();
ALTER TABLE problems ENABLE ALWAYS TRIGGER problem_tiles_truncate;

-- The tiles of the problems already stored.
INSERT INTO problem_tile_versions (x, y, version)
SELECT x, y, nextval('tile_version_seq') FROM (
    SELECT DISTINCT tile14_x(geom) AS x, tile14_y(geom) AS y FROM problems ORDER BY 1, 2) t;

---- create above / drop below ----

DROP TRIGGER problem_tiles_truncate ON problems;
DROP FUNCTION problem_tiles_truncate();
DROP TRIGGER problem_tiles_delete ON problems;
DROP TRIGGER problem_tiles_update ON problems;
DROP TRIGGER problem_tiles_insert ON problems;
DROP FUNCTION problem_tiles_touch();
DROP FUNCTION tile14_y(geometry);
DROP FUNCTION tile14_x(geometry);
DROP TABLE problem_tile_versions;
DROP SEQUENCE tile_version_seq;
