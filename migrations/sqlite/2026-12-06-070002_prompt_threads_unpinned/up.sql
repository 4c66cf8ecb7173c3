-- A lesson's prompt thread heads its lesson's discussion instead of being pinned: pinned now
-- means only what a trainer pinned, and empty prompts no longer fill the cohort's list.
UPDATE discussion_threads SET pinned = 0 WHERE kind = 'prompt';
