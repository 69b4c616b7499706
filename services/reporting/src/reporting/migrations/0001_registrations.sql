-- Registrations counted by region, organisation, sex and year: built from events only.
CREATE TABLE registrations (
    region text NOT NULL,
    organisation_id uuid NOT NULL,
    sex text NOT NULL,
    year integer NOT NULL,
    workers integer NOT NULL,
    PRIMARY KEY (region, organisation_id, sex, year)
);
