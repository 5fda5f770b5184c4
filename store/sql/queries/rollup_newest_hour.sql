-- params:
-- The newest hour (not in the future) present in either rollup, as seconds
-- since the epoch; 0 when both are empty.
SELECT toUInt32(greatest(
    (SELECT max(hour) FROM engagement_hourly WHERE hour <= now()),
    (SELECT max(hour) FROM uptake_hourly WHERE hour <= now())))
