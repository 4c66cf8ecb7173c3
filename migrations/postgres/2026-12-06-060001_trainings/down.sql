-- The rebuilt tables keep their new shape (their old NOT NULL user ids cannot be restored
-- once accounts have been deleted); the new tables go.
DROP TABLE training_kits;
DROP TABLE people_totals;
DROP TABLE reach_people;
DROP TABLE training_totals;
DROP TABLE training_attendances;
-- (the added columns and relaxed constraints stay)
