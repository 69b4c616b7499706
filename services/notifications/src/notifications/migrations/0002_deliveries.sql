-- What the service learns from the journey to route messages: organisations (names for the
-- messages), each worker's language, whereabouts and operator, placements and visa cases.
CREATE TABLE organisation (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    updated_at timestamptz NOT NULL
);

CREATE TABLE worker_state (
    worker_id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    preferred_language text,
    abroad boolean NOT NULL DEFAULT false,
    placement_id uuid,
    operator_id uuid,
    updated_at timestamptz NOT NULL
);

CREATE TABLE placement (
    placement_id uuid PRIMARY KEY,
    worker_id uuid NOT NULL,
    operator_id uuid NOT NULL,
    farm_name text,
    uk_region text,
    sector text NOT NULL,
    start_date date NOT NULL,
    end_date date NOT NULL
);

CREATE TABLE visa_case (
    case_id uuid PRIMARY KEY,
    worker_id uuid NOT NULL,
    operator_id uuid NOT NULL,
    placement_id uuid NOT NULL
);

-- A worker's own choices (opt-out per channel), recorded by the organisation looking after
-- the worker. Consent comes with the contact details (recipient).
CREATE TABLE recipient_preference (
    worker_id uuid PRIMARY KEY,
    sms_opt_out boolean NOT NULL DEFAULT false,
    email_opt_out boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL
);

-- One webhook endpoint per partner organisation. The secret signs (HMAC), so it is kept as
-- is; after a rotation the previous one signs too until it expires.
CREATE TABLE webhook_endpoint (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL UNIQUE,
    url text NOT NULL,
    secret text NOT NULL,
    previous_secret text,
    previous_secret_expires_at timestamptz,
    language text NOT NULL CHECK (language IN ('kk', 'ru', 'en')),
    enabled boolean NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- The delivery queue and log: one row per message to one recipient on one channel, created
-- in the transaction that applies the causing event (the unique key makes a redelivered or
-- replayed event add nothing). The sender claims due rows with a lease (SKIP LOCKED).
CREATE TABLE delivery (
    id uuid PRIMARY KEY,
    source_event_id text NOT NULL,
    source_event_type text NOT NULL,
    worker_id uuid,
    organisation_id uuid,
    recipient_kind text NOT NULL CHECK (recipient_kind IN ('worker', 'organisation', 'ministry', 'glaa')),
    recipient_id text NOT NULL,
    channel text NOT NULL CHECK (channel IN ('sms', 'email', 'webhook')),
    template text NOT NULL,
    legally_required boolean NOT NULL,
    language text NOT NULL CHECK (language IN ('kk', 'ru', 'en')),
    context jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed', 'skipped', 'cancelled')),
    status_reason text,
    attempts integer NOT NULL DEFAULT 0,
    due_at timestamptz NOT NULL,
    lease_until timestamptz,
    lease_token uuid,
    circuit_key text NOT NULL,
    address_masked text,
    provider_reference text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    completed_at timestamptz,
    UNIQUE (source_event_id, recipient_kind, recipient_id, channel, template)
);

CREATE INDEX delivery_queue ON delivery (circuit_key, due_at, id) WHERE status = 'pending';
CREATE INDEX delivery_recipient ON delivery (recipient_id, created_at DESC, id DESC);
CREATE INDEX delivery_organisation ON delivery (organisation_id, created_at DESC, id DESC);
CREATE INDEX delivery_created ON delivery (created_at DESC, id DESC);
CREATE INDEX delivery_reminders ON delivery (worker_id, template) WHERE status = 'pending';

CREATE TABLE delivery_attempt (
    delivery_id uuid NOT NULL REFERENCES delivery (id),
    attempt integer NOT NULL,
    at timestamptz NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('delivered', 'transient_failure', 'permanent_failure')),
    error text,
    duration_ms integer NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- Per-endpoint circuit breakers ('webhook:<organisation>', 'sms', 'email'), shared by every
-- instance of the service.
CREATE TABLE circuit (
    key text PRIMARY KEY,
    consecutive_failures integer NOT NULL,
    open_until timestamptz,
    last_error text,
    updated_at timestamptz NOT NULL
);
