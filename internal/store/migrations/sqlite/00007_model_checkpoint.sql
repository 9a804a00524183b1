-- +goose Up
-- The read model's figures as of one data version, so a start-up reads one
-- compact blob and the returns added since, instead of every figure row.
CREATE TABLE model_checkpoint (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    version      TEXT NOT NULL,
    returns_seen INTEGER NOT NULL,
    data         BLOB NOT NULL
);

-- +goose Down
DROP TABLE model_checkpoint;
