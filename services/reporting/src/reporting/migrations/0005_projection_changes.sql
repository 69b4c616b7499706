-- Advanced after every commit that changed the projections (and after a rebuild's reset): the
-- statistics cache keys its entries by the value, so a figure computed before a change is never
-- served after it. A sequence, not a row: nextval takes no lock that concurrent consumers would
-- queue on, and its new value is visible to every session at once.
CREATE SEQUENCE projection_changes;
