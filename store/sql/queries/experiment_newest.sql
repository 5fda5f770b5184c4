-- params: 'oas-online-2026', 'atlantic-fall'
-- When the newest version of one experiment was written (0 when none was).
SELECT toUInt32(max(changed_at)) FROM experiments WHERE campaign_id = ? AND experiment_id = ?
