ALTER TABLE surveys DROP COLUMN intro_en;
ALTER TABLE surveys DROP COLUMN intro_sv;
ALTER TABLE surveys DROP COLUMN title_en;
ALTER TABLE surveys DROP COLUMN title_sv;
