-- +goose Up
-- What happened to each uploaded file: stored, rejected for errors, waiting
-- for explanations of its queries, or identical to what is already held.
ALTER TABLE submissions ADD COLUMN status TEXT COLLATE "C" NOT NULL DEFAULT 'stored';
ALTER TABLE submissions ADD COLUMN user_id INTEGER NOT NULL DEFAULT 0;
-- The single council a submission is for, or 0 for a bulk load.
ALTER TABLE submissions ADD COLUMN la_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN councils TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN months TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE submissions ADD COLUMN row_count INTEGER NOT NULL DEFAULT 0;
-- The validation messages (with any explanations), as JSON.
ALTER TABLE submissions ADD COLUMN messages TEXT COLLATE "C" NOT NULL DEFAULT '[]';
-- The parsed figures of a submission waiting for explanations, as JSON;
-- emptied once it is stored or abandoned.
ALTER TABLE submissions ADD COLUMN payload TEXT COLLATE "C" NOT NULL DEFAULT '';
CREATE INDEX submissions_council ON submissions (la_number, id);
CREATE INDEX returns_submission ON returns (submission_id);

-- +goose Down
DROP INDEX returns_submission;
DROP INDEX submissions_council;
ALTER TABLE submissions DROP COLUMN payload;
ALTER TABLE submissions DROP COLUMN messages;
ALTER TABLE submissions DROP COLUMN row_count;
ALTER TABLE submissions DROP COLUMN months;
ALTER TABLE submissions DROP COLUMN councils;
ALTER TABLE submissions DROP COLUMN la_number;
ALTER TABLE submissions DROP COLUMN user_id;
ALTER TABLE submissions DROP COLUMN status;
