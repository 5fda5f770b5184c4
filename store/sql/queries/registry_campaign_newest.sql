-- params: 'oas-online-2026'
-- When the newest version of a campaign was written (0 when none was).
SELECT toUInt32(max(changed_at)) FROM campaigns WHERE campaign_id = ?
