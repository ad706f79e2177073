-- Problems from report to closure: the problem itself with what mapping
-- found, its append-only event log, and the look-back re-checks scheduled
-- when it is closed.

CREATE TYPE problem_status AS ENUM (
    'reported',    -- 信息收集: waiting for registration (public and hotline reports, unmapped reports)
    'registered',  -- 立案: waiting for dispatch (also after a send-back)
    'dispatched',  -- 派遣: with its handler
    'in_progress', -- 处置
    'resolved',    -- 反馈: the handler reports it fixed; waiting for verification
    'closed',      -- 核查结案
    'parked',      -- 挂账: cannot be fixed now
    'void',        -- 作废
    'merged'       -- folded into another problem (a duplicate)
);

CREATE TABLE problems (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number            text NOT NULL UNIQUE,
    category_code     text NOT NULL REFERENCES categories (code) ON UPDATE CASCADE,
    description       text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    address           text NOT NULL DEFAULT '' CHECK (length(address) <= 500),
    source            text NOT NULL CHECK (source IN ('hotline', 'patrol', 'supervision', 'citizen', 'inspection', 'api')),
    source_ref        text CHECK (length(source_ref) BETWEEN 1 AND 100),
    idempotency_key   text UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    reporter_name     text CHECK (length(reporter_name) <= 100),
    reporter_phone    text CHECK (length(reporter_phone) <= 40),
    photos            text[] NOT NULL DEFAULT '{}',
    geom              geometry(Point, 4326) NOT NULL,
    h3_15             bigint NOT NULL,
    reported_at       timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- what mapping found at the reported time
    grid_code         text REFERENCES areas (code) ON UPDATE CASCADE,
    community_code    text,
    subdistrict_code  text,
    district_code     text,
    street_code       text REFERENCES streets (code) ON UPDATE CASCADE,
    street_distance_m double precision,
    frontage_id       bigint REFERENCES frontages (id),
    chain             jsonb NOT NULL DEFAULT '[]',
    -- who has it and until when
    assignee_person_id  bigint REFERENCES people (id),
    assignee_department text REFERENCES departments (code),
    assignee_role       text,
    dispatch_count    integer NOT NULL DEFAULT 0,
    dispatched_at     timestamptz,
    due_at            timestamptz,
    time_limit_hours  numeric(8, 2),
    registered_at     timestamptz,
    resolved_at       timestamptz,
    closed_at         timestamptz,
    status            problem_status NOT NULL,
    version           integer NOT NULL DEFAULT 1,
    rework_count      integer NOT NULL DEFAULT 0,
    extension_count   integer NOT NULL DEFAULT 0,
    -- links between problems
    recurs_of         bigint REFERENCES problems (id),
    rebound_of        bigint REFERENCES problems (id),
    duplicate_of      bigint REFERENCES problems (id),
    merged_into       bigint REFERENCES problems (id),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_ref),
    CONSTRAINT problems_one_assignee CHECK (assignee_person_id IS NULL OR assignee_department IS NULL),
    CONSTRAINT problems_merged CHECK ((status = 'merged') = (merged_into IS NOT NULL))
);
CREATE INDEX problems_geom_gist ON problems USING gist (geom);
CREATE INDEX problems_category_reported ON problems (category_code, reported_at);
CREATE INDEX problems_reported ON problems (reported_at, id);
CREATE INDEX problems_status ON problems (status) WHERE status NOT IN ('closed', 'void', 'merged');
CREATE INDEX problems_grid ON problems (grid_code, reported_at);
CREATE INDEX problems_h3 ON problems (h3_15);
CREATE INDEX problems_assignee ON problems (assignee_person_id) WHERE assignee_person_id IS NOT NULL;
CREATE INDEX problems_recurs_of ON problems (recurs_of) WHERE recurs_of IS NOT NULL;
CREATE INDEX problems_rebound_of ON problems (rebound_of) WHERE rebound_of IS NOT NULL;

-- The human-readable number: reporting day (Beijing time) and the id.
CREATE FUNCTION problems_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.number := to_char(NEW.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-' || lpad(NEW.id::text, 7, '0');
    RETURN NEW;
END $$;
CREATE TRIGGER problems_number BEFORE INSERT ON problems FOR EACH ROW EXECUTE FUNCTION problems_number();

-- Every action on a problem, append-only.
CREATE TABLE problem_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    problem_id  bigint NOT NULL REFERENCES problems (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    from_status problem_status,
    to_status   problem_status NOT NULL,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
    data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX problem_events_problem ON problem_events (problem_id, id);

CREATE FUNCTION problem_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'problem events are append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER problem_events_append_only BEFORE UPDATE OR DELETE ON problem_events
    FOR EACH ROW EXECUTE FUNCTION problem_events_append_only();

-- Look-back re-checks (回头看), scheduled at closure for each of the
-- category's look-back days.
CREATE TABLE rechecks (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    problem_id         bigint NOT NULL REFERENCES problems (id),
    days               integer NOT NULL CHECK (days > 0),
    due_at             timestamptz NOT NULL,
    status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'held', 'rebounded', 'cancelled')),
    checked_at         timestamptz,
    checked_by         text,
    note               text NOT NULL DEFAULT '',
    photo_url          text,
    rebound_problem_id bigint REFERENCES problems (id),
    UNIQUE (problem_id, days)
);
CREATE INDEX rechecks_due ON rechecks (due_at) WHERE status = 'pending';

---- create above / drop below ----

DROP TABLE rechecks;
DROP TRIGGER problem_events_append_only ON problem_events;
DROP FUNCTION problem_events_append_only();
DROP TABLE problem_events;
DROP TRIGGER problems_number ON problems;
DROP FUNCTION problems_number();
DROP TABLE problems;
DROP TYPE problem_status;
