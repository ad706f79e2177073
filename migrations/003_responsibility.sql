-- Responsibility: departments, people, problem categories, frontage units
-- (门前五包) and duties with history. A duty ties a holder (a person or a
-- department) to a target (an area, a street segment, a frontage unit or a
-- problem category) in a role for a period; the database refuses two
-- holders of one role on one target at the same instant.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE departments (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,31}$'),
    name       text NOT NULL UNIQUE CHECK (btrim(name) <> ''),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The departments every city has; cities add their own.
INSERT INTO departments (code, name) VALUES
    ('cgj',   '城市管理局'),
    ('gaj',   '公安局'),
    ('jjzd',  '公安局交警支队'),
    ('scjgj', '市场监督管理局'),
    ('zjj',   '住房和城乡建设局'),
    ('ylj',   '园林绿化局'),
    ('jtysj', '交通运输局'),
    ('sthjj', '生态环境局'),
    ('swj',   '水务局'),
    ('jyj',   '教育局'),
    ('gdgs',  '供电公司'),
    ('txgs',  '通信运营商'),
    ('wmb',   '文明办');

CREATE TABLE people (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 100),
    phone           text CHECK (phone ~ '^\+?[0-9][0-9 -]{4,19}$'),
    title           text CHECK (length(title) <= 100),
    department_code text REFERENCES departments (code),
    active          boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_name ON people (name text_pattern_ops);

-- Problem categories are data: codes differ from city to city.
CREATE TABLE categories (
    code              text PRIMARY KEY CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$'),
    name              text NOT NULL CHECK (btrim(name) <> ''),
    kind              text NOT NULL CHECK (kind IN ('event', 'component')),
    big_class         text NOT NULL CHECK (big_class ~ '^[0-9]{2}$'),
    big_class_name    text NOT NULL,
    small_class       text NOT NULL CHECK (small_class ~ '^[0-9]{2}$'),
    national_code     text,
    open311_code      text UNIQUE CHECK (open311_code ~ '^[A-Za-z0-9_.-]{1,64}$'),
    department_code   text NOT NULL REFERENCES departments (code),
    time_limit_hours  numeric(8, 2) NOT NULL CHECK (time_limit_hours > 0),
    first_in_line     text NOT NULL CHECK (first_in_line IN ('frontage_owner', 'street_chief', 'grid_officer', 'department')),
    lookback_days     integer[] NOT NULL DEFAULT '{7,30}' CHECK (0 < ALL (lookback_days)),
    auto_register     boolean NOT NULL DEFAULT false,
    recur_radius_m    double precision NOT NULL DEFAULT 50 CHECK (recur_radius_m > 0),
    recur_days        integer NOT NULL DEFAULT 90 CHECK (recur_days > 0),
    duplicate_radius_m double precision NOT NULL DEFAULT 30 CHECK (duplicate_radius_m > 0),
    register_rule     text NOT NULL DEFAULT '',
    close_rule        text NOT NULL DEFAULT '',
    active            boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, big_class, small_class)
);

-- Frontage units (门前五包): shops and units along a street. zone is the
-- strip between the unit and the street centre line, derived from geom and
-- the street by frontage_zone().
CREATE TABLE frontages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (btrim(name) <> ''),
    licence     text,
    contact     text,
    phone       text,
    geom        geometry(Geometry, 4326) NOT NULL CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON') AND ST_IsValid(geom)),
    street_code text NOT NULL REFERENCES streets (code) ON UPDATE CASCADE,
    width_m     double precision NOT NULL DEFAULT 12 CHECK (width_m > 0 AND width_m <= 500),
    zone        geometry(Polygon, 4326),
    properties  jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (licence)
);
CREATE INDEX frontages_geom_gist ON frontages USING gist (geom);
CREATE INDEX frontages_zone_gist ON frontages USING gist (zone);
CREATE INDEX frontages_street ON frontages (street_code);

