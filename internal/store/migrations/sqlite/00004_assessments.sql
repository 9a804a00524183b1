-- +goose Up
-- The enabling-conditions framework councils assess themselves against.
-- Administrators reword it; every version is kept, and each assessment
-- says which version it was made against.
CREATE TABLE frameworks (
    version    INTEGER PRIMARY KEY,
    body       TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT ''
);

-- A council's self-assessments: at most one draft (its working copy) and
-- every submitted version, numbered from 1 and never changed.
CREATE TABLE assessments (
    id                INTEGER PRIMARY KEY,
    la_number         INTEGER NOT NULL REFERENCES councils (la_number),
    status            TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    version           INTEGER NOT NULL DEFAULT 0,
    framework_version INTEGER NOT NULL REFERENCES frameworks (version),
    narrative         TEXT NOT NULL DEFAULT '',
    -- The ratings and evidence, as JSON: [{"item", "rating", "evidence"}].
    ratings           TEXT NOT NULL DEFAULT '[]',
    saved_by          TEXT NOT NULL,
    saved_at          TEXT NOT NULL,
    demo              INTEGER NOT NULL DEFAULT 0,
    CHECK ((status = 'draft') = (version = 0))
);
CREATE UNIQUE INDEX assessments_draft ON assessments (la_number) WHERE status = 'draft';
CREATE UNIQUE INDEX assessments_version ON assessments (la_number, version) WHERE status = 'submitted';

-- +goose StatementBegin
CREATE TRIGGER assessments_submitted_fixed BEFORE UPDATE ON assessments
WHEN OLD.status = 'submitted'
BEGIN
    SELECT RAISE(ABORT, 'a submitted assessment is kept as it was');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER assessments_submitted_fixed;
DROP INDEX assessments_version;
DROP INDEX assessments_draft;
DROP TABLE assessments;
DROP TABLE frameworks;
