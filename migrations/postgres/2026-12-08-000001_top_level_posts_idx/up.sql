-- A thread's answers in id order, for the thread page's keyset pages (`parent_id IS NULL AND
-- id > ? ORDER BY id LIMIT 51`). With only (thread_id, parent_id, id), PostgreSQL's generic
-- plan (used after a prepared statement's fifth run) cannot take `parent_id IS NULL` as an
-- equality, so it read every later answer of the thread and sorted them: 26 ms a page deep in a
-- thread of 20,000 posts instead of 0.05 ms (benches/README.md).
CREATE INDEX discussion_posts_answers_idx ON discussion_posts (thread_id, id) WHERE parent_id IS NULL;
