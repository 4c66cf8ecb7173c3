-- Feedback surveys (palautekyselyt) and the counties' current-state assessment
-- (nykytilakartoitus). A survey has Likert statements (1..5, 0 = "cannot say") and open
-- questions, an audience, an answering window, and is anonymous or not. The assessment is a
-- survey of kind 'assessment' answered once per county and year.
--
-- Anonymity: a response row holds a one-way respondent key (an HMAC of the survey and the user
-- under an installation key), never the user id of an anonymous survey, and no timestamp that
-- could be matched against logs; "answered once / edit" looks the key up. See src/surveys/mod.rs.

CREATE TABLE surveys (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- feedback | course_feedback | assessment
    kind TEXT NOT NULL CHECK (kind IN ('feedback', 'course_feedback', 'assessment')),
    -- the template the questions came from: network_feedback | course_feedback | assessment | custom
    template TEXT NOT NULL,
    title TEXT NOT NULL,
    intro TEXT NOT NULL DEFAULT '',
    -- network (the members of the region or county) | cohort (its trainees) | area (members and
    -- trainees of the region or county) | all (everyone; admins) | counties (the assessment)
    audience TEXT NOT NULL CHECK (audience IN ('network', 'cohort', 'area', 'all', 'counties')),
    region_id BIGINT REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    cohort_id BIGINT REFERENCES cohorts (id) ON DELETE CASCADE,
    anonymous BOOLEAN NOT NULL,
    opens_on DATE NOT NULL,
    closes_on DATE NOT NULL,
    year INTEGER,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX surveys_region_idx ON surveys (region_id);
CREATE INDEX surveys_county_idx ON surveys (county_id);
-- One end-of-course survey per cohort, one assessment per year.
CREATE UNIQUE INDEX surveys_course_feedback_idx ON surveys (cohort_id) WHERE kind = 'course_feedback';
CREATE UNIQUE INDEX surveys_assessment_idx ON surveys (year) WHERE kind = 'assessment';

CREATE TABLE survey_questions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    -- likert | open
    kind TEXT NOT NULL CHECK (kind IN ('likert', 'open')),
    text_fi TEXT NOT NULL,
    text_sv TEXT NOT NULL DEFAULT '',
    text_en TEXT NOT NULL DEFAULT '',
    -- a Likert statement that also asks "what?" in an open answer
    follow_up BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (survey_id, position)
);

CREATE TABLE survey_responses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    -- HMAC(survey, user) for people; 'county:<id>' for the assessment
    respondent_key TEXT NOT NULL,
    -- only for surveys that are not anonymous (and the assessment's last editor)
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- where the respondent worked when answering, for the breakdowns
    region_id BIGINT REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    -- only for surveys that are not anonymous
    updated_at TIMESTAMP,
    UNIQUE (survey_id, respondent_key)
);
CREATE INDEX survey_responses_user_idx ON survey_responses (user_id);

CREATE TABLE survey_answers (
    response_id BIGINT NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    question_id BIGINT NOT NULL REFERENCES survey_questions (id) ON DELETE CASCADE,
    -- 1..5, or 0 for "cannot say"; NULL for an open question
    value INTEGER CHECK (value BETWEEN 0 AND 5),
    text TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, question_id)
);
CREATE INDEX survey_answers_question_idx ON survey_answers (question_id, value);
