-- Read models built from events only. Each table follows one event stream (a worker's journey
-- events, a visa case, a delivery, an organisation), so the tables do not depend on the order
-- in which different streams arrive; everything that combines them is computed at read time
-- (the journey_snapshot view), which keeps updates small and figures always consistent.
-- No IIN, name, contact or passport detail exists here: the topics do not carry them.

-- The skeleton's counter table is replaced by queries over the worker table.
DROP TABLE registrations;

CREATE TABLE organisation (
    organisation_id uuid PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL,
    region text,
    active boolean NOT NULL DEFAULT true
);

-- One row per worker: the pseudonymous id and the profile facts statistics group by. The date
-- of birth only ever leaves this table as an age band.
CREATE TABLE worker (
    worker_id uuid PRIMARY KEY,
    pseudonym char(32) NOT NULL UNIQUE,
    organisation_id uuid,
    region text,
    sex text,
    date_of_birth date,
    preferred_language text,
    registered_on date,
    current_journey integer NOT NULL DEFAULT 1,
    last_event_at timestamptz
);

CREATE INDEX worker_organisation ON worker (organisation_id);

-- Placements offered to workers (their farm's name is not kept).
CREATE TABLE placement (
    placement_id uuid PRIMARY KEY,
    worker_id uuid NOT NULL,
    operator_id uuid NOT NULL,
    sector text,
    uk_region text,
    start_date date,
    end_date date,
    status text NOT NULL CHECK (status IN ('offered', 'accepted', 'declined', 'withdrawn'))
);

-- One row per worker and season: a journey starts at registration, or at an eligible
-- screening for a new season after the previous one ended (returned or withdrawn).
CREATE TABLE journey (
    worker_id uuid NOT NULL,
    journey_no integer NOT NULL,
    organisation_id uuid NOT NULL,
    season integer,
    season_start date,
    season_end date,
    stage text NOT NULL,
    started_on date NOT NULL,
    screened_on date,
    ineligible_screenings integer NOT NULL DEFAULT 0,
    oriented_on date,
    orientation_language text,
    offered_on date,
    matched_on date,
    placement_id uuid,
    operator_id uuid,
    departed_on date,
    arrived_on date,
    contract_ended_on date,
    contract_end_reason text,
    returned_on date,
    wishes_to_return boolean,
    withdrawn_on date,
    withdrawn_stage text,
    overstay_flagged_on date,
    overstay_reason text,
    welfare_checks integer NOT NULL DEFAULT 0,
    welfare_concerns integer NOT NULL DEFAULT 0,
    welfare_urgent integer NOT NULL DEFAULT 0,
    last_event_at timestamptz,
    PRIMARY KEY (worker_id, journey_no)
);

CREATE INDEX journey_season ON journey (worker_id, season);
CREATE INDEX journey_organisation ON journey (organisation_id);
CREATE INDEX journey_operator ON journey (operator_id);

CREATE TABLE grievance (
    grievance_id uuid PRIMARY KEY,
    worker_id uuid NOT NULL,
    journey_no integer NOT NULL,
    organisation_id uuid NOT NULL,
    operator_id uuid,
    category text NOT NULL,
    severity text NOT NULL,
    raised_by text NOT NULL,
    status text NOT NULL CHECK (status IN ('open', 'referred', 'resolved')),
    raised_on date NOT NULL,
    referred_on date,
    resolved_on date,
    outcome text
);

CREATE INDEX grievance_journey ON grievance (worker_id, journey_no);

-- Each fee reported (the event id is the key: every report is a fact of its own).
CREATE TABLE fee_report (
    event_id text PRIMARY KEY,
    worker_id uuid NOT NULL,
    journey_no integer NOT NULL,
    organisation_id uuid NOT NULL,
    charged_by uuid NOT NULL,
    amount numeric(12, 2) NOT NULL,
    currency char(3) NOT NULL,
    compliance_breach boolean NOT NULL,
    reported_on date NOT NULL
);

CREATE INDEX fee_report_journey ON fee_report (worker_id, journey_no);

-- Visa cases as the visa service reports them; a refused case may be reopened.
CREATE TABLE visa_case (
    case_id uuid PRIMARY KEY,
    worker_id uuid NOT NULL,
    organisation_id uuid NOT NULL,
    operator_id uuid,
    placement_id uuid,
    season integer,
    placement_start date,
    placement_end date,
    opened_at timestamptz,
    status text NOT NULL,
    cos_assigned_on date,
    submitted_on date,
    biometrics_on date,
    decision text CHECK (decision IN ('granted', 'refused')),
    decided_on date,
    processing_days integer,
    refusal_reason text,
    visa_start date,
    visa_end date,
    closed_on date,
    close_reason text,
    last_event_at timestamptz
);

CREATE INDEX visa_case_worker ON visa_case (worker_id, season);

-- Every submission and decision, dated: the counts and processing times come from here.
CREATE TABLE visa_fact (
    event_id text PRIMARY KEY,
    case_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('submitted', 'granted', 'refused')),
    occurred_on date NOT NULL,
    processing_days integer
);

CREATE INDEX visa_fact_case ON visa_fact (case_id);

CREATE TABLE delivery (
    delivery_id uuid PRIMARY KEY,
    worker_id uuid,
    recipient_kind text NOT NULL,
    recipient_id text NOT NULL,
    channel text NOT NULL,
    template text NOT NULL,
    language text NOT NULL,
    status text NOT NULL CHECK (status IN ('delivered', 'failed')),
    attempts integer NOT NULL,
    occurred_on date NOT NULL
);

CREATE INDEX delivery_worker ON delivery (worker_id);

