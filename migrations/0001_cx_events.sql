-- Citizen-experience events (docs/cx-events.md). Portable SQL: the same
-- migration creates the tables in SQLite and in PostgreSQL.
CREATE TABLE cx_events (
    id TEXT PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    day TEXT NOT NULL,
    hour BIGINT NOT NULL,
    kind TEXT NOT NULL,
    conversation TEXT,
    channel TEXT,
    language TEXT,
    action TEXT,
    entry TEXT,
    category TEXT,
    confidence TEXT,
    reason TEXT,
    priority TEXT,
    team TEXT,
    agent TEXT,
    district TEXT,
    incident TEXT,
    wait_ms BIGINT,
    outcome TEXT,
    rating BIGINT,
    sentiment DOUBLE PRECISION,
    text TEXT,
    detail TEXT
);

CREATE INDEX cx_events_day ON cx_events (day);
CREATE INDEX cx_events_kind_day ON cx_events (kind, day);
CREATE INDEX cx_events_conversation ON cx_events (conversation);
CREATE INDEX cx_events_at ON cx_events (at_ms);

-- The store's own settings, such as the key of conversation pseudonyms.
CREATE TABLE cx_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
