-- An optional photo with an assessment (what the assessor saw), kept beside it.
ALTER TABLE assessment ADD COLUMN photo BLOB;
ALTER TABLE assessment ADD COLUMN photo_type TEXT;
