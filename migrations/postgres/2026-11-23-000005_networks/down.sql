DROP TABLE api_tokens;
ALTER TABLE counties DROP COLUMN transferred_at;
DROP TABLE network_transfers;
DROP TABLE announcements;
DROP TABLE trainings_held;
DROP TABLE placements;
DROP TABLE memberships;
DROP TABLE certificates;
DROP TABLE completions;
