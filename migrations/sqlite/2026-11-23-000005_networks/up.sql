-- Completion turns a trainee into a documentation expert: the completion (once per
-- enrolment), its certificate, and the membership in the expert network of the region (and
-- county) of the graduate's organisation. Experts log the trainings they hold; coordinators
-- announce to their network and hand a county's network over to its own coordinator.

CREATE TABLE completions (
    id INTEGER PRIMARY KEY,
    enrolment_id BIGINT NOT NULL UNIQUE REFERENCES enrolments (id),
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id BIGINT NOT NULL REFERENCES courses (id),
    course_kind TEXT NOT NULL,
    course_version TEXT NOT NULL,
    completed_at TIMESTAMP NOT NULL
);
CREATE INDEX completions_user_idx ON completions (user_id, completed_at);

CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    completion_id BIGINT NOT NULL UNIQUE REFERENCES completions (id) ON DELETE CASCADE,
    -- The public verification code printed on the certificate.
    code TEXT NOT NULL UNIQUE,
    holder_name TEXT NOT NULL,
    course_title TEXT NOT NULL,
    course_version TEXT NOT NULL,
    issued_on DATE NOT NULL
);

-- A member of one region's expert network. The region is kept as it was when the member
-- joined, even if the county later moves to another region.
CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    region_id BIGINT NOT NULL REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    organisation_id BIGINT REFERENCES organisations (id),
    joined_at TIMESTAMP NOT NULL,
    -- The last completion (basic or refresher) that made or kept the member current.
    refreshed_at TIMESTAMP NOT NULL,
    -- active | lapsed | in_refresher (kept by the lapse check and refresher enrolment)
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'lapsed', 'in_refresher')),
    UNIQUE (user_id, region_id)
);
CREATE INDEX memberships_region_idx ON memberships (region_id, status);
CREATE INDEX memberships_county_idx ON memberships (county_id, status);
CREATE INDEX memberships_organisation_idx ON memberships (organisation_id);

-- Graduates whose county is not known wait here for a coordinator to place them.
CREATE TABLE placements (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    completion_id BIGINT NOT NULL REFERENCES completions (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    placed_at TIMESTAMP,
    placed_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE trainings_held (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    held_on DATE NOT NULL,
    theme TEXT NOT NULL,
    participants INTEGER NOT NULL CHECK (participants > 0),
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX trainings_held_user_idx ON trainings_held (user_id, held_on);
CREATE INDEX trainings_held_organisation_idx ON trainings_held (organisation_id, held_on);

CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    author_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    region_id BIGINT REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    title TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX announcements_region_idx ON announcements (region_id, created_at);

-- A county's network handed over to its own coordinator.
CREATE TABLE network_transfers (
    id INTEGER PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES counties (id),
    from_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    to_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    transferred_at TIMESTAMP NOT NULL
);
ALTER TABLE counties ADD COLUMN transferred_at TIMESTAMP;

-- Tokens for the counties' own systems to read the registry (only their hash is kept).
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    region_id BIGINT REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
