-- The people notifications may reach, from the registry's contact topic (personal data:
-- kept here only, masked in logs).
CREATE TABLE recipient (
    worker_id uuid PRIMARY KEY,
    organisation_id uuid NOT NULL,
    full_name text NOT NULL,
    phone text,
    email text,
    preferred_language text NOT NULL,
    sms_consent boolean NOT NULL,
    email_consent boolean NOT NULL,
    updated_at timestamptz NOT NULL
);
