-- The version of the coordinators' figures (`db::figures`): the network page and the overview
-- keep their figures in memory per scope, and every server compares them with this one row on
-- each request. Every write to what those pages show bumps it, here in triggers, so no write
-- path (the app, the CLI, an import, a future one) can forget to; it commits with the write.
-- Hot paths stay out: a post's counting on its thread bumps only when the question gets its
-- answer, a sign-in's last_login_at not at all.
CREATE TABLE figure_versions (
    id INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO figure_versions (id, version) VALUES (1, 1);

CREATE TRIGGER figures_memberships_insert AFTER INSERT ON memberships
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_memberships_update AFTER UPDATE ON memberships
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_memberships_delete AFTER DELETE ON memberships
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_organisations_insert AFTER INSERT ON organisations
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_organisations_update AFTER UPDATE ON organisations
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_organisations_delete AFTER DELETE ON organisations
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_counties_insert AFTER INSERT ON counties
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_counties_update AFTER UPDATE ON counties
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_counties_delete AFTER DELETE ON counties
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_regions_insert AFTER INSERT ON regions
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_regions_update AFTER UPDATE ON regions
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_regions_delete AFTER DELETE ON regions
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_county_regions_insert AFTER INSERT ON county_regions
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_county_regions_update AFTER UPDATE ON county_regions
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_county_regions_delete AFTER DELETE ON county_regions
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_training_totals_insert AFTER INSERT ON training_totals
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_training_totals_update AFTER UPDATE ON training_totals
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_training_totals_delete AFTER DELETE ON training_totals
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_people_totals_insert AFTER INSERT ON people_totals
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_people_totals_update AFTER UPDATE ON people_totals
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_people_totals_delete AFTER DELETE ON people_totals
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_trainings_held_insert AFTER INSERT ON trainings_held
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_trainings_held_update AFTER UPDATE ON trainings_held
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_trainings_held_delete AFTER DELETE ON trainings_held
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_cohorts_insert AFTER INSERT ON cohorts
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_cohorts_update AFTER UPDATE ON cohorts
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_cohorts_delete AFTER DELETE ON cohorts
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_applications_insert AFTER INSERT ON applications
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_applications_update AFTER UPDATE ON applications
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_applications_delete AFTER DELETE ON applications
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_refresher_cases_insert AFTER INSERT ON refresher_cases
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_refresher_cases_update AFTER UPDATE ON refresher_cases
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_refresher_cases_delete AFTER DELETE ON refresher_cases
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_lapse_warnings_insert AFTER INSERT ON lapse_warnings
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_lapse_warnings_update AFTER UPDATE ON lapse_warnings
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_lapse_warnings_delete AFTER DELETE ON lapse_warnings
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_surveys_insert AFTER INSERT ON surveys
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_surveys_update AFTER UPDATE ON surveys
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_surveys_delete AFTER DELETE ON surveys
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_survey_responses_insert AFTER INSERT ON survey_responses
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_survey_responses_update AFTER UPDATE ON survey_responses
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_survey_responses_delete AFTER DELETE ON survey_responses
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_enrolments_insert AFTER INSERT ON enrolments
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_enrolments_delete AFTER DELETE ON enrolments
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_enrolments_update AFTER UPDATE OF status, cohort_id, user_id ON enrolments
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_users_delete AFTER DELETE ON users
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_users_update AFTER UPDATE OF name, email, organisation_id ON users
    WHEN OLD.name IS NOT NEW.name OR OLD.email IS NOT NEW.email
        OR OLD.organisation_id IS NOT NEW.organisation_id
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_threads_insert AFTER INSERT ON discussion_threads
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_threads_delete AFTER DELETE ON discussion_threads
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER figures_threads_update AFTER UPDATE OF kind, answered_at, hidden, cohort_id, author_id ON discussion_threads
    WHEN OLD.kind IS NOT NEW.kind OR OLD.answered_at IS NOT NEW.answered_at
        OR OLD.hidden IS NOT NEW.hidden OR OLD.cohort_id IS NOT NEW.cohort_id
        OR OLD.author_id IS NOT NEW.author_id
    BEGIN UPDATE figure_versions SET version = version + 1 WHERE id = 1; END;
