-- API tokens: random secrets given once to their holder; only a SHA-256
-- hash is stored. The role decides which write endpoints a token may call.

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL CHECK (btrim(name) <> ''),
    role         text NOT NULL CHECK (role IN ('admin', 'supervisor', 'dispatcher', 'officer', 'analyst', 'viewer')),
    hash         bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

---- create above / drop below ----

DROP TABLE api_tokens;
