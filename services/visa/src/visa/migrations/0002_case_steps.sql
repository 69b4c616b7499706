-- The case's application steps, dated visa rules, and what the visa service learns from the
-- registry's events: organisations, who looks after which worker, withdrawals.

ALTER TABLE applicant
    ADD COLUMN facts_as_of timestamptz,    -- the registry's time of the facts kept (stale guard)
    ADD COLUMN withdrawn_at timestamptz;   -- the registry's time of the latest withdrawal

ALTER TABLE visa_case
    ADD COLUMN accepted_at timestamptz,    -- the registry's time of the placement's acceptance
    ADD COLUMN attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    ADD COLUMN cos_number text,
    ADD COLUMN cos_issued_on date,
    ADD COLUMN cos_expires_on date,
    ADD COLUMN submitted_on date,
    ADD COLUMN application_reference text,
    ADD COLUMN application_fee numeric(10, 2),
    ADD COLUMN fee_currency text,
    ADD COLUMN biometrics_on date,
    ADD COLUMN granted boolean,
    ADD COLUMN decided_on date,
    ADD COLUMN processing_days integer,
    ADD COLUMN visa_start date,
    ADD COLUMN visa_end date,
    ADD COLUMN refusal_code text,
    ADD COLUMN refusal_text text,
    ADD COLUMN closed_reason text,
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN departed_on date,
    ADD COLUMN returned_on date,
    ADD COLUMN expiry_notices integer[] NOT NULL DEFAULT '{}',
    ADD COLUMN previous_attempts jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

UPDATE visa_case SET accepted_at = opened_at;
ALTER TABLE visa_case ALTER COLUMN accepted_at SET NOT NULL;

-- Before this migration a worker who withdrew and accepted again in the same season got a
-- second open case; only the latest is current.
UPDATE visa_case AS older SET status = 'closed', closed_reason = 'withdrawn', closed_at = now()
WHERE EXISTS (
    SELECT 1 FROM visa_case AS newer
    WHERE newer.worker_id = older.worker_id AND newer.season = older.season
      AND (newer.opened_at, newer.id) > (older.opened_at, older.id)
) AND older.status = 'open';

-- One open case per worker and season; refused cases wait to be reopened or superseded.
CREATE UNIQUE INDEX visa_case_one_open_per_season ON visa_case (worker_id, season)
    WHERE status IN ('open', 'sponsored', 'submitted', 'biometrics_recorded', 'granted');
CREATE INDEX visa_case_listing ON visa_case (opened_at, id);
CREATE INDEX visa_case_operator ON visa_case (operator_id, opened_at);
CREATE INDEX visa_case_lapsing ON visa_case (cos_expires_on) WHERE status = 'sponsored';
CREATE INDEX visa_case_expiring ON visa_case (visa_end) WHERE status = 'granted';
CREATE INDEX visa_case_refused ON visa_case (placement_end) WHERE status = 'refused';

-- Every CoS number ever assigned, across cases and attempts: a CoS is used once.
CREATE TABLE cos_use (
    cos_number text PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES visa_case (id),
    attempt integer NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT now()
);

-- Organisations as the registry announces them (kind, active, licence).
CREATE TABLE organisation (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    active boolean NOT NULL,
    licence_number text,
    licence_valid_until date,
    as_of timestamptz NOT NULL,            -- the registry's time of the facts kept
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Which LMC or agency looks after which worker: 'registered' (from the registry's events);
-- 'assigned' is reserved for assignments once the registry publishes them.
CREATE TABLE worker_access (
    worker_id uuid NOT NULL,
    organisation_id uuid NOT NULL,
    relation text NOT NULL,
    PRIMARY KEY (worker_id, organisation_id, relation)
);
CREATE INDEX worker_access_organisation ON worker_access (organisation_id, worker_id);

-- Visa rules that change over time: each row applies from effective_from until the next row's.
CREATE TABLE visa_rules (
    effective_from date PRIMARY KEY,
    cos_validity_months integer NOT NULL CHECK (cos_validity_months BETWEEN 1 AND 24),
    application_window_months integer NOT NULL CHECK (application_window_months BETWEEN 1 AND 24),
    max_stay_days integer NOT NULL CHECK (max_stay_days BETWEEN 1 AND 366),
    stay_window_days integer NOT NULL CHECK (stay_window_days BETWEEN max_stay_days AND 731),
    minimum_age integer NOT NULL CHECK (minimum_age BETWEEN 16 AND 30),
    application_fee numeric(10, 2) NOT NULL CHECK (application_fee >= 0),
    fee_currency text NOT NULL,
    note text,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The Seasonal Worker route's rules: a CoS is valid for 3 months; one applies at most 3 months
-- before the work starts; 6 months in any 12 (183 days in 365, the registry's count); 18 or
-- over. The fee is the Home Office's published fee for the route on each date.
INSERT INTO visa_rules (effective_from, cos_validity_months, application_window_months,
    max_stay_days, stay_window_days, minimum_age, application_fee, fee_currency, note)
VALUES
    ('2020-01-01', 3, 3, 183, 365, 18, 244.00, 'GBP', 'baseline'),
    ('2023-10-04', 3, 3, 183, 365, 18, 298.00, 'GBP', 'fee change'),
    ('2025-04-09', 3, 3, 183, 365, 18, 319.00, 'GBP', 'fee change');
