DROP TABLE enrolment_events;
DROP TABLE applications;
ALTER TABLE cohorts DROP COLUMN description;
ALTER TABLE cohorts DROP COLUMN work_hours;
ALTER TABLE cohorts DROP COLUMN manager_approval_required;
ALTER TABLE cohorts DROP COLUMN applications_close_on;
ALTER TABLE cohorts DROP COLUMN applications_open_on;
ALTER TABLE cohorts DROP COLUMN capacity;
