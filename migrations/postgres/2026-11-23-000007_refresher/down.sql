DROP TABLE job_runs;
DROP TABLE lapse_warnings;
DROP TABLE refresher_cases;
