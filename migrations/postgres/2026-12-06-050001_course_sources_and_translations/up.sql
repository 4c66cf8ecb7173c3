-- Course content, issue 18: every lesson names its own sources (shown under the lesson and
-- on its knowledge-bank page); a course may be the translation of another (the same
-- structure in another language, whose completion counts the same); the knowledge bank's
-- search index knows each entry's language (and stems Swedish entries as Swedish).

ALTER TABLE lessons ADD COLUMN sources_html TEXT NOT NULL DEFAULT '';
ALTER TABLE courses ADD COLUMN translation_of TEXT;
ALTER TABLE knowledge_search ADD COLUMN language TEXT NOT NULL DEFAULT 'fi';
