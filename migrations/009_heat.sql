-- Heatmaps and hot spots (internal/heat): a daily rollup of problems per
-- place, category and source kept current by statement-level triggers, a
-- data version the ETags are made of, and two partial indexes over the
-- open problems.
--
-- heat_day is the rollup. One row per Beijing day and resolution-6 H3 cell
-- (an "area" of about 36 km²) holds the problems reported there that day
-- as packed entries, one per resolution-10 cell, category and source:
-- 8 bytes each, big-endian, sorted, in one bytea:
--
--   bits 49-63  the res-10 cell inside the area: its digits 7-10
--               ((h3_15 >> 15) & 4095; bits 61-63 are 0)
--   bits 36-48  the category and source: heat_keys.id
--   bits 16-35  problems (n, at most 2^20 - 1)
--   bits  0-15  of which rebounds: rebound_of set (at most 2^16 - 1)
--
-- Void and merged problems do not count: a void report was no problem, a
-- merged one is counted in the problem it was merged into. A city with a
-- million problems a year has about 822,000 entries (most cells see one
-- problem of a category on a day, so entries are hardly fewer than
-- problems) in 15,000 rows: a 90-day heatmap reads 3,700 rows of a few
-- hundred bytes, which PostgreSQL sends as they are, instead of 230,000
-- rows or arrays of a million elements that it would send one value at a
-- time (internal/heat's BenchmarkHeat1M measures both). Resolutions 5-10
-- are served from it (the parent of a res-10 cell is bit arithmetic,
-- h3_parent above, done in Go); resolutions 11 and 12, and the parts of a
-- window that do not start or end at midnight, are read from problems.
-- Rows stay inline up to 8 kB (toast_tuple_target), so reading them
-- decompresses nothing.
--
-- Statement-level triggers keep it current from their transition tables:
-- an import that inserts a million problems in one INSERT folds them in
-- with one grouped upsert, intake of one problem merges one entry. An
-- INSERT merges its entries into each row in ON CONFLICT DO UPDATE, which
-- sees the latest committed version of the row under its lock, so
-- concurrent writers never lose each other's counts. An UPDATE or DELETE
-- computes its delta (+1 per new row that counts, -1 per old row that
-- counted, grouped by entry); an UPDATE that moves nothing the rollup
-- counts (every workflow action) costs one comparison of old and new rows.
-- Entries that grow are merged as an INSERT's are, entries that shrink by
-- an UPDATE of their rows (under the row lock as well), and rows left with
-- no entry are deleted.
--
-- heat_version is bumped by every statement that writes problems or
-- categories. It is read in the same snapshot as the data, so an ETag made
-- of it changes exactly when the answer can; its one row is updated once
-- per writing statement and stays locked until that transaction commits.

-- The (category, source) pairs entries name, numbered as they appear (at
-- most 8,191 pairs: 13 bits).
CREATE TABLE heat_keys (
    id            integer GENERATED ALWAYS AS IDENTITY (MAXVALUE 8191) PRIMARY KEY,
    category_code text NOT NULL,
    source        text NOT NULL,
    UNIQUE (category_code, source)
);

CREATE TABLE heat_day (
    day     date NOT NULL,   -- (reported_at AT TIME ZONE 'Asia/Shanghai')::date
    area    bigint NOT NULL, -- h3_parent(h3_15, 6)
    entries bytea NOT NULL,  -- 8 bytes an entry, see above
    PRIMARY KEY (day, area)
) WITH (toast_tuple_target = 8160);

CREATE TABLE heat_version (
    id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version    bigint NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO heat_version (version) VALUES (1);

-- Open problems by reporting time with what a heatmap needs from them
-- (index-only scans for the open and overdue counts).
CREATE INDEX problems_heat_open ON problems (reported_at) INCLUDE (h3_15, category_code, source, status, due_at)
    WHERE status NOT IN ('closed', 'void', 'merged');
-- The latest deadline that has passed among problems with their handler:
-- with the data version, it fixes the set of overdue problems.
CREATE INDEX problems_heat_due ON problems (due_at) WHERE status IN ('dispatched', 'in_progress');

-- An entry from its key (cell digits << 13 | heat_keys.id), problems and
-- rebounds.
CREATE FUNCTION heat_pack(k bigint, n bigint, rb bigint) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT int8send((k << 36) | (least(n, 1048575) << 16) | least(greatest(rb, 0), 65535)) $$;

-- The entries of a row as (key, problems, rebounds).
CREATE FUNCTION heat_unpack(entries bytea) RETURNS TABLE (k bigint, n integer, rb integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (e >> 36) & 268435455, ((e >> 16) & 1048575)::integer, (e & 65535)::integer
    FROM (SELECT ('x' || encode(substring(entries FROM i * 8 + 1 FOR 8), 'hex'))::bit(64)::bigint AS e
          FROM generate_series(0, length(entries) / 8 - 1) AS i) s
$$;

-- Entries added up: a row and a delta (keys, problems, rebounds; negative
-- for problems that no longer count there), entries left with no problem
-- dropped, sorted.
CREATE FUNCTION heat_apply(entries bytea, ks bigint[], ns integer[], rbs integer[]) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(string_agg(heat_pack(k, n, rb), ''::bytea ORDER BY k), ''::bytea)
    FROM (
        SELECT u.k, sum(u.n) AS n, sum(u.rb) AS rb
        FROM (SELECT * FROM heat_unpack(entries) UNION ALL SELECT * FROM unnest(ks, ns, rbs)) u(k, n, rb)
        GROUP BY u.k
    ) s
    WHERE n > 0
$$;

-- Two rows' entries added up.
CREATE FUNCTION heat_merge(a bytea, b bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT heat_apply(a, array_agg(k), array_agg(n), array_agg(rb)) FROM heat_unpack(b) $$;

CREATE FUNCTION heat_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed boolean;
    moved   boolean;
    delta   text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO heat_keys (category_code, source)
        SELECT DISTINCT r.category_code, r.source FROM new_rows r
        WHERE NOT EXISTS (SELECT FROM heat_keys k WHERE k.category_code = r.category_code AND k.source = r.source)
        ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
        INSERT INTO heat_day AS h (day, area, entries)
        SELECT day, area, string_agg(heat_pack(k, n, rb), ''::bytea ORDER BY k)
        FROM (
            SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(r.h3_15, 6) AS area,
                   ((r.h3_15 >> 15) & 4095) << 13 | hk.id AS k, count(*) AS n, count(r.rebound_of) AS rb
            FROM new_rows r JOIN heat_keys hk ON hk.category_code = r.category_code AND hk.source = r.source
            WHERE r.status NOT IN ('void', 'merged')
            GROUP BY 1, 2, 3
        ) e
        GROUP BY day, area
        ORDER BY day, area
        ON CONFLICT (day, area) DO UPDATE SET entries = heat_merge(h.entries, excluded.entries);
        changed := EXISTS (SELECT FROM new_rows);
    ELSIF TG_OP = 'TRUNCATE' THEN
        DELETE FROM heat_day;
        changed := true;
    ELSE
        -- The delta of an UPDATE or DELETE, per entry (EXECUTE sees the
        -- transition tables too).
        IF TG_OP = 'UPDATE' THEN
            -- Most updates move nothing the rollup counts.
            moved := EXISTS (SELECT FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE (o.reported_at, o.h3_15, o.category_code, o.source, o.rebound_of IS NULL, o.status IN ('void', 'merged'))
                      IS DISTINCT FROM (n.reported_at, n.h3_15, n.category_code, n.source, n.rebound_of IS NULL, n.status IN ('void', 'merged')));
            changed := EXISTS (SELECT FROM new_rows);
            IF moved THEN
                INSERT INTO heat_keys (category_code, source)
                SELECT DISTINCT r.category_code, r.source FROM new_rows r
                WHERE NOT EXISTS (SELECT FROM heat_keys k WHERE k.category_code = r.category_code AND k.source = r.source)
                ORDER BY 1, 2
                ON CONFLICT DO NOTHING;
            END IF;
            delta := $d$
                SELECT d.day, d.area, ((d.h3_15 >> 15) & 4095) << 13 | hk.id AS k, sum(d.s)::integer AS n, sum(d.rb)::integer AS rb
                FROM (
                    SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(r.h3_15, 6) AS area, r.h3_15,
                           r.category_code, r.source, 1 AS s, (r.rebound_of IS NOT NULL)::integer AS rb
                    FROM new_rows r WHERE r.status NOT IN ('void', 'merged')
                    UNION ALL
                    SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date, h3_parent(r.h3_15, 6), r.h3_15,
                           r.category_code, r.source, -1, -(r.rebound_of IS NOT NULL)::integer
                    FROM old_rows r WHERE r.status NOT IN ('void', 'merged')
                ) d JOIN heat_keys hk ON hk.category_code = d.category_code AND hk.source = d.source
                GROUP BY 1, 2, 3
                HAVING sum(d.s) <> 0 OR sum(d.rb) <> 0 $d$;
        ELSE
            moved := EXISTS (SELECT FROM old_rows);
            changed := moved;
            delta := $d$
                SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(r.h3_15, 6) AS area,
                       ((r.h3_15 >> 15) & 4095) << 13 | hk.id AS k, -count(*)::integer AS n, -count(r.rebound_of)::integer AS rb
                FROM old_rows r JOIN heat_keys hk ON hk.category_code = r.category_code AND hk.source = r.source
                WHERE r.status NOT IN ('void', 'merged')
                GROUP BY 1, 2, 3 $d$;
        END IF;
        IF moved THEN
            -- Entries that grow, as an INSERT's.
            EXECUTE format($q$
                WITH d AS (%s)
                INSERT INTO heat_day AS h (day, area, entries)
                SELECT day, area, string_agg(heat_pack(k, n, rb), ''::bytea ORDER BY k)
                FROM d WHERE n > 0 AND rb >= 0
                GROUP BY day, area
                ON CONFLICT (day, area) DO UPDATE SET entries = heat_merge(h.entries, excluded.entries) $q$, delta);
            -- Entries that shrink or lose rebounds: they were counted, so
            -- their rows exist.
            EXECUTE format($q$
                WITH d AS (%s)
                UPDATE heat_day h SET entries = heat_apply(h.entries, s.ks, s.ns, s.rbs)
                FROM (SELECT day, area, array_agg(k) AS ks, array_agg(n) AS ns, array_agg(rb) AS rbs
                      FROM d WHERE NOT (n > 0 AND rb >= 0) GROUP BY day, area) s
                WHERE h.day = s.day AND h.area = s.area $q$, delta);
            EXECUTE format($q$
                WITH d AS (%s)
                DELETE FROM heat_day h USING (SELECT DISTINCT day, area FROM d WHERE n < 0) s
                WHERE h.day = s.day AND h.area = s.area AND length(h.entries) = 0 $q$, delta);
        END IF;
    END IF;
    IF changed THEN
        UPDATE heat_version SET version = version + 1, changed_at = now();
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER heat_insert AFTER INSERT ON problems REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION heat_track();
CREATE TRIGGER heat_update AFTER UPDATE ON problems REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION heat_track();
CREATE TRIGGER heat_delete AFTER DELETE ON problems REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION heat_track();
CREATE TRIGGER heat_truncate AFTER TRUNCATE ON problems
    FOR EACH STATEMENT EXECUTE FUNCTION heat_track();

-- Category names appear in the heatmap's top categories.
CREATE FUNCTION heat_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE heat_version SET version = version + 1, changed_at = now();
    RETURN NULL;
END $$;
CREATE TRIGGER heat_categories AFTER INSERT OR UPDATE OR DELETE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION heat_bump();

-- Problems already there: what the INSERT trigger does, over the table.
INSERT INTO heat_keys (category_code, source)
SELECT DISTINCT category_code, source FROM problems ORDER BY 1, 2;
INSERT INTO heat_day (day, area, entries)
SELECT day, area, string_agg(heat_pack(k, n, rb), ''::bytea ORDER BY k)
FROM (
    SELECT (p.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(p.h3_15, 6) AS area,
           ((p.h3_15 >> 15) & 4095) << 13 | hk.id AS k, count(*) AS n, count(p.rebound_of) AS rb
    FROM problems p JOIN heat_keys hk ON hk.category_code = p.category_code AND hk.source = p.source
    WHERE p.status NOT IN ('void', 'merged')
    GROUP BY 1, 2, 3
) e
GROUP BY day, area
ORDER BY day, area;

---- create above / drop below ----

DROP TRIGGER heat_categories ON categories;
DROP FUNCTION heat_bump();
DROP TRIGGER heat_truncate ON problems;
DROP TRIGGER heat_delete ON problems;
DROP TRIGGER heat_update ON problems;
DROP TRIGGER heat_insert ON problems;
DROP FUNCTION heat_track();
DROP FUNCTION heat_merge(bytea, bytea);
DROP FUNCTION heat_apply(bytea, bigint[], integer[], integer[]);
DROP FUNCTION heat_unpack(bytea);
DROP FUNCTION heat_pack(bigint, bigint, bigint);
DROP INDEX problems_heat_due;
DROP INDEX problems_heat_open;
DROP TABLE heat_version;
DROP TABLE heat_day;
DROP TABLE heat_keys;
