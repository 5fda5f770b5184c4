-- params:
-- Events counted by the hourly rollups (both kinds): the freshness probe's
-- `rollups` visibility point and the pipeline benchmark's check that every
-- stored event was rolled up.
SELECT toUInt64((SELECT countMerge(events) FROM engagement_hourly)
    + (SELECT countMerge(events) FROM uptake_hourly))