-- frontage_zone: the unit's stretch of the street (its width centred on
-- the point of the street nearest to it, or the polygon's extent along the
-- street) swept from the centre line to the unit. Widths are metres,
-- turned into a fraction of the segment's geodesic length.
CREATE FUNCTION frontage_zone(unit geometry, street geometry, width_m double precision)
RETURNS geometry LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH line AS (
        SELECT ST_LineMerge(street) AS l
    ), l1 AS (
        -- a MultiLineString that does not merge: use its part nearest the unit
        SELECT CASE WHEN GeometryType(l) = 'LINESTRING' THEN l ELSE (
            SELECT d.geom FROM ST_Dump(l) d ORDER BY ST_Distance(d.geom, unit) LIMIT 1) END AS l
        FROM line
    ), near AS (
        SELECT l, ST_ClosestPoint(unit, l) AS on_unit, ST_ClosestPoint(l, unit) AS on_street,
               greatest(ST_Length(l::geography), 0.01) AS len
        FROM l1
    ), span AS (
        SELECT l, on_unit, on_street,
            CASE WHEN GeometryType(unit) = 'POINT' THEN
                ST_LineLocatePoint(l, on_street) - width_m / 2 / len
            ELSE (SELECT min(ST_LineLocatePoint(l, p.geom)) FROM ST_DumpPoints(unit) p) END AS f0,
            CASE WHEN GeometryType(unit) = 'POINT' THEN
                ST_LineLocatePoint(l, on_street) + width_m / 2 / len
            ELSE (SELECT max(ST_LineLocatePoint(l, p.geom)) FROM ST_DumpPoints(unit) p) END AS f1
        FROM near
    ), sub AS (
        SELECT ST_LineSubstring(l, greatest(0, least(f0, f1)), least(1, greatest(f0, f1, least(f0, f1) + 1e-9))) AS s,
               ST_X(on_unit) - ST_X(on_street) AS dx, ST_Y(on_unit) - ST_Y(on_street) AS dy
        FROM span
    )
    SELECT CASE WHEN GeometryType(z) = 'POLYGON' THEN z END
    FROM (SELECT ST_ConvexHull(ST_Collect(s, ST_Translate(s, dx, dy))) AS z FROM sub) h
$$;

CREATE FUNCTION frontages_derive_zone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.zone := frontage_zone(NEW.geom, (SELECT geom FROM streets WHERE code = NEW.street_code), NEW.width_m);
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER frontages_derive_zone BEFORE INSERT OR UPDATE OF geom, street_code, width_m ON frontages
    FOR EACH ROW EXECUTE FUNCTION frontages_derive_zone();

CREATE TYPE duty_role AS ENUM ('grid_officer', 'street_chief', 'frontage_owner', 'leader', 'department');

CREATE TABLE duties (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role            duty_role NOT NULL,
    person_id       bigint REFERENCES people (id),
    department_code text REFERENCES departments (code),
    target_kind     text NOT NULL CHECK (target_kind IN ('area', 'street', 'frontage', 'category')),
    area_code       text REFERENCES areas (code) ON UPDATE CASCADE,
    street_code     text REFERENCES streets (code) ON UPDATE CASCADE,
    frontage_id     bigint REFERENCES frontages (id),
    category_code   text REFERENCES categories (code) ON UPDATE CASCADE,
    -- one key for the exclusion constraint, whatever the kind of target
    target_key      text GENERATED ALWAYS AS (
        target_kind || ':' || coalesce(area_code, street_code, frontage_id::text, category_code)) STORED,
    valid           tstzrange NOT NULL CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    note            text NOT NULL DEFAULT '',
    created_by      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT duties_one_holder CHECK ((person_id IS NULL) <> (department_code IS NULL)),
    CONSTRAINT duties_one_target CHECK (
        num_nonnulls(area_code, street_code, frontage_id, category_code) = 1 AND
        CASE target_kind
            WHEN 'area' THEN area_code IS NOT NULL
            WHEN 'street' THEN street_code IS NOT NULL
            WHEN 'frontage' THEN frontage_id IS NOT NULL
            WHEN 'category' THEN category_code IS NOT NULL
        END),
    -- which roles fit which targets (grid level is checked by the trigger)
    CONSTRAINT duties_role_target CHECK (
        CASE role
            WHEN 'grid_officer' THEN target_kind = 'area' AND person_id IS NOT NULL
            WHEN 'street_chief' THEN target_kind = 'street' AND person_id IS NOT NULL
            WHEN 'frontage_owner' THEN target_kind = 'frontage' AND person_id IS NOT NULL
            WHEN 'leader' THEN target_kind IN ('area', 'category') AND person_id IS NOT NULL
            WHEN 'department' THEN target_kind IN ('category', 'area') AND department_code IS NOT NULL
        END),
    CONSTRAINT duties_no_overlap EXCLUDE USING gist (role WITH =, target_key WITH =, valid WITH &&)
);
CREATE INDEX duties_target ON duties (target_key, role);
CREATE INDEX duties_person ON duties (person_id);
CREATE INDEX duties_valid ON duties USING gist (valid);

CREATE FUNCTION duties_check_grid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.role = 'grid_officer' AND (SELECT level FROM areas WHERE code = NEW.area_code) <> 'grid' THEN
        RAISE EXCEPTION 'a grid officer holds a grid, and % is not one', NEW.area_code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'duties_grid_officer_grid';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER duties_check_grid BEFORE INSERT OR UPDATE ON duties
    FOR EACH ROW EXECUTE FUNCTION duties_check_grid();

---- create above / drop below ----

DROP TABLE duties;
DROP FUNCTION duties_check_grid();
DROP TYPE duty_role;
DROP TABLE frontages;
DROP FUNCTION frontages_derive_zone();
DROP FUNCTION frontage_zone(geometry, geometry, double precision);
DROP TABLE categories;
DROP TABLE people;
DROP TABLE departments;
