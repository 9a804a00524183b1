-- +goose Up
-- What a resubmission changes: the figures that differ from the return it
-- replaces, as JSON (domain.Changes), found when the file was checked;
-- empty for an upload that replaces nothing.
ALTER TABLE submissions ADD COLUMN changes TEXT COLLATE "C" NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE submissions DROP COLUMN changes;
