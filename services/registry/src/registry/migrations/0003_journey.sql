-- The worker's journey children, kept as one document with the worker (see journey_codec.py).
ALTER TABLE worker ADD COLUMN journey jsonb NOT NULL DEFAULT '{}'::jsonb;
CREATE INDEX worker_stage ON worker (stage, season);
