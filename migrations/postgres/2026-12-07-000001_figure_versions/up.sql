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

CREATE FUNCTION figures_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE figure_versions SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;

CREATE TRIGGER figures_memberships AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_organisations AFTER INSERT OR UPDATE OR DELETE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_counties AFTER INSERT OR UPDATE OR DELETE ON counties
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_regions AFTER INSERT OR UPDATE OR DELETE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_county_regions AFTER INSERT OR UPDATE OR DELETE ON county_regions
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_training_totals AFTER INSERT OR UPDATE OR DELETE ON training_totals
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_people_totals AFTER INSERT OR UPDATE OR DELETE ON people_totals
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_trainings_held AFTER INSERT OR UPDATE OR DELETE ON trainings_held
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_cohorts AFTER INSERT OR UPDATE OR DELETE ON cohorts
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_applications AFTER INSERT OR UPDATE OR DELETE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_refresher_cases AFTER INSERT OR UPDATE OR DELETE ON refresher_cases
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_lapse_warnings AFTER INSERT OR UPDATE OR DELETE ON lapse_warnings
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_surveys AFTER INSERT OR UPDATE OR DELETE ON surveys
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_survey_responses AFTER INSERT OR UPDATE OR DELETE ON survey_responses
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_enrolments AFTER INSERT OR DELETE OR UPDATE OF status, cohort_id, user_id
    ON enrolments FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_users_delete AFTER DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_users_update AFTER UPDATE OF name, email, organisation_id ON users
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.email IS DISTINCT FROM NEW.email
        OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_threads AFTER INSERT OR DELETE ON discussion_threads
    FOR EACH STATEMENT EXECUTE FUNCTION figures_bump();

CREATE TRIGGER figures_threads_update
    AFTER UPDATE OF kind, answered_at, hidden, cohort_id, author_id ON discussion_threads
    FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind
        OR OLD.answered_at IS DISTINCT FROM NEW.answered_at OR OLD.hidden IS DISTINCT FROM NEW.hidden
        OR OLD.cohort_id IS DISTINCT FROM NEW.cohort_id OR OLD.author_id IS DISTINCT FROM NEW.author_id)
    EXECUTE FUNCTION figures_bump();
