-- +goose Up
-- The read model's figures as of one data version, so a start reads a few
-- compact blobs and the returns added since, instead of every figure row.
-- Each part is one indicator's figures, small enough to read one at a time.
CREATE TABLE model_checkpoint (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    version      TEXT COLLATE "C" NOT NULL,
    returns_seen INTEGER NOT NULL
);
CREATE TABLE model_checkpoint_parts (
    part INTEGER PRIMARY KEY,
    data BYTEA NOT NULL
);

-- +goose Down
DROP TABLE model_checkpoint_parts;
DROP TABLE model_checkpoint;
