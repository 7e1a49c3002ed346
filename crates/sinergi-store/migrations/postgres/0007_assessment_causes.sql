-- Each assessment keeps the causes of its class, and assessments are found by their answers: re-classifying after
-- a set changes classifies each distinct answer text once and touches only the TPS whose class or causes move.
ALTER TABLE assessment ADD COLUMN causes TEXT NOT NULL DEFAULT '';
CREATE INDEX assessment_answers ON assessment (set_id, answers);
