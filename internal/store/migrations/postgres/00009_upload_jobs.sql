-- +goose Up
-- Uploads being read, checked and stored in the background, and those
-- finished lately: the instance running one writes its progress here, and
-- any instance serves its pages from the row. Times are Unix milliseconds.
-- A job whose heartbeat has stopped before it finished is marked failed by
-- whoever reads it.
CREATE TABLE upload_jobs (
    id                     TEXT COLLATE "C" PRIMARY KEY,
    user_id                BIGINT NOT NULL,
    request_id             TEXT NOT NULL DEFAULT '',
    created_at             BIGINT NOT NULL,
    instance               TEXT NOT NULL,
    stage                  TEXT NOT NULL DEFAULT 'waiting',
    done                   INTEGER NOT NULL DEFAULT 0,
    total                  INTEGER NOT NULL DEFAULT 0,
    finished               INTEGER NOT NULL DEFAULT 0 CHECK (finished IN (0, 1)),
    submission_id          BIGINT NOT NULL DEFAULT 0,
    unchanged              INTEGER NOT NULL DEFAULT 0 CHECK (unchanged IN (0, 1)),
    existing_submission_id BIGINT NOT NULL DEFAULT 0,
    error_code             TEXT NOT NULL DEFAULT '',
    error                  TEXT NOT NULL DEFAULT '',
    reference              TEXT NOT NULL DEFAULT '',
    heartbeat_at           BIGINT NOT NULL
);
CREATE INDEX upload_jobs_unfinished ON upload_jobs (finished, heartbeat_at);

-- +goose Down
DROP TABLE upload_jobs;
