-- Tokens belong to people (or name a service client), carry an optional
-- expiry, area scope and the external sources they may write; events
-- record the token and the person; idempotency keys are scoped to the
-- token's client or person; every write lands in an append-only audit log.

-- Names become unique: older tokens that shared a name keep it with their id.
UPDATE api_tokens t SET name = t.name || ' #' || t.id
WHERE EXISTS (SELECT FROM api_tokens u WHERE u.name = t.name AND u.id < t.id);
CREATE UNIQUE INDEX api_tokens_name ON api_tokens (name);

ALTER TABLE api_tokens
    ADD COLUMN person_id  bigint REFERENCES people (id),
    ADD COLUMN client     text CHECK (client ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
    ADD COLUMN area_code  text REFERENCES areas (code) ON UPDATE CASCADE,
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN sources    text[] NOT NULL DEFAULT '{}',
    ADD COLUMN created_by text NOT NULL DEFAULT '',
    ADD CONSTRAINT api_tokens_one_holder CHECK (person_id IS NULL OR client IS NULL);
CREATE INDEX api_tokens_person ON api_tokens (person_id) WHERE person_id IS NOT NULL;

ALTER TABLE problem_events
    ADD COLUMN token_id  bigint,
    ADD COLUMN person_id bigint;

-- Idempotency keys belong to whoever sent them: 'client:NAME',
-- 'person:ID' or 'token:ID'; the request's hash tells a retry from a
-- different request under the same key.
ALTER TABLE problems
    ADD COLUMN idempotency_scope text,
    ADD COLUMN idempotency_hash  bytea;
DROP INDEX problems_idempotency_key;
UPDATE problems SET idempotency_scope = 'legacy' WHERE idempotency_key IS NOT NULL;
CREATE UNIQUE INDEX problems_idempotency_key ON problems (idempotency_scope, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- The audit log: one row per write, with who, when, what and the change.
-- Append-only for everyone: privileges are revoked from PUBLIC (the
-- application role, when it is not the owner or a superuser) and a rule
-- turns UPDATE and DELETE into an error for every role, superusers
-- included. No trigger (Citus refuses them on distributed tables): the
-- log can stay a coordinator-local table; TRUNCATE is refused by the
-- revoked privilege.
CREATE TABLE audit_log (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor     text NOT NULL CHECK (btrim(actor) <> ''),
    token_id  bigint,
    person_id bigint,
    client    text,
    action    text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$'),
    object    text NOT NULL CHECK (object ~ '^[a-z][a-z0-9_]*:.+$'),
    before    jsonb,
    after     jsonb
);
CREATE INDEX audit_log_object ON audit_log (object, id);
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_at ON audit_log (at, id);

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;

CREATE FUNCTION audit_log_refuse() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE RULE audit_log_no_update AS ON UPDATE TO audit_log DO INSTEAD SELECT audit_log_refuse();
CREATE RULE audit_log_no_delete AS ON DELETE TO audit_log DO INSTEAD SELECT audit_log_refuse();

-- area_within: whether area code lies in the subtree of area scope. Codes
-- nest (a child's code starts with its parent's, checked at import); a
-- city (4 digits + 00) holds the districts that share its 4-digit prefix.
CREATE FUNCTION area_within(code text, scope text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN scope ~ '^[0-9]{4}00$' THEN left(code, 4) = left(scope, 4) ELSE starts_with(code, scope) END
$$;

---- create above / drop below ----

DROP FUNCTION area_within(text, text);
DROP TABLE audit_log;
DROP FUNCTION audit_log_refuse();
DROP INDEX problems_idempotency_key;
ALTER TABLE problems DROP COLUMN idempotency_hash, DROP COLUMN idempotency_scope;
CREATE UNIQUE INDEX problems_idempotency_key ON problems (idempotency_key) WHERE idempotency_key IS NOT NULL;
ALTER TABLE problem_events DROP COLUMN token_id, DROP COLUMN person_id;
DROP INDEX api_tokens_person;
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_one_holder,
    DROP COLUMN person_id, DROP COLUMN client, DROP COLUMN area_code, DROP COLUMN expires_at,
    DROP COLUMN sources, DROP COLUMN created_by;
DROP INDEX api_tokens_name;
