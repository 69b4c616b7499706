-- Pre-Departure Orientation sessions an LMC runs, and who attended each (to enforce capacity).
CREATE TABLE orientation_session (
    id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL REFERENCES organisation (id),
    session_date date NOT NULL,
    language text NOT NULL CHECK (language IN ('kk', 'ru', 'en')),
    trainer text NOT NULL,
    location text NOT NULL,
    topics_covered text[] NOT NULL,
    capacity integer NOT NULL CHECK (capacity > 0),
    created_at timestamptz NOT NULL
);

CREATE INDEX orientation_session_listing ON orientation_session (session_date, id);
CREATE INDEX orientation_session_organisation
    ON orientation_session (organisation_id, session_date, id);

-- One row per worker who completed orientation in the session; written in the transaction
-- that records the completion on the worker, after locking the session row.
CREATE TABLE orientation_attendance (
    session_id uuid NOT NULL REFERENCES orientation_session (id),
    worker_id uuid NOT NULL REFERENCES worker (id),
    attended_on date NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, worker_id)
);
