-- What the test consumer's handler writes: one row per application of an event.
CREATE TABLE applied (
    event_id text NOT NULL,
    subject text,
    version bigint,
    n integer NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
