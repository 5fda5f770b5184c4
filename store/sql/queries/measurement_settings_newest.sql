-- params: 'oas-online-2026'
-- When the newest measurement settings of a campaign were written (0 when never).
SELECT toUInt32(max(changed_at)) FROM measurement_settings WHERE campaign_id = ?
