-- Course content, issue 18: every lesson names its own sources (shown under the lesson and
-- on its knowledge-bank page); a course may be the translation of another (the same
-- structure in another language, whose completion counts the same); the knowledge bank's
-- search index knows each entry's language, so a Swedish page searches the Swedish entries.

ALTER TABLE lessons ADD COLUMN sources_html TEXT NOT NULL DEFAULT '';
ALTER TABLE courses ADD COLUMN translation_of TEXT;

-- An FTS5 table cannot gain a column: rebuild it with `language` and keep every entry
-- (all of them Finnish until now).
CREATE VIRTUAL TABLE knowledge_search_new USING fts5(
    entry_key UNINDEXED,
    language UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO knowledge_search_new (entry_key, language, title, body)
    SELECT entry_key, 'fi', title, body FROM knowledge_search;
DROP TABLE knowledge_search;
ALTER TABLE knowledge_search_new RENAME TO knowledge_search;
