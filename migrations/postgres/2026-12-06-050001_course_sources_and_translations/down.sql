ALTER TABLE knowledge_search DROP COLUMN language;
ALTER TABLE courses DROP COLUMN translation_of;
ALTER TABLE lessons DROP COLUMN sources_html;
