CREATE VIRTUAL TABLE knowledge_search_old USING fts5(
    entry_key UNINDEXED,
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 0'
);
INSERT INTO knowledge_search_old (entry_key, title, body)
    SELECT entry_key, title, body FROM knowledge_search;
DROP TABLE knowledge_search;
ALTER TABLE knowledge_search_old RENAME TO knowledge_search;

ALTER TABLE courses DROP COLUMN translation_of;
ALTER TABLE lessons DROP COLUMN sources_html;
