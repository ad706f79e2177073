-- The working-hours calendar (工作时间) that deadlines run on. A problem's
-- handling time limit is counted in working minutes; due_at is the instant
-- when that many working minutes have passed, and the deadline light
-- compares working minutes elapsed with the limit.
--
-- work_config (one row) is the configuration: the zone, the working periods
-- of an open day as minutes since local midnight ([510,720) = 08:30-12:00),
-- the ISO weekdays that are open (1 = Monday), public holidays, make-up
-- working days (调休上班) and the first and last day covered. Go's
-- internal/workcal owns it: workcal.Apply rewrites the row and the two
-- derived tables below in one transaction.
--
-- Derived from it (never edit by hand; workcal_rebuild() rewrites them):
--   work_days     one row per calendar day: open or not, and cum_before,
--                 the working minutes of all earlier days in the table.
--   work_periods  one row per working period of every open day, as instants
--                 [start_at, end_at), with cum_before, the working minutes of
--                 all earlier periods. Three marker rows bound it: -infinity
--                 and the local midnight after last_day (cum_before NULL:
--                 outside the calendar) and the local midnight starting
--                 first_day (zero length, cum_before 0).
-- The deadline functions read work_periods; work_days answers questions
-- about dates (is 2026-10-08 a working day? how many working minutes in
-- March?) and is what a person checks against the holiday notice.
--
-- With W(t) = working minutes from the start of the calendar up to t:
--   W(t)              = p.cum_before + minutes(least(t, p.end_at) - p.start_at)
--                       for the last period p with p.start_at <= t
--   work_add(t, m)    = q.start_at + (W(t) + m - q.cum_before) minutes
--                       for the last real period q with q.cum_before < W(t) + m
--   between(a, b)     = W(b) - W(a)
-- so each is one index probe (two for work_add), whatever the span. A target
-- that ends exactly at a period's end (17:30) gives that end, not the next
-- opening: the probe allows 1e-6 minutes (60 µs) of rounding. A start outside
-- working time counts from the next opening because W does not grow there.
-- Instants outside first_day .. last_day raise an error naming the date.

