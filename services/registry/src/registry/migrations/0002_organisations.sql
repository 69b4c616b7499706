CREATE TABLE organisation (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('lmc', 'agency', 'operator', 'ministry', 'admin')),
    region text,
    licence_number text,
    licence_valid_until date,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL
);

-- Which organisations may see a worker, and why: the one that registered the worker, those it
-- was assigned to, and operators the worker has a placement with.
CREATE TABLE worker_access (
    worker_id uuid NOT NULL REFERENCES worker (id),
    organisation_id uuid NOT NULL REFERENCES organisation (id),
    relation text NOT NULL CHECK (relation IN ('registered', 'assigned', 'operator')),
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (worker_id, organisation_id, relation)
);

CREATE INDEX worker_access_organisation ON worker_access (organisation_id, worker_id);

ALTER TABLE worker ADD CONSTRAINT worker_organisation_fk
    FOREIGN KEY (organisation_id) REFERENCES organisation (id);
ALTER TABLE worker ADD COLUMN season integer;
CREATE INDEX worker_listing ON worker (registered_at, id);
CREATE INDEX worker_names ON worker (lower(family_name), lower(given_name));
