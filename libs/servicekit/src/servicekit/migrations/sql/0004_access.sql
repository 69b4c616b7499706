-- API keys: only a SHA-256 hash of each key is stored. The registry issues keys; the other
-- services keep a replica learnt from its ApiKeyIssued / ApiKeyRevoked events.
CREATE TABLE api_key (
    key_id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('lmc', 'agency', 'operator', 'ministry', 'admin')),
    key_hash char(64) NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE INDEX api_key_organisation ON api_key (organisation_id);

-- Responses to POST requests that carried an Idempotency-Key, stored in the transaction of
-- the change itself, so that a retry replays the answer instead of changing anything again.
CREATE TABLE idempotency_record (
    scope text NOT NULL,
    key text NOT NULL,
    fingerprint char(64) NOT NULL,
    status integer,
    body bytea,
    headers jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);

CREATE INDEX idempotency_record_created ON idempotency_record (created_at);

-- Who changed what, when, and the state before and after.
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor_key_id uuid,
    actor_organisation_id uuid,
    actor_role text,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id text NOT NULL,
    before jsonb,
    after jsonb,
    correlation_id text
);

CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_organisation_id, id);
