-- Visa decisions now live in the worker's journey (see the domain's visa cases).
DROP TABLE worker_visa;
