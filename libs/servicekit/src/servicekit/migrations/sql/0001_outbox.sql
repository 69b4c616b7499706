-- Transactional outbox: events are written in the same transaction as the state change that
-- caused them; the relay publishes pending rows in id order and marks them sent. Sent rows are
-- kept for a retention period so that an emptied broker can be refilled from here.
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    event_id text NOT NULL,
    topic text NOT NULL,
    partition_key text,
    subject text,
    aggregate_version bigint,
    headers jsonb NOT NULL DEFAULT '{}'::jsonb,
    payload bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    last_error text
);

CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_event_id ON outbox (event_id);

-- One row per aggregate stream: hands out contiguous versions, and its row lock orders the
-- transactions that write events of the same aggregate.
CREATE TABLE outbox_stream (
    topic text NOT NULL,
    subject text NOT NULL,
    version bigint NOT NULL,
    PRIMARY KEY (topic, subject)
);
