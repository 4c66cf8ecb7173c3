DROP TABLE exercise_mail_optouts;
DROP TABLE exercise_rescues;
DROP TABLE exercise_examples;
DROP TABLE exercise_reviews;
DROP TABLE exercise_versions;
DROP TABLE exercise_entries;
DROP TABLE course_writing_rules;
DROP TABLE lesson_exercises;
