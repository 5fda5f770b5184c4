-- params:
-- Events in the ledger: the freshness probe's `ledger` visibility point.
SELECT count() FROM events
