-- Nothing to undo: which prompts were pinned before is not known.
SELECT 1;
