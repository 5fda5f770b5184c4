-- params: 'oas-online-2026'
-- When the newest target set of a campaign was written (0 when none was).
SELECT toUInt32(max(changed_at)) FROM target_sets WHERE campaign_id = ?
