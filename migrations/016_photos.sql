-- Photo evidence (report, before, after, recheck) of a problem. The image
-- bytes live content-addressed on disk (the -photo-dir flag); a row names
-- three SHA-256 digests: the original as uploaded (staff only: it keeps its
-- EXIF, GPS included), the public copy with its metadata stripped, and a
-- thumbnail made once at upload. The GPS position read from the EXIF is
-- kept here for staff.
--
-- photo_rules: which photos a category needs before a step: an `after`
-- photo before resolve (反馈), a `recheck` photo before a look-back is
-- recorded (回头看). The row with a NULL category is the default every
-- category without its own row follows.

CREATE TABLE photos (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    problem_id     bigint NOT NULL REFERENCES problems (id),
    kind           text NOT NULL CHECK (kind IN ('report', 'before', 'after', 'recheck')),
    recheck_id     bigint REFERENCES rechecks (id),
    original_sha   text NOT NULL CHECK (original_sha ~ '^[0-9a-f]{64}$'),
    public_sha     text NOT NULL CHECK (public_sha ~ '^[0-9a-f]{64}$'),
    thumb_sha      text NOT NULL CHECK (thumb_sha ~ '^[0-9a-f]{64}$'),
    media_type     text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp')),
    width          integer NOT NULL CHECK (width > 0),
    height         integer NOT NULL CHECK (height > 0),
    bytes          integer NOT NULL CHECK (bytes > 0),
    gps_lon        double precision CHECK (gps_lon BETWEEN -180 AND 180),
    gps_lat        double precision CHECK (gps_lat BETWEEN -90 AND 90),
    note           text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    uploaded_by    text NOT NULL,
    uploaded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX photos_problem ON photos (problem_id, id);
CREATE INDEX photos_recheck ON photos (recheck_id) WHERE recheck_id IS NOT NULL;

CREATE TABLE photo_rules (
    category_code    text UNIQUE NULLS NOT DISTINCT REFERENCES categories (code) ON UPDATE CASCADE,
    after_required   boolean NOT NULL,
    recheck_required boolean NOT NULL
);
-- Default: no photo required; illegal structures (私搭乱建) need both, as
-- their demolition is verified on site.
INSERT INTO photo_rules (category_code, after_required, recheck_required) VALUES (NULL, false, false);
INSERT INTO photo_rules (category_code, after_required, recheck_required)
SELECT code, true, true FROM categories WHERE code = 'E01-01';

---- create above / drop below ----

DROP TABLE photo_rules;
DROP TABLE photos;
