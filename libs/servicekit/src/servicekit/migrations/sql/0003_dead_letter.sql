-- Events a consumer could not apply after its retries; also published to its dead-letter topic.
CREATE TABLE dead_letter (
    id bigserial PRIMARY KEY,
    consumer text NOT NULL,
    event_id text,
    event_type text,
    topic text NOT NULL,
    partition integer,
    "offset" bigint,
    partition_key text,
    subject text,
    version bigint,
    headers jsonb NOT NULL,
    payload bytea,
    error text NOT NULL,
    attempts integer NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'replayed', 'discarded')),
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz
);

CREATE INDEX dead_letter_pending ON dead_letter (consumer, id) WHERE status = 'pending';
