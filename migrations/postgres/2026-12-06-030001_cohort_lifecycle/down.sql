ALTER TABLE cohorts DROP COLUMN lessons_open_at_start;
ALTER TABLE cohorts DROP COLUMN archived_at;
ALTER TABLE cohorts DROP COLUMN cancel_reason;
ALTER TABLE cohorts DROP COLUMN cancelled_at;
