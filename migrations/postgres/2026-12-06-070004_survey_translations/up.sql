-- A survey's title and introduction in Swedish and English (optional; a page in a language
-- without one shows the Finnish text, marked lang="fi"). The yearly assessment has all three.
ALTER TABLE surveys ADD COLUMN title_sv TEXT NOT NULL DEFAULT '';
ALTER TABLE surveys ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE surveys ADD COLUMN intro_sv TEXT NOT NULL DEFAULT '';
ALTER TABLE surveys ADD COLUMN intro_en TEXT NOT NULL DEFAULT '';
UPDATE surveys SET title_sv = 'Kartläggning av nuläget ' || CAST(year AS TEXT), title_en = 'Current-state assessment ' || CAST(year AS TEXT)
WHERE kind = 'assessment' AND year IS NOT NULL;
