-- Which region (competence centre) a county belonged to, from which day: admins move a county
-- to another region as a dated change, and figures for a past day count the county in the
-- region it belonged to then (network::places::region_on). counties.region_id stays the
-- region of today, kept in step by every change. County and region ids never change.
CREATE TABLE county_regions (
    id INTEGER PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES counties (id),
    region_id BIGINT NOT NULL REFERENCES regions (id),
    valid_from DATE NOT NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (county_id, valid_from)
);
CREATE INDEX county_regions_region_idx ON county_regions (region_id, valid_from);

-- The mapping seeded by the first migration holds from the start of the wellbeing services
-- counties (1 January 2023); earlier days count in it too.
INSERT INTO county_regions (county_id, region_id, valid_from, created_at)
SELECT id, region_id, '2023-01-01', CURRENT_TIMESTAMP FROM counties;
