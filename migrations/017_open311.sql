-- Open311 GeoReport v2: problems reported through /open311/v2 carry the
-- source 'open311'; the attributes a category asks for (its service
-- definition); and what an Open311 request brings beyond the problem: its
-- token, the attribute answers and the reporter's private contact (email,
-- device and account ids), never shown by the API.

ALTER TABLE problems DROP CONSTRAINT problems_source_check;
ALTER TABLE problems ADD CONSTRAINT problems_source_check
    CHECK (source IN ('hotline', 'patrol', 'supervision', 'citizen', 'inspection', 'api', 'open311'));

CREATE TABLE open311_attributes (
    category_code        text NOT NULL REFERENCES categories (code) ON UPDATE CASCADE,
    code                 text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,40}$'),
    datatype             text NOT NULL CHECK (datatype IN ('string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist')),
    required             boolean NOT NULL DEFAULT false,
    variable             boolean NOT NULL DEFAULT true,
    description          text NOT NULL,
    datatype_description text NOT NULL DEFAULT '',
    ord                  integer NOT NULL,
    -- list datatypes: [{"key": "...", "name": "..."}]
    "values"             jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof("values") = 'array'),
    PRIMARY KEY (category_code, code),
    UNIQUE (category_code, ord)
);

INSERT INTO open311_attributes (category_code, code, datatype, required, description, ord, "values")
SELECT code, 'vehicle', 'singlevaluelist', true, '车辆类型 Vehicle type', 1,
       '[{"key": "car", "name": "小汽车 car"}, {"key": "truck", "name": "货车 truck"}, {"key": "other", "name": "其他 other"}]'
FROM categories WHERE code = 'E04-09';
INSERT INTO open311_attributes (category_code, code, datatype, required, description, ord)
SELECT code, 'plate', 'string', false, '车牌号 Licence plate, if visible', 2
FROM categories WHERE code = 'E04-09';
INSERT INTO open311_attributes (category_code, code, datatype, required, description, ord)
SELECT code, 'area_m2', 'number', false, '面积（平方米） Approximate area in m²', 1
FROM categories WHERE code = 'E01-10';

CREATE TABLE open311_requests (
    problem_id      bigint PRIMARY KEY REFERENCES problems (id),
    token           text NOT NULL UNIQUE CHECK (token ~ '^[A-Za-z0-9_-]{16,64}$'),
    client          text NOT NULL,
    attributes      jsonb NOT NULL DEFAULT '{}',
    email           text CHECK (length(email) <= 200),
    device_id       text CHECK (length(device_id) <= 200),
    account_id      text CHECK (length(account_id) <= 200),
    created_at      timestamptz NOT NULL DEFAULT now()
);

---- create above / drop below ----

DROP TABLE open311_requests;
DROP TABLE open311_attributes;
ALTER TABLE problems DROP CONSTRAINT problems_source_check;
ALTER TABLE problems ADD CONSTRAINT problems_source_check
    CHECK (source IN ('hotline', 'patrol', 'supervision', 'citizen', 'inspection', 'api'));
