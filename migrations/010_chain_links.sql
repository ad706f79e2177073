-- The chain of responsibility a problem records is made of links that many
-- problems share: the same grid officer, the same street chief, the same
-- department, as they stood at the reported time. Storing each problem's
-- whole chain as JSON (about 1.5 kB) made it the largest part of a problem
-- and of a bulk import's write; a link is now stored once, in chain_links,
-- under the md5 of its canonical jsonb text, and a problem keeps the ids of
-- its links in chain order. problem_chain() renders the chain as it was.
--
-- A stored link has no position (the problem's order gives it) and a
-- street link has neither its distance nor the reason that quotes it (the
-- problem's street_distance_m gives both), so that every problem near the
-- same street segment shares one link.

CREATE TABLE chain_links (
    id   uuid PRIMARY KEY,
    link jsonb NOT NULL CHECK (jsonb_typeof(link) = 'object')
);

-- chain_link_strip: the part of a chain entry that is stored.
CREATE FUNCTION chain_link_strip(entry jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN entry->>'role' = 'street_chief'
        THEN entry - 'position' - 'distance_m' - 'reason'
        ELSE entry - 'position' - 'distance_m' END
$$;

-- chain_link_id: the id of a stored link, the md5 of its canonical text.
CREATE FUNCTION chain_link_id(link jsonb) RETURNS uuid
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT md5(link::text)::uuid
$$;

-- chain_store: stores the links of a chain (a JSON array of entries, as
-- duty.Resolve writes them) and returns their ids in chain order.
CREATE FUNCTION chain_store(chain jsonb) RETURNS uuid[]
LANGUAGE sql VOLATILE AS $$
    WITH e AS (
        SELECT chain_link_id(l.link) AS id, l.link, l.n
        FROM (SELECT chain_link_strip(v) AS link, n FROM jsonb_array_elements(chain) WITH ORDINALITY AS x(v, n)) l
    ), ins AS (
        INSERT INTO chain_links (id, link)
        SELECT DISTINCT ON (id) id, link FROM e
        ON CONFLICT (id) DO NOTHING
    )
    SELECT coalesce(array_agg(id ORDER BY n), '{}') FROM e
$$;

-- problem_chain: a problem's chain as duty.Resolve wrote it: the stored
-- links in order with their positions, the street link with its distance
-- and reason.
CREATE FUNCTION problem_chain(ids uuid[], street_m double precision) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(jsonb_agg(
        CASE WHEN l.link->>'role' = 'street_chief' AND street_m IS NOT NULL
            THEN l.link || jsonb_build_object(
                'reason', format('%s m from street %s', round(street_m::numeric, 1), l.link->'target'->>'name'),
                'distance_m', street_m)
            ELSE l.link END || jsonb_build_object('position', u.n)
        ORDER BY u.n), '[]')
    FROM unnest(ids) WITH ORDINALITY AS u(id, n) JOIN chain_links l ON l.id = u.id
$$;

ALTER TABLE problems ADD COLUMN chain_links uuid[] NOT NULL DEFAULT '{}';
INSERT INTO chain_links (id, link)
SELECT DISTINCT chain_link_id(chain_link_strip(e)), chain_link_strip(e)
FROM problems, jsonb_array_elements(chain) AS e
ON CONFLICT (id) DO NOTHING;
UPDATE problems SET chain_links = ARRAY(
    SELECT chain_link_id(chain_link_strip(e.v)) FROM jsonb_array_elements(chain) WITH ORDINALITY AS e(v, n) ORDER BY e.n)
WHERE chain <> '[]';
ALTER TABLE problems DROP COLUMN chain;

-- The number: lpad cut ids of more than seven digits to seven (two
-- problems could share a number). Keep at least seven digits, never fewer
-- than the id has.
CREATE OR REPLACE FUNCTION problems_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.number := to_char(NEW.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-'
        || lpad(NEW.id::text, greatest(7, length(NEW.id::text)), '0');
    RETURN NEW;
END $$;
UPDATE problems SET number = to_char(reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || id::text
WHERE id > 9999999;

-- The bulk import writes with session_replication_role = replica (its
-- foreign keys are checked set-wise instead of row by row; see
-- internal/hotline). The heat rollup must follow every write, so its
-- triggers fire in that mode too.
ALTER TABLE problems ENABLE ALWAYS TRIGGER heat_insert;
ALTER TABLE problems ENABLE ALWAYS TRIGGER heat_update;
ALTER TABLE problems ENABLE ALWAYS TRIGGER heat_delete;
ALTER TABLE problems ENABLE ALWAYS TRIGGER heat_truncate;

---- create above / drop below ----

ALTER TABLE problems ENABLE TRIGGER heat_insert;
ALTER TABLE problems ENABLE TRIGGER heat_update;
ALTER TABLE problems ENABLE TRIGGER heat_delete;
ALTER TABLE problems ENABLE TRIGGER heat_truncate;
CREATE OR REPLACE FUNCTION problems_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.number := to_char(NEW.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(NEW.id::text, 7, '0');
    RETURN NEW;
END $$;
ALTER TABLE problems ADD COLUMN chain jsonb NOT NULL DEFAULT '[]';
UPDATE problems SET chain = problem_chain(chain_links, street_distance_m) WHERE chain_links <> '{}';
ALTER TABLE problems DROP COLUMN chain_links;
DROP FUNCTION problem_chain(uuid[], double precision);
DROP FUNCTION chain_store(jsonb);
DROP FUNCTION chain_link_id(jsonb);
DROP FUNCTION chain_link_strip(jsonb);
DROP TABLE chain_links;
