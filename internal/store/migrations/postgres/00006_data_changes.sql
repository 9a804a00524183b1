-- +goose Up
-- What each data version changed, so a read model can bring itself up to
-- date by redoing only that part: 'figures' (monthly returns; the returns
-- added since tell which council-months), 'official', 'assessments',
-- 'framework', 'timeline', or 'all'.
CREATE TABLE data_changes (
    version INTEGER NOT NULL,
    kind    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (version, kind)
);

-- +goose Down
DROP TABLE data_changes;
