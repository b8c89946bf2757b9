-- Tideline local cache, schema 1. Migrations are append-only: never edit one that has
-- shipped; add the next file instead.
-- Times are milliseconds since the Unix epoch, UTC. JSON columns (`doc`, `facts`,
-- `actor`) hold serde forms of the core types; the other columns exist to be indexed.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- One row per normalised identity; (kind, value) can belong to one customer only.
CREATE TABLE identities (
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX identities_by_customer ON identities(customer_id);

CREATE TABLE cases (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    status        TEXT NOT NULL,
    priority_rank INTEGER NOT NULL,          -- 0 urgent … 3 low
    queue         TEXT NOT NULL,
    assignee      TEXT,
    channel       TEXT NOT NULL,
    opened_at     INTEGER NOT NULL,
    -- When the most urgent running SLA clock breaches; 2^53 - 1 when none runs
    -- (pending or no targets), so paused cases sort last without NULL handling.
    due_key       INTEGER NOT NULL,
    doc           TEXT NOT NULL              -- the whole core::Case
);
-- The queue: active cases by time to breach, then priority, then id.
CREATE INDEX cases_queue ON cases(due_key, priority_rank, id)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX cases_queue_by_assignee ON cases(assignee, due_key, priority_rank, id)
    WHERE status IN ('new', 'open', 'pending');
CREATE INDEX cases_by_customer ON cases(customer_id, opened_at);

-- The SLA clocks as last evaluated when the case changed (reports read these; the live
-- state is recomputed from the case on display).
CREATE TABLE sla_clocks (
    case_id    INTEGER NOT NULL REFERENCES cases(id),
    clock      TEXT NOT NULL,
    state      TEXT NOT NULL,
    target_ms  INTEGER NOT NULL,
    elapsed_ms INTEGER NOT NULL,
    due_at     INTEGER,
    evaluated_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, clock)
) WITHOUT ROWID;

CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases(id),
    customer_id INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    doc         TEXT NOT NULL               -- core::CaseEventKind
);
CREATE INDEX case_events_timeline ON case_events(customer_id, at, id);
CREATE INDEX case_events_by_case ON case_events(case_id, at);

-- Every identity link an agent made, so that it is audited and can be undone.
CREATE TABLE identity_links (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    linked_at   INTEGER NOT NULL,
    linked_by   TEXT NOT NULL,
    undone_at   INTEGER,
    undone_by   TEXT
);

CREATE TABLE touchpoints (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER REFERENCES customers(id),   -- NULL while unlinked
    case_id        INTEGER REFERENCES cases(id),
    channel        TEXT NOT NULL,
    direction      TEXT NOT NULL,
    actor          TEXT NOT NULL,
    occurred_at    INTEGER NOT NULL,
    identity_kind  TEXT,
    identity_value TEXT,
    summary        TEXT NOT NULL,
    body           TEXT,
    facts          TEXT,
    link_id        INTEGER REFERENCES identity_links(id)  -- set when an agent's link attached it
);
CREATE INDEX touchpoints_timeline ON touchpoints(customer_id, occurred_at, id);
CREATE INDEX touchpoints_unlinked ON touchpoints(occurred_at, id) WHERE customer_id IS NULL;
CREATE INDEX touchpoints_unlinked_identity ON touchpoints(identity_kind, identity_value)
    WHERE customer_id IS NULL;
CREATE INDEX touchpoints_by_link ON touchpoints(link_id) WHERE link_id IS NOT NULL;

-- Pending local mutations, oldest first. `seq` is the client sequence number that makes
-- a retried push idempotent. A row is written in the same transaction as the change it
-- records, so the cache and the outbox can never disagree.
CREATE TABLE outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    mutation   TEXT NOT NULL,
    actor      TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- Full-text search. Contentless: the text lives in the tables above; the index keeps
-- only what it needs to answer MATCH and return rowids (= the row's id).
CREATE VIRTUAL TABLE customers_fts USING fts5(text, content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE VIRTUAL TABLE cases_fts USING fts5(text, content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
-- No prefix index on touchpoints: it would double the index for a search that matches
-- whole words (type-ahead prefixes are for customers and cases).
CREATE VIRTUAL TABLE touchpoints_fts USING fts5(text, content='', contentless_delete=1,
    tokenize='unicode61 remove_diacritics 2');
