-- The class and causes of each distinct answer text under a set. An assessment's class under the set's current
-- rules is that of its answers: re-classifying after the rules change rewrites this small table (a few thousand
-- texts) instead of every assessment, and recomputes only the TPS whose assessments' texts moved.
CREATE TABLE answer_class (
    set_id   TEXT NOT NULL REFERENCES indicator_set (id),
    answers  TEXT NOT NULL,
    class    TEXT NOT NULL,
    causes   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (set_id, answers)
);
INSERT INTO answer_class (set_id, answers, class, causes)
    SELECT set_id, answers, MIN(class), MIN(causes) FROM assessment GROUP BY set_id, answers;
