CREATE TABLE worker (
    id uuid PRIMARY KEY,
    iin char(12) NOT NULL UNIQUE,
    organisation_id uuid NOT NULL,
    given_name text NOT NULL,
    family_name text NOT NULL,
    patronymic text,
    date_of_birth date NOT NULL,
    sex text NOT NULL,
    region text NOT NULL,
    phone text,
    email text,
    preferred_language text NOT NULL,
    passport_number text NOT NULL,
    passport_expiry date NOT NULL,
    consent_given_at timestamptz NOT NULL,
    consent_text_version text NOT NULL,
    stage text NOT NULL,
    registered_at timestamptz NOT NULL,
    version integer NOT NULL DEFAULT 0
);

CREATE INDEX worker_organisation ON worker (organisation_id, id);

-- Visa decisions as the visa service announced them (the registry never reads its database).
CREATE TABLE worker_visa (
    case_id uuid PRIMARY KEY,
    worker_id uuid NOT NULL,
    status text NOT NULL,
    visa_start date,
    visa_end date,
    decided_at timestamptz NOT NULL
);
