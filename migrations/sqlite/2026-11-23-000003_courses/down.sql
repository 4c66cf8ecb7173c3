DROP TABLE knowledge_search;
DROP TABLE lesson_progress;
DROP TABLE enrolments;
DROP TABLE cohort_trainers;
DROP TABLE cohorts;
DROP TABLE lessons;
DROP TABLE course_modules;
DROP TABLE courses;
