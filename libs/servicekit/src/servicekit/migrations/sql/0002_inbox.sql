-- Inbox: each applied event id is recorded in the same transaction as its effect.
CREATE TABLE inbox_event (
    consumer text NOT NULL,
    event_id text NOT NULL,
    topic text NOT NULL,
    subject text,
    version bigint,
    outcome text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- The last version applied per aggregate stream, so that old versions and gaps are explicit.
CREATE TABLE inbox_stream (
    consumer text NOT NULL,
    topic text NOT NULL,
    subject text NOT NULL,
    version bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, subject)
);

-- Events that arrived ahead of a missing version wait here until the gap is filled.
CREATE TABLE inbox_parked (
    consumer text NOT NULL,
    topic text NOT NULL,
    subject text NOT NULL,
    version bigint NOT NULL,
    event_id text NOT NULL,
    partition_key text,
    headers jsonb NOT NULL,
    payload bytea,
    parked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, topic, subject, version)
);