-- A valid list of periods: 1 to 24 non-empty ranges inside [0, 1440], in
-- order, not overlapping.
CREATE FUNCTION workcal_periods_ok(p int4range[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(cardinality(p) BETWEEN 1 AND 24 AND bool_and(coalesce(
        NOT isempty(r) AND lower(r) >= 0 AND upper(r) <= 1440 AND (prev IS NULL OR lower(r) >= upper(prev)),
        false)), false)
    FROM (SELECT r, lag(r) OVER (ORDER BY i) AS prev FROM unnest(p) WITH ORDINALITY u(r, i)) s
$$;

CREATE TABLE work_config (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    zone       text NOT NULL DEFAULT 'Asia/Shanghai'
               CHECK ((timestamptz '2000-01-01 00:00+00' AT TIME ZONE zone) IS NOT NULL),
    periods    int4range[] NOT NULL DEFAULT '{"[510,720)","[810,1050)"}' CHECK (workcal_periods_ok(periods)),
    weekdays   integer[] NOT NULL DEFAULT '{1,2,3,4,5}' CHECK (weekdays <@ '{1,2,3,4,5,6,7}'),
    holidays   date[] NOT NULL DEFAULT '{}' CHECK (array_position(holidays, NULL) IS NULL),
    workdays   date[] NOT NULL DEFAULT '{}' CHECK (array_position(workdays, NULL) IS NULL),
    first_day  date NOT NULL DEFAULT '2015-01-01',
    last_day   date NOT NULL DEFAULT '2035-12-31',
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT work_config_days CHECK (first_day <= last_day AND last_day - first_day < 200 * 366),
    CONSTRAINT work_config_holiday_or_workday CHECK (NOT holidays && workdays)
);

CREATE TABLE work_days (
    day        date PRIMARY KEY,
    open       boolean NOT NULL,
    cum_before double precision NOT NULL
);

CREATE TABLE work_periods (
    start_at   timestamptz PRIMARY KEY,
    end_at     timestamptz NOT NULL CHECK (end_at >= start_at),
    cum_before double precision
);
-- work_add's probe: the last real period that starts before a target.
CREATE UNIQUE INDEX work_periods_cum ON work_periods (cum_before) WHERE end_at > start_at;

-- The day table work_config describes. A day is open when it is a make-up
-- working day, or an open weekday that is not a holiday; its working
-- minutes are the real lengths of its periods in the zone.
CREATE FUNCTION workcal_expected_days() RETURNS TABLE (day date, open boolean, cum_before double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT d.day, d.open,
           coalesce(sum(d.minutes) OVER (ORDER BY d.day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
    FROM (
        SELECT g::date AS day, o.open,
               CASE WHEN o.open THEN (
                   SELECT sum(date_part('epoch', ((g + upper(r) * interval '1 minute') AT TIME ZONE c.zone)
                                               - ((g + lower(r) * interval '1 minute') AT TIME ZONE c.zone))) / 60
                   FROM unnest(c.periods) r)
               ELSE 0 END AS minutes
        FROM work_config c
        CROSS JOIN generate_series(c.first_day::timestamp, c.last_day::timestamp, interval '1 day') g
        CROSS JOIN LATERAL (SELECT g::date = ANY (c.workdays)
                                OR (extract(isodow FROM g)::integer = ANY (c.weekdays) AND g::date <> ALL (c.holidays)) AS open) o
    ) d
$$;

-- The period table work_config describes, with its three marker rows.
CREATE FUNCTION workcal_expected_periods() RETURNS TABLE (start_at timestamptz, end_at timestamptz, cum_before double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH c AS (SELECT * FROM work_config),
    p AS (
        SELECT (d.day + lower(r) * interval '1 minute') AT TIME ZONE c.zone AS start_at,
               (d.day + upper(r) * interval '1 minute') AT TIME ZONE c.zone AS end_at
        FROM c CROSS JOIN workcal_expected_days() d CROSS JOIN unnest(c.periods) r
        WHERE d.open
    )
    SELECT p.start_at, p.end_at,
           coalesce(sum(date_part('epoch', p.end_at - p.start_at) / 60)
                    OVER (ORDER BY p.start_at ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
    FROM p WHERE p.end_at > p.start_at
    UNION ALL
    SELECT '-infinity', '-infinity', NULL
    UNION ALL
    SELECT (c.last_day + 1)::timestamp AT TIME ZONE c.zone, (c.last_day + 1)::timestamp AT TIME ZONE c.zone, NULL FROM c
    UNION ALL
    SELECT c.first_day::timestamp AT TIME ZONE c.zone, c.first_day::timestamp AT TIME ZONE c.zone, 0 FROM c
    WHERE c.first_day::timestamp AT TIME ZONE c.zone < coalesce((SELECT min(p.start_at) FROM p), 'infinity')
$$;

-- Do work_days and work_periods differ from what work_config describes?
-- (jit off: the planner cannot estimate these set functions and would
-- spend a third of a second compiling a plan that runs in milliseconds.)
CREATE FUNCTION workcal_stale() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off AS $$
    SELECT EXISTS (SELECT * FROM workcal_expected_days() EXCEPT ALL SELECT day, open, cum_before FROM work_days)
        OR EXISTS (SELECT day, open, cum_before FROM work_days EXCEPT ALL SELECT * FROM workcal_expected_days())
        OR EXISTS (SELECT * FROM workcal_expected_periods() EXCEPT ALL SELECT start_at, end_at, cum_before FROM work_periods)
        OR EXISTS (SELECT start_at, end_at, cum_before FROM work_periods EXCEPT ALL SELECT * FROM workcal_expected_periods())
$$;

-- Rewrite work_days and work_periods from work_config (MVCC: readers see
-- the old calendar until the caller commits).
CREATE FUNCTION workcal_rebuild() RETURNS void
LANGUAGE sql SET jit = off AS $$
    DELETE FROM work_periods;
    DELETE FROM work_days;
    INSERT INTO work_days (day, open, cum_before) SELECT * FROM workcal_expected_days();
    INSERT INTO work_periods (start_at, end_at, cum_before) SELECT * FROM workcal_expected_periods();
$$;

-- Errors, raised only on the branch that needs them. STABLE, not
-- IMMUTABLE, so that the planner never evaluates them while folding
-- constants.
CREATE FUNCTION workcal_outside(ts timestamptz) RETURNS double precision
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    c work_config;
BEGIN
    SELECT * INTO c FROM work_config;
    RAISE EXCEPTION 'working calendar has no day % (instant %): it covers % to % in %',
        (ts AT TIME ZONE c.zone)::date, ts, c.first_day, c.last_day, c.zone
        USING ERRCODE = 'datetime_field_overflow',
              HINT = 'Extend the calendar''s years (workcal.Config From/To) and apply it.';
END $$;

CREATE FUNCTION workcal_add_error(ts timestamptz, minutes double precision) RETURNS timestamptz
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    c work_config;
BEGIN
    IF NOT (minutes >= 0 AND minutes < 'Infinity') THEN
        RAISE EXCEPTION 'work_add: minutes must be a finite number >= 0, got %', minutes
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO c FROM work_config;
    RAISE EXCEPTION 'working calendar ends on %: % working minutes after % fall beyond it', c.last_day, minutes, ts
        USING ERRCODE = 'datetime_field_overflow',
              HINT = 'Extend the calendar''s years (workcal.Config From/To) and apply it.';
END $$;

-- work_minutes_at(ts): working minutes from the start of the calendar up to
-- ts; constant outside working time. One index probe: the last period that
-- starts at or before ts (the -infinity marker makes one always exist).
CREATE FUNCTION work_minutes_at(ts timestamptz) RETURNS double precision
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p.cum_before IS NOT NULL
            THEN p.cum_before + (date_part('epoch', least($1, p.end_at)) - date_part('epoch', p.start_at)) / 60
        ELSE workcal_outside($1)
    END
    FROM work_periods p
    WHERE p.start_at <= $1
    ORDER BY p.start_at DESC LIMIT 1
$$;

-- workcal_due(target, tol): the first instant at which the working minutes
-- since the start of the calendar reach target (> 0); NULL when that is
-- after the calendar's last period. One index probe: the last real period
-- that starts before target - tol.
CREATE FUNCTION workcal_due(target double precision, tol double precision) RETURNS timestamptz
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN $1 - p.cum_before <= (date_part('epoch', p.end_at) - date_part('epoch', p.start_at)) / 60 + 1e-6
            THEN p.start_at + make_interval(secs => 60 * ($1 - p.cum_before))
    END
    FROM work_periods p
    WHERE p.end_at > p.start_at AND p.cum_before < $1 - $2
    ORDER BY p.cum_before DESC LIMIT 1
$$;

-- work_add(ts, minutes): the first instant at which `minutes` working
-- minutes have passed since ts. minutes = 0 gives ts itself; negative, NaN
-- or infinite minutes raise an error; NULL gives NULL. The planner inlines
-- this expression into the caller, leaving the two probes above.
CREATE FUNCTION work_add(ts timestamptz, minutes double precision) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN $1 IS NULL OR $2 IS NULL THEN NULL
        WHEN $2 > 0 AND $2 < 'Infinity'
            THEN coalesce(workcal_due(work_minutes_at($1) + $2, least(1e-6, $2 / 2)), workcal_add_error($1, $2))
        WHEN $2 = 0 AND work_minutes_at($1) IS NOT NULL THEN $1
        ELSE workcal_add_error($1, $2)
    END
$$;

-- work_minutes_between(a, b): working minutes from a to b (negative when
-- b is before a). Inlined into the caller as two work_minutes_at calls.
CREATE FUNCTION work_minutes_between(a timestamptz, b timestamptz) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT work_minutes_at($2) - work_minutes_at($1)
$$;

-- Relation forms of work_minutes_at and work_add for bulk statements, used
-- as CROSS JOIN LATERAL work_add_rel(t.ts, t.minutes) w: the planner
-- inlines them into the calling query (LANGUAGE sql, STABLE, not STRICT,
-- no SET), so each row costs two index probes and no function call, about
-- half the time of the scalar forms. Each returns exactly one row (NULL
-- for a NULL argument) and the same answers and errors as the scalars.
CREATE FUNCTION work_minutes_at_rel(ts timestamptz) RETURNS TABLE (work_minutes double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN p.cum_before IS NOT NULL
            THEN p.cum_before + (date_part('epoch', least(a.ts, p.end_at)) - date_part('epoch', p.start_at)) / 60
        WHEN a.ts IS NOT NULL THEN workcal_outside(a.ts)
    END
    FROM (SELECT $1 AS ts) a
    LEFT JOIN LATERAL (
        SELECT w.start_at, w.end_at, w.cum_before FROM work_periods w
        WHERE w.start_at <= a.ts ORDER BY w.start_at DESC LIMIT 1) p ON true
$$;

CREATE FUNCTION work_add_rel(ts timestamptz, minutes double precision) RETURNS TABLE (due_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN w.work_minutes IS NULL OR $2 IS NULL THEN NULL
        WHEN NOT ($2 >= 0 AND $2 < 'Infinity') THEN workcal_add_error($1, $2)
        WHEN $2 = 0 THEN $1
        WHEN w.work_minutes + $2 - q.cum_before <= q.minutes + 1e-6
            THEN q.start_at + make_interval(secs => 60 * (w.work_minutes + $2 - q.cum_before))
        ELSE workcal_add_error($1, $2)
    END
    FROM work_minutes_at_rel($1) w
    LEFT JOIN LATERAL (
        SELECT p.start_at, p.cum_before, (date_part('epoch', p.end_at) - date_part('epoch', p.start_at)) / 60 AS minutes
        FROM work_periods p
        WHERE p.end_at > p.start_at
          AND p.cum_before < w.work_minutes + $2 - least(1e-6, $2 / 2)
        ORDER BY p.cum_before DESC LIMIT 1) q ON true
$$;

-- The default calendar: Monday-Friday 08:30-12:00 and 13:30-17:30 in
-- Asia/Shanghai, 2015-2035, with the State Council's public holidays and
-- make-up working days (国务院办公厅关于20xx年部分节假日安排的通知) for 2024,
-- 2025 and 2026. Years without a list count weekdays only.
--
-- THIS LIST IS CONFIGURATION AND MUST BE MAINTAINED EVERY YEAR: the State
-- Council publishes next year's arrangement around November. Add it to the
-- calendar file given to `gridkeeper serve` (workcal.Load / workcal.Apply),
-- or to workcal.Default() for every deployment; no migration is needed.
-- workcal.Default() carries the same list; a test checks that they agree.
INSERT INTO work_config (holidays, workdays)
SELECT
    ARRAY(SELECT d::date FROM (VALUES
        -- 2024 (国办发明电〔2023〕7号)
        ('2024-01-01', '2024-01-01'),  -- 元旦
        ('2024-02-10', '2024-02-17'),  -- 春节
        ('2024-04-04', '2024-04-06'),  -- 清明节
        ('2024-05-01', '2024-05-05'),  -- 劳动节
        ('2024-06-10', '2024-06-10'),  -- 端午节
        ('2024-09-15', '2024-09-17'),  -- 中秋节
        ('2024-10-01', '2024-10-07'),  -- 国庆节
        -- 2025 (国办发明电〔2024〕12号)
        ('2025-01-01', '2025-01-01'),  -- 元旦
        ('2025-01-28', '2025-02-04'),  -- 春节
        ('2025-04-04', '2025-04-06'),  -- 清明节
        ('2025-05-01', '2025-05-05'),  -- 劳动节
        ('2025-05-31', '2025-06-02'),  -- 端午节
        ('2025-10-01', '2025-10-08'),  -- 国庆节、中秋节
        -- 2026 (国办发明电〔2025〕7号)
        ('2026-01-01', '2026-01-03'),  -- 元旦
        ('2026-02-15', '2026-02-23'),  -- 春节
        ('2026-04-04', '2026-04-06'),  -- 清明节
        ('2026-05-01', '2026-05-05'),  -- 劳动节
        ('2026-06-19', '2026-06-21'),  -- 端午节
        ('2026-09-25', '2026-09-27'),  -- 中秋节
        ('2026-10-01', '2026-10-07')   -- 国庆节
    ) r (a, b) CROSS JOIN generate_series(a::date, b::date, interval '1 day') d ORDER BY 1),
    ARRAY[
        '2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12',
        '2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11',
        '2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'
    ]::date[];

ANALYZE work_config;
SELECT workcal_rebuild();
ANALYZE work_days, work_periods;

---- create above / drop below ----

DROP FUNCTION work_add_rel(timestamptz, double precision);
DROP FUNCTION work_minutes_at_rel(timestamptz);
DROP FUNCTION work_minutes_between(timestamptz, timestamptz);
DROP FUNCTION work_add(timestamptz, double precision);
DROP FUNCTION workcal_due(double precision, double precision);
DROP FUNCTION work_minutes_at(timestamptz);
DROP FUNCTION workcal_add_error(timestamptz, double precision);
DROP FUNCTION workcal_outside(timestamptz);
DROP FUNCTION workcal_rebuild();
DROP FUNCTION workcal_stale();
DROP FUNCTION workcal_expected_periods();
DROP FUNCTION workcal_expected_days();
DROP TABLE work_periods;
DROP TABLE work_days;
DROP TABLE work_config;
DROP FUNCTION workcal_periods_ok(int4range[]);
