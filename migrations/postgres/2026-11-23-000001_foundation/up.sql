-- The reference data of the expert networks, the accounts, and the small tables that keep
-- sign-in safe (rate limits, single-use links) and accountable (the audit log).

CREATE TABLE regions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    -- FSKC serves the Swedish-speaking population nationwide rather than an area.
    national BOOLEAN NOT NULL DEFAULT FALSE,
    position INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE counties (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    region_id BIGINT NOT NULL REFERENCES regions (id),
    name_fi TEXT NOT NULL,
    name_sv TEXT NOT NULL,
    -- 'probable' where the region mapping is not fully verified (see the design notes).
    mapping_note TEXT
);
CREATE INDEX counties_region_idx ON counties (region_id);

CREATE TABLE organisations (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    county_id BIGINT NOT NULL REFERENCES counties (id),
    kind TEXT NOT NULL DEFAULT 'public' CHECK (kind IN ('public', 'private', 'education', 'other')),
    staff_count INTEGER NOT NULL DEFAULT 0 CHECK (staff_count >= 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (county_id, name)
);
CREATE INDEX organisations_county_idx ON organisations (county_id);

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Stored trimmed and lower-cased, so one address is one account.
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id),
    language TEXT NOT NULL DEFAULT 'fi' CHECK (language IN ('fi', 'sv', 'en')),
    password_hash TEXT,
    -- Bumped on logout, password change, role change and deactivation: every older session
    -- token stops working on every server.
    session_version INTEGER NOT NULL DEFAULT 1,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE INDEX users_organisation_idx ON users (organisation_id);

CREATE TABLE role_assignments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('trainer', 'regional_coordinator', 'county_coordinator', 'admin')),
    region_id BIGINT REFERENCES regions (id),
    county_id BIGINT REFERENCES counties (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((role = 'regional_coordinator') = (region_id IS NOT NULL)),
    CHECK ((role = 'county_coordinator') = (county_id IS NOT NULL))
);
CREATE INDEX role_assignments_user_idx ON role_assignments (user_id);

-- Single-use links (password reset, set-your-password invitations): only a hash is stored.
CREATE TABLE account_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'invite')),
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX account_tokens_user_idx ON account_tokens (user_id);

-- Fixed-window counters shared by every server (login attempts per address and per account).
CREATE TABLE rate_limits (
    bucket TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);

CREATE TABLE audit_log (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at);

INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('socca', 'Socca', 'Socca', FALSE, 1);
INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('vasso', 'VASSO', 'VASSO', FALSE, 2);
INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('pikassos', 'Pikassos', 'Pikassos', FALSE, 3);
INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('verso', 'Verso', 'Verso', FALSE, 4);
INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('socom', 'Socom', 'Socom', FALSE, 5);
INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('iso', 'ISO – Itä-Suomen sosiaalialan osaamiskeskus', 'ISO – Östra Finlands kompetenscentrum inom det sociala området', FALSE, 6);
INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('koske', 'Koske', 'Koske', FALSE, 7);
INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('sonet-botnia', 'SONet BOTNIA', 'SONet BOTNIA', FALSE, 8);
INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('poske', 'Poske', 'Poske', FALSE, 9);
INSERT INTO regions (code, name_fi, name_sv, national, position) VALUES ('fskc', 'FSKC – Finlandssvenskt kompetenscentrum inom det sociala området', 'FSKC – Finlandssvenskt kompetenscentrum inom det sociala området', TRUE, 10);

INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'helsinki', id, 'Helsingin kaupunki', 'Helsingfors stad', NULL FROM regions WHERE code = 'socca';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'ita-uusimaa', id, 'Itä-Uudenmaan hyvinvointialue', 'Östra Nylands välfärdsområde', NULL FROM regions WHERE code = 'socca';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'vantaa-kerava', id, 'Vantaan ja Keravan hyvinvointialue', 'Vanda och Kervo välfärdsområde', NULL FROM regions WHERE code = 'socca';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'lansi-uusimaa', id, 'Länsi-Uudenmaan hyvinvointialue', 'Västra Nylands välfärdsområde', 'probable' FROM regions WHERE code = 'socca';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'keski-uusimaa', id, 'Keski-Uudenmaan hyvinvointialue', 'Mellersta Nylands välfärdsområde', 'probable' FROM regions WHERE code = 'socca';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'varsinais-suomi', id, 'Varsinais-Suomen hyvinvointialue', 'Egentliga Finlands välfärdsområde', NULL FROM regions WHERE code = 'vasso';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'pirkanmaa', id, 'Pirkanmaan hyvinvointialue', 'Birkalands välfärdsområde', NULL FROM regions WHERE code = 'pikassos';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'satakunta', id, 'Satakunnan hyvinvointialue', 'Satakunta välfärdsområde', NULL FROM regions WHERE code = 'pikassos';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'kanta-hame', id, 'Kanta-Hämeen hyvinvointialue', 'Egentliga Tavastlands välfärdsområde', NULL FROM regions WHERE code = 'pikassos';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'paijat-hame', id, 'Päijät-Hämeen hyvinvointialue', 'Päijänne-Tavastlands välfärdsområde', NULL FROM regions WHERE code = 'verso';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'kymenlaakso', id, 'Kymenlaakson hyvinvointialue', 'Kymmenedalens välfärdsområde', NULL FROM regions WHERE code = 'socom';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'etela-karjala', id, 'Etelä-Karjalan hyvinvointialue', 'Södra Karelens välfärdsområde', NULL FROM regions WHERE code = 'socom';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'pohjois-savo', id, 'Pohjois-Savon hyvinvointialue', 'Norra Savolax välfärdsområde', NULL FROM regions WHERE code = 'iso';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'pohjois-karjala', id, 'Pohjois-Karjalan hyvinvointialue', 'Norra Karelens välfärdsområde', NULL FROM regions WHERE code = 'iso';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'etela-savo', id, 'Etelä-Savon hyvinvointialue', 'Södra Savolax välfärdsområde', NULL FROM regions WHERE code = 'iso';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'kainuu', id, 'Kainuun hyvinvointialue', 'Kajanalands välfärdsområde', NULL FROM regions WHERE code = 'iso';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'keski-suomi', id, 'Keski-Suomen hyvinvointialue', 'Mellersta Finlands välfärdsområde', NULL FROM regions WHERE code = 'koske';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'etela-pohjanmaa', id, 'Etelä-Pohjanmaan hyvinvointialue', 'Södra Österbottens välfärdsområde', NULL FROM regions WHERE code = 'sonet-botnia';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'pohjanmaa', id, 'Pohjanmaan hyvinvointialue', 'Österbottens välfärdsområde', NULL FROM regions WHERE code = 'sonet-botnia';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'keski-pohjanmaa', id, 'Keski-Pohjanmaan hyvinvointialue', 'Mellersta Österbottens välfärdsområde', NULL FROM regions WHERE code = 'sonet-botnia';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'pohjois-pohjanmaa', id, 'Pohjois-Pohjanmaan hyvinvointialue', 'Norra Österbottens välfärdsområde', NULL FROM regions WHERE code = 'poske';
INSERT INTO counties (code, region_id, name_fi, name_sv, mapping_note) SELECT 'lappi', id, 'Lapin hyvinvointialue', 'Lapplands välfärdsområde', NULL FROM regions WHERE code = 'poske';
