-- The heat rollup without a row every writer locks (issue #9, item 5).
--
-- Until now every statement that wrote problems updated the one
-- heat_version row and merged its entries into heat_day's rows under
-- their locks, both held until commit: problem writes serialised on that
-- row (and on today's heat_day row of each area), and a bulk import held
-- them for its whole run.
--
-- Now writers only append. The statement-level triggers on problems add
-- one heat_delta row per (day, area) a statement changes, with the delta
-- of each entry as arrays (key, problems, rebounds; negative for problems
-- that stopped counting there), or one marker row with no day when the
-- statement changed problems but nothing the rollup counts (a workflow
-- action: the open and overdue counts still change). Inserts into a table
-- nobody updates take no lock another writer waits for.
--
-- internal/heat folds the deltas into heat_day (heat.Fold: one folder at a
-- time, holding heat_fold's row; it deletes every delta its snapshot sees,
-- adds them to heat_day and bumps heat_fold.generation in one
-- transaction). Readers add the deltas not folded yet to heat_day's
-- entries, so answers stay exact whatever the folder's lag, and take the
-- data version from heat_state(): the fold generation and the ids of the
-- unfolded deltas their snapshot sees. Every committed write appends a
-- delta, and a fold removes exactly the deltas it folds while bumping the
-- generation, so the state changes exactly when the data a reader sees
-- does.
--
-- Why triggers still write the deltas (and not the writers themselves):
-- they are the one place every writer of problems passes through (intake,
-- the import's COPY, workflow actions, merges, rebounds, and what others
-- add), so the rollup cannot be forgotten by a new writer. They no longer
-- lock anything shared. For Citus (#14, no triggers on distributed tables)
-- the trigger's one INSERT … SELECT over its transition tables is what a
-- writer would run over its own RETURNING rows; heat_delta is co-locatable
-- by area and heat.Fold does not change.

CREATE TABLE heat_delta (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day  date,      -- NULL: a marker (problems or categories changed, no entry moved)
    area bigint,
    ks   bigint[],  -- entry keys: cell digits << 13 | heat_keys.id
    ns   integer[], -- problems, signed
    rbs  integer[], -- rebounds, signed
    CHECK ((day IS NULL) = (area IS NULL) AND (day IS NULL) = (ks IS NULL))
);

-- Only the folder writes it; readers read it in their snapshot.
CREATE TABLE heat_fold (
    id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    generation bigint NOT NULL,
    folded_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO heat_fold (generation) SELECT version FROM heat_version;

-- The data version a reader's snapshot sees: the fold generation and the
-- unfolded deltas (how many, the newest id, the sum of their ids).
CREATE FUNCTION heat_state() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT f.generation || '.' || count(d.id) || '.' || coalesce(max(d.id), 0) || '.' || coalesce(sum(d.id), 0)
    FROM heat_fold f LEFT JOIN heat_delta d ON true
    GROUP BY f.generation
$$;

-- What heat_day holds plus the deltas not folded yet, per entry: the
-- rollup as a reader sees it (tests compare it with a recount).
CREATE VIEW heat_entries AS
SELECT day, area, k, sum(n)::integer AS n, sum(rb)::integer AS rb
FROM (
    SELECT h.day, h.area, e.k, e.n, e.rb FROM heat_day h, heat_unpack(h.entries) e
    UNION ALL
    SELECT d.day, d.area, u.k, u.n, u.rb FROM heat_delta d, unnest(d.ks, d.ns, d.rbs) u(k, n, rb) WHERE d.day IS NOT NULL
) s
GROUP BY day, area, k
HAVING sum(n) <> 0 OR sum(rb) <> 0;

CREATE OR REPLACE FUNCTION heat_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed boolean;
    moved   boolean;
    written bigint := 0;
    delta   text;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM heat_day;
        DELETE FROM heat_delta;
        INSERT INTO heat_delta DEFAULT VALUES;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        changed := EXISTS (SELECT FROM new_rows);
        moved := changed;
        delta := $d$
            SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(r.h3_15, 6) AS area,
                   ((r.h3_15 >> 15) & 4095) << 13 | hk.id AS k, count(*)::integer AS n, count(r.rebound_of)::integer AS rb
            FROM new_rows r JOIN heat_keys hk ON hk.category_code = r.category_code AND hk.source = r.source
            WHERE r.status NOT IN ('void', 'merged')
            GROUP BY 1, 2, 3 $d$;
    ELSIF TG_OP = 'UPDATE' THEN
        changed := EXISTS (SELECT FROM new_rows);
        -- Most updates move nothing the rollup counts.
        moved := EXISTS (SELECT FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE (o.reported_at, o.h3_15, o.category_code, o.source, o.rebound_of IS NULL, o.status IN ('void', 'merged'))
                  IS DISTINCT FROM (n.reported_at, n.h3_15, n.category_code, n.source, n.rebound_of IS NULL, n.status IN ('void', 'merged')));
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
        changed := EXISTS (SELECT FROM old_rows);
        moved := changed;
        delta := $d$
            SELECT (r.reported_at AT TIME ZONE 'Asia/Shanghai')::date AS day, h3_parent(r.h3_15, 6) AS area,
                   ((r.h3_15 >> 15) & 4095) << 13 | hk.id AS k, -count(*)::integer AS n, -count(r.rebound_of)::integer AS rb
            FROM old_rows r JOIN heat_keys hk ON hk.category_code = r.category_code AND hk.source = r.source
            WHERE r.status NOT IN ('void', 'merged')
            GROUP BY 1, 2, 3 $d$;
    END IF;
    IF moved AND TG_OP <> 'DELETE' THEN
        INSERT INTO heat_keys (category_code, source)
        SELECT DISTINCT r.category_code, r.source FROM new_rows r
        WHERE NOT EXISTS (SELECT FROM heat_keys k WHERE k.category_code = r.category_code AND k.source = r.source)
        ORDER BY 1, 2
        ON CONFLICT DO NOTHING;
    END IF;
    IF moved THEN
        -- One delta row per (day, area), its entries sorted by key.
        EXECUTE format($q$
            WITH d AS (%s)
            INSERT INTO heat_delta (day, area, ks, ns, rbs)
            SELECT day, area, array_agg(k ORDER BY k), array_agg(n ORDER BY k), array_agg(rb ORDER BY k)
            FROM d GROUP BY day, area $q$, delta);
        GET DIAGNOSTICS written = ROW_COUNT;
    END IF;
    IF changed AND written = 0 THEN
        INSERT INTO heat_delta DEFAULT VALUES;
    END IF;
    RETURN NULL;
END $$;

-- Category names appear in the heatmap's top categories.
CREATE OR REPLACE FUNCTION heat_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO heat_delta DEFAULT VALUES;
    RETURN NULL;
END $$;

-- Deltas still pending from before (none: the old triggers wrote heat_day
-- itself); heat_version goes.
DROP TABLE heat_version;

---- create above / drop below ----

CREATE TABLE heat_version (
    id         integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    version    bigint NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO heat_version (version) SELECT generation + (SELECT count(*) FROM heat_delta) FROM heat_fold;

-- Fold what is pending into heat_day, as heat.Fold does.
WITH d AS (DELETE FROM heat_delta RETURNING day, area, ks, ns, rbs),
e AS (
    SELECT d.day, d.area, u.k, sum(u.n)::integer AS n, sum(u.rb)::integer AS rb
    FROM d, unnest(d.ks, d.ns, d.rbs) u(k, n, rb) WHERE d.day IS NOT NULL
    GROUP BY 1, 2, 3 HAVING sum(u.n) <> 0 OR sum(u.rb) <> 0
), s AS (
    SELECT day, area, array_agg(k) AS ks, array_agg(n) AS ns, array_agg(rb) AS rbs FROM e GROUP BY 1, 2
), u AS (
    UPDATE heat_day h SET entries = heat_apply(h.entries, s.ks, s.ns, s.rbs) FROM s
    WHERE h.day = s.day AND h.area = s.area RETURNING h.day
)
INSERT INTO heat_day (day, area, entries)
SELECT day, area, entries FROM (
    SELECT s.day, s.area, heat_apply(''::bytea, s.ks, s.ns, s.rbs) AS entries FROM s
    WHERE NOT EXISTS (SELECT FROM heat_day h WHERE h.day = s.day AND h.area = s.area)
) x WHERE length(entries) > 0;
DELETE FROM heat_day WHERE length(entries) = 0;

-- The triggers of migration 009, as they were.
CREATE OR REPLACE FUNCTION heat_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE heat_version SET version = version + 1, changed_at = now();
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION heat_track() RETURNS trigger LANGUAGE plpgsql AS $$
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
        IF TG_OP = 'UPDATE' THEN
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
            EXECUTE format($q$
                WITH d AS (%s)
                INSERT INTO heat_day AS h (day, area, entries)
                SELECT day, area, string_agg(heat_pack(k, n, rb), ''::bytea ORDER BY k)
                FROM d WHERE n > 0 AND rb >= 0
                GROUP BY day, area
                ON CONFLICT (day, area) DO UPDATE SET entries = heat_merge(h.entries, excluded.entries) $q$, delta);
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

DROP VIEW heat_entries;
DROP FUNCTION heat_state();
DROP TABLE heat_fold;
DROP TABLE heat_delta;
