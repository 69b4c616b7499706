-- The same bands, computed on timestamps without a time zone. age() on two dates resolved to its
-- timestamptz variant, whose date casts depend on the session's time zone (stable, not
-- immutable), so PostgreSQL never inlined age_band and called it as a function per row: grouping
-- 157,000 visa facts by age band spent most of its time there. The midnights compared are the
-- same, so every band is the same.
CREATE OR REPLACE FUNCTION age_band(born date, on_day date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN born IS NULL OR on_day IS NULL THEN 'unknown'
        WHEN extract(year FROM age(on_day::timestamp, born::timestamp)) < 18 THEN 'under_18'
        WHEN extract(year FROM age(on_day::timestamp, born::timestamp)) < 25 THEN '18_24'
        WHEN extract(year FROM age(on_day::timestamp, born::timestamp)) < 35 THEN '25_34'
        WHEN extract(year FROM age(on_day::timestamp, born::timestamp)) < 45 THEN '35_44'
        WHEN extract(year FROM age(on_day::timestamp, born::timestamp)) < 55 THEN '45_54'
        ELSE '55_plus'
    END
$$;
