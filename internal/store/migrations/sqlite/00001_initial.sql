-- +goose Up
-- Settings hold small facts about the database itself: the hash of the
-- reference data last loaded and whether the demonstration data is present.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE councils (
    la_number   INTEGER PRIMARY KEY,
    ons_code    TEXT NOT NULL,
    name        TEXT NOT NULL,
    region_code TEXT NOT NULL,
    region_name TEXT NOT NULL,
    current     INTEGER NOT NULL CHECK (current IN (0, 1)),
    start_date  TEXT NOT NULL DEFAULT '',
    end_date    TEXT NOT NULL DEFAULT '',
    successors  TEXT NOT NULL DEFAULT ''
);

-- Every ONS code a council has had, so that re-coded councils (Barnsley,
-- Sheffield) resolve by old and new codes alike.
CREATE TABLE council_codes (
    ons_code   TEXT PRIMARY KEY,
    la_number  INTEGER NOT NULL REFERENCES councils (la_number),
    valid_from TEXT NOT NULL DEFAULT '',
    valid_to   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE populations (
    level    TEXT NOT NULL CHECK (level IN ('national', 'regional', 'council')),
    area     TEXT NOT NULL,
    year     INTEGER NOT NULL,
    children INTEGER NOT NULL CHECK (children >= 0),
    PRIMARY KEY (level, area, year)
);

CREATE TABLE neighbours (
    la_number INTEGER NOT NULL REFERENCES councils (la_number),
    rank      INTEGER NOT NULL CHECK (rank BETWEEN 1 AND 10),
    neighbour INTEGER NOT NULL REFERENCES councils (la_number),
    closeness TEXT NOT NULL,
    PRIMARY KEY (la_number, rank)
);

CREATE TABLE indicators (
    code        TEXT PRIMARY KEY,
    area        TEXT NOT NULL,
    label       TEXT NOT NULL,
    definition  TEXT NOT NULL,
    unit        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    polarity    TEXT NOT NULL,
    denominator TEXT NOT NULL,
    required    INTEGER NOT NULL CHECK (required IN (0, 1)),
    subset_of   TEXT NOT NULL DEFAULT '',
    position    INTEGER NOT NULL
);

CREATE TABLE timeline_events (
    id          INTEGER PRIMARY KEY,
    starts      TEXT NOT NULL,
    ends        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    label       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

-- A submission is one file (or one demo load) as it arrived.
CREATE TABLE submissions (
    id           INTEGER PRIMARY KEY,
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    source       TEXT NOT NULL,
    file_name    TEXT NOT NULL DEFAULT '',
    file_size    INTEGER NOT NULL DEFAULT 0,
    sha256       TEXT NOT NULL DEFAULT '',
    layout       TEXT NOT NULL DEFAULT '',
    error_count  INTEGER NOT NULL DEFAULT 0,
    query_count  INTEGER NOT NULL DEFAULT 0,
    explanations TEXT NOT NULL DEFAULT '[]',
    demo         INTEGER NOT NULL DEFAULT 0
);

-- A return is one council's figures for one month; every version is kept
-- and exactly one is current.
CREATE TABLE returns (
    id            INTEGER PRIMARY KEY,
    la_number     INTEGER NOT NULL REFERENCES councils (la_number),
    month         TEXT NOT NULL,
    version       INTEGER NOT NULL,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    current       INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0, 1)),
    created_at    TEXT NOT NULL,
    UNIQUE (la_number, month, version)
);
CREATE UNIQUE INDEX returns_current ON returns (la_number, month) WHERE current = 1;

CREATE TABLE observations (
    return_id INTEGER NOT NULL REFERENCES returns (id),
    la_number INTEGER NOT NULL,
    indicator TEXT NOT NULL REFERENCES indicators (code),
    month     TEXT NOT NULL,
    value     REAL NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (return_id, indicator)
);
CREATE INDEX observations_series ON observations (la_number, indicator, month);

-- DfE's annual published figures, kept apart from the monthly returns.
CREATE TABLE official_values (
    measure    TEXT NOT NULL,
    indicator  TEXT NOT NULL DEFAULT '',
    level      TEXT NOT NULL,
    area       TEXT NOT NULL,
    year       INTEGER NOT NULL,
    period_end TEXT NOT NULL,
    value      REAL,
    marker     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (measure, level, area, year)
);
CREATE INDEX official_values_indicator ON official_values (indicator, level, area);

-- +goose Down
DROP TABLE official_values;
DROP TABLE observations;
DROP TABLE returns;
DROP TABLE submissions;
DROP TABLE timeline_events;
DROP TABLE indicators;
DROP TABLE neighbours;
DROP TABLE populations;
DROP TABLE council_codes;
DROP TABLE councils;
DROP TABLE settings;
