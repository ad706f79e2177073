-- Places: the administrative hierarchy (city → district → subdistrict →
-- community → grid) and street segments, in SRID 4326.

CREATE EXTENSION IF NOT EXISTS postgis;

-- Enum order is hierarchy order: a child's level is its parent's plus one.
CREATE TYPE area_level AS ENUM ('city', 'district', 'subdistrict', 'community', 'grid');

CREATE TABLE areas (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL CHECK (btrim(name) <> ''),
    level       area_level NOT NULL,
    parent_code text REFERENCES areas (code) ON UPDATE CASCADE DEFERRABLE INITIALLY IMMEDIATE,
    geom        geometry(MultiPolygon, 4326) NOT NULL,
    properties  jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(properties) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    -- Codes follow the unit-grid scheme (GB/T 2260 county code + 3 + 3 + 3).
    CONSTRAINT areas_code_format CHECK (
        CASE level
            WHEN 'city'        THEN code ~ '^[0-9]{4}00$'
            WHEN 'district'    THEN code ~ '^[0-9]{6}$'
            WHEN 'subdistrict' THEN code ~ '^[0-9]{9}$'
            WHEN 'community'   THEN code ~ '^[0-9]{12}$'
            WHEN 'grid'        THEN code ~ '^[0-9]{15}$'
        END),
    -- A city is a root; a district may be one (no city loaded); below that a parent is required.
    CONSTRAINT areas_parent_required CHECK (
        CASE level WHEN 'city' THEN parent_code IS NULL
                   WHEN 'district' THEN true
                   ELSE parent_code IS NOT NULL END),
    CONSTRAINT areas_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);
CREATE INDEX areas_geom_gist ON areas USING gist (geom);
CREATE INDEX areas_parent ON areas (parent_code);
CREATE INDEX areas_level ON areas (level);

-- The parent must be exactly one level up and its code a prefix of the
-- child's (a district shares its city's 4-digit prefecture prefix).
CREATE FUNCTION areas_check_parent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p areas%ROWTYPE;
BEGIN
    NEW.updated_at := now();
    IF NEW.parent_code IS NULL THEN
        RETURN NEW;
    END IF;
    SELECT * INTO p FROM areas WHERE code = NEW.parent_code;
    IF NOT FOUND THEN
        RETURN NEW; -- the foreign key reports it
    END IF;
    IF p.level::text <> (enum_range(NULL::area_level))[array_position(enum_range(NULL::area_level), NEW.level) - 1]::text THEN
        RAISE EXCEPTION 'area %: a % cannot have a % (%) as parent', NEW.code, NEW.level, p.level, p.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'areas_parent_level';
    END IF;
    IF NEW.level = 'district' THEN
        IF left(NEW.code, 4) <> left(p.code, 4) THEN
            RAISE EXCEPTION 'area %: code does not share the prefix of city %', NEW.code, p.code
                USING ERRCODE = 'check_violation', CONSTRAINT = 'areas_parent_prefix';
        END IF;
    ELSIF left(NEW.code, length(p.code)) <> p.code THEN
        RAISE EXCEPTION 'area %: code does not start with parent code %', NEW.code, p.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'areas_parent_prefix';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER areas_check_parent BEFORE INSERT OR UPDATE ON areas
    FOR EACH ROW EXECUTE FUNCTION areas_check_parent();

CREATE TABLE streets (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    name       text NOT NULL CHECK (btrim(name) <> ''),
    geom       geometry(MultiLineString, 4326) NOT NULL,
    properties jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(properties) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT streets_geom_valid CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom))
);
CREATE INDEX streets_geom_gist ON streets USING gist (geom);
CREATE INDEX streets_name ON streets (name);

---- create above / drop below ----

DROP TABLE streets;
DROP TRIGGER areas_check_parent ON areas;
DROP FUNCTION areas_check_parent();
DROP TABLE areas;
DROP TYPE area_level;
