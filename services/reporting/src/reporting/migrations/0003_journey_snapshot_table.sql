-- The figures read a table, not the view: the view runs lateral subqueries per journey (visa
-- case, visa facts, grievances, fees), which made every figure over 100,000 workers cost
-- seconds. The view stays, as journey_snapshot_live: the transaction that changes a worker's
-- projections copies that worker's rows from it into the table (projections/snapshots.py), and
-- a rebuild copies all of them at the end, so the table always equals the view.
ALTER VIEW journey_snapshot RENAME TO journey_snapshot_live;

CREATE TABLE journey_snapshot AS SELECT * FROM journey_snapshot_live;
ALTER TABLE journey_snapshot ADD PRIMARY KEY (worker_id, journey_no);
CREATE INDEX journey_snapshot_season ON journey_snapshot (season);
CREATE INDEX journey_snapshot_organisation ON journey_snapshot (organisation_id);
CREATE INDEX journey_snapshot_operator ON journey_snapshot (operator_id);
-- GET /v1/journeys pages in (pseudonym, journey_no) order
CREATE INDEX journey_snapshot_page ON journey_snapshot (pseudonym, journey_no);
