-- The area an audited action belongs to, so coordinators can read the entries of their own
-- region or county (an entry of a county carries its region too). NULL: no area (only admins
-- see it).
ALTER TABLE audit_log ADD COLUMN region_id BIGINT REFERENCES regions (id);
ALTER TABLE audit_log ADD COLUMN county_id BIGINT REFERENCES counties (id);
CREATE INDEX audit_log_region_idx ON audit_log (region_id, id);
CREATE INDEX audit_log_county_idx ON audit_log (county_id, id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
