-- A cohort's life: cancelled (applicants and trainees are told, with the reason), archived
-- once it is over, and whether its lessons open only on its start date.
ALTER TABLE cohorts ADD COLUMN cancelled_at TIMESTAMP;
ALTER TABLE cohorts ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE cohorts ADD COLUMN archived_at TIMESTAMP;
ALTER TABLE cohorts ADD COLUMN lessons_open_at_start BOOLEAN NOT NULL DEFAULT FALSE;
