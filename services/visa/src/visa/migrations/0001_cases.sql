-- What the visa service knows of each worker, learnt from the registry's events.
CREATE TABLE applicant (
    worker_id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    date_of_birth date NOT NULL,
    passport_expiry date NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE visa_case (
    id uuid PRIMARY KEY,
    worker_id uuid NOT NULL,
    organisation_id uuid NOT NULL,
    operator_id uuid NOT NULL,
    placement_id uuid NOT NULL UNIQUE,
    season integer NOT NULL,
    placement_start date NOT NULL,
    placement_end date NOT NULL,
    status text NOT NULL,
    opened_at timestamptz NOT NULL
);

CREATE INDEX visa_case_worker ON visa_case (worker_id, season);
