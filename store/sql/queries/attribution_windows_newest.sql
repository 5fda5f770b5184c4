-- params: 'oas-online-2026'
-- When the newest attribution windows of a campaign were written (0 when never).
SELECT toUInt32(max(changed_at)) FROM attribution_windows WHERE campaign_id = ?
