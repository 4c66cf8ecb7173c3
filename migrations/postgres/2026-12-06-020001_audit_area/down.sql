DROP INDEX audit_log_action_idx;
DROP INDEX audit_log_county_idx;
DROP INDEX audit_log_region_idx;
ALTER TABLE audit_log DROP COLUMN county_id;
ALTER TABLE audit_log DROP COLUMN region_id;
