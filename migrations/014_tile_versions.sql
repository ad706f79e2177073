-- Versions of the problems' vector tiles (internal/tiles), kept so that no
-- writer waits for another. Every statement that writes problems appends
-- one row per zoom-14 web-mercator tile it touched (before or after the
-- write), with a fresh value of a sequence; nothing ever updates a row a
-- writer appended, so appends take no lock another writer waits for (an
-- upserted row per tile, the first design, stayed locked until its writer
-- committed: a million-row import held every tile of the city between its
-- COPY and its commit, and an intake in any of them waited).
--
-- A tile's ETag is made of the SUM of the versions of the zoom-14 tiles
-- it covers (and their neighbours, for the buffer): every committed append
-- adds a positive number, so the sum changes exactly when a reader can see
-- a change there, and a changed problem changes the ETag of the tiles that
-- show it and not of the whole city. internal/tiles folds a tile's rows
-- into one row carrying their sum (tiles.Fold), which keeps every sum.
--
-- Statement-level triggers read the transition tables: an import of a
-- million problems appends about one row per zoom-14 tile of the city, a
-- workflow action one row. The triggers are ENABLE ALWAYS, so the bulk
-- import (session_replication_role = replica) fires them too.

CREATE SEQUENCE tile_version_seq;

CREATE TABLE problem_tile_versions (
    x       integer NOT NULL,
    y       integer NOT NULL,
    version bigint NOT NULL
);
CREATE INDEX problem_tile_versions_xy ON problem_tile_versions (x, y);

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
        INSERT INTO problem_tile_versions (x, y, version)
        SELECT x, y, nextval('tile_version_seq') FROM (
            SELECT DISTINCT tile14_x(geom) AS x, tile14_y(geom) AS y FROM new_rows) t;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO problem_tile_versions (x, y, version)
        SELECT x, y, nextval('tile_version_seq') FROM (
            SELECT DISTINCT tile14_x(geom) AS x, tile14_y(geom) AS y
            FROM (SELECT geom FROM new_rows UNION ALL SELECT geom FROM old_rows) r) t;
    ELSE
        INSERT INTO problem_tile_versions (x, y, version)
        SELECT x, y, nextval('tile_version_seq') FROM (
            SELECT DISTINCT tile14_x(geom) AS x, tile14_y(geom) AS y FROM old_rows) t;
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
    INSERT INTO problem_tile_versions (x, y, version)
    SELECT x, y, nextval('tile_version_seq') FROM (SELECT DISTINCT x, y FROM problem_tile_versions) t;
    RETURN NULL;
END $$;
CREATE TRIGGER problem_tiles_truncate AFTER TRUNCATE ON problems
    FOR EACH STATEMENT EXECUTE FUNCTION problem_tiles_truncate();
ALTER TABLE problems ENABLE ALWAYS TRIGGER problem_tiles_truncate;

-- The tiles of the problems already stored.
INSERT INTO problem_tile_versions (x, y, version)
SELECT x, y, nextval('tile_version_seq') FROM (
    SELECT DISTINCT tile14_x(geom) AS x, tile14_y(geom) AS y FROM problems) t;

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