-- What the analytics stream last carried for each worker (a digest of the snapshot), so a
-- snapshot is published only when it changes. Not emptied by a rebuild: a rebuild that gives
-- the same snapshots publishes nothing.
CREATE TABLE snapshot_published (
    worker_id uuid PRIMARY KEY,
    digest char(64) NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now()
);

-- Age in whole years on a day, as a band.
CREATE FUNCTION age_band(born date, on_day date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN born IS NULL OR on_day IS NULL THEN 'unknown'
        WHEN extract(year FROM age(on_day, born)) < 18 THEN 'under_18'
        WHEN extract(year FROM age(on_day, born)) < 25 THEN '18_24'
        WHEN extract(year FROM age(on_day, born)) < 35 THEN '25_34'
        WHEN extract(year FROM age(on_day, born)) < 45 THEN '35_44'
        WHEN extract(year FROM age(on_day, born)) < 55 THEN '45_54'
        ELSE '55_plus'
    END
$$;

-- The journey snapshot: one row per worker and season, combining the worker's journey, the
-- season's visa cases, grievances and fees. Statistics, exports and the analytics stream all
-- read it, so they always agree.
CREATE VIEW journey_snapshot AS
SELECT
    j.worker_id,
    w.pseudonym,
    j.journey_no,
    j.season,
    w.region,
    w.sex,
    w.preferred_language,
    age_band(w.date_of_birth, coalesce(j.season_start, j.started_on)) AS age_band,
    j.organisation_id,
    j.operator_id,
    p.sector,
    p.uk_region,
    CASE
        WHEN j.stage = 'matched' AND v.case_id IS NOT NULL
            AND v.placement_id IS NOT DISTINCT FROM j.placement_id THEN
            CASE v.decision
                WHEN 'granted' THEN 'visa_granted'
                WHEN 'refused' THEN 'visa_refused'
                ELSE 'visa_applied'
            END
        ELSE j.stage
    END AS stage,
    j.started_on,
    w.registered_on,
    j.screened_on,
    j.ineligible_screenings,
    j.oriented_on,
    j.orientation_language,
    j.offered_on,
    j.matched_on,
    p.start_date AS placement_start,
    p.end_date AS placement_end,
    coalesce(v.status, 'none') AS visa_status,
    vs.submitted_on AS visa_submitted_on,
    vs.granted_on AS visa_granted_on,
    v.decided_on AS visa_decided_on,
    v.processing_days AS visa_processing_days,
    coalesce(vs.refusals, 0) AS visa_refusals,
    j.departed_on,
    j.arrived_on,
    j.contract_ended_on,
    j.returned_on,
    CASE
        WHEN j.returned_on IS NULL THEN NULL
        WHEN coalesce(j.contract_ended_on, p.end_date) IS NULL THEN NULL
        ELSE j.returned_on <= coalesce(j.contract_ended_on, p.end_date) + 14
    END AS returned_on_time,
    j.withdrawn_on,
    j.withdrawn_stage AS withdrawn_at_stage,
    j.overstay_flagged_on IS NOT NULL AS overstay_risk,
    j.overstay_flagged_on,
    j.welfare_checks,
    j.welfare_concerns,
    j.welfare_urgent,
    coalesce(g.grievances, 0) AS grievances,
    coalesce(g.open, 0) AS grievances_open,
    coalesce(g.referred, 0) AS grievances_referred,
    coalesce(g.recruitment_fee, 0) AS grievances_recruitment_fee,
    coalesce(g.document_retention, 0) AS grievances_document_retention,
    coalesce(f.reports, 0) AS fee_reports,
    coalesce(f.breaches, 0) AS fee_breaches,
    j.wishes_to_return,
    greatest(j.last_event_at, vs.last_event_at) AS last_event_at
FROM journey j
JOIN worker w ON w.worker_id = j.worker_id
LEFT JOIN placement p ON p.placement_id = j.placement_id
LEFT JOIN LATERAL (
    SELECT c.case_id, c.placement_id, c.status, c.decision, c.decided_on, c.processing_days
    FROM visa_case c
    WHERE c.worker_id = j.worker_id AND c.season = j.season
    ORDER BY c.placement_id IS NOT DISTINCT FROM j.placement_id DESC, c.opened_at DESC NULLS LAST,
        c.case_id DESC
    LIMIT 1
) v ON true
LEFT JOIN LATERAL (
    SELECT
        min(vf.occurred_on) FILTER (WHERE vf.kind = 'submitted') AS submitted_on,
        min(vf.occurred_on) FILTER (WHERE vf.kind = 'granted') AS granted_on,
        count(*) FILTER (WHERE vf.kind = 'refused')::int AS refusals,
        (SELECT max(c2.last_event_at) FROM visa_case c2
            WHERE c2.worker_id = j.worker_id AND c2.season = j.season) AS last_event_at
    FROM visa_case c
    JOIN visa_fact vf ON vf.case_id = c.case_id
    WHERE c.worker_id = j.worker_id AND c.season = j.season
) vs ON true
LEFT JOIN LATERAL (
    SELECT
        count(*)::int AS grievances,
        count(*) FILTER (WHERE gr.status <> 'resolved')::int AS open,
        count(*) FILTER (WHERE gr.referred_on IS NOT NULL)::int AS referred,
        count(*) FILTER (WHERE gr.category = 'recruitment_fee')::int AS recruitment_fee,
        count(*) FILTER (WHERE gr.category = 'document_retention')::int AS document_retention
    FROM grievance gr
    WHERE gr.worker_id = j.worker_id AND gr.journey_no = j.journey_no
) g ON true
LEFT JOIN LATERAL (
    SELECT count(*)::int AS reports, count(*) FILTER (WHERE fr.compliance_breach)::int AS breaches
    FROM fee_report fr
    WHERE fr.worker_id = j.worker_id AND fr.journey_no = j.journey_no
) f ON true;
