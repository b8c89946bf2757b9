-- Schema 2: sync with the server. The cache now holds two kinds of state: the server's
-- (each record with the change-log position it came with) and the agent's optimistic
-- changes on top, which every pull undoes and re-applies ("rebase").

-- The change-log position (`Change::pos`) of the newest server record stored for each
-- customer, case and touchpoint. An older record than this is ignored.
CREATE TABLE versions (
    kind TEXT NOT NULL,                 -- customer | case | touchpoint
    id   INTEGER NOT NULL,
    pos  INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- The case's server version the agent's view was based on (the "traffic cop"), and for
-- CreateCustomer the provisional id the customer was given here.
ALTER TABLE outbox ADD COLUMN basis INTEGER;
ALTER TABLE outbox ADD COLUMN customer_id INTEGER;

-- An event is either the server's (`server_id`, its id in the change log) or optimistic
-- (`outbox_seq`, the outbox row that made it; removed and re-made on every rebase).
ALTER TABLE case_events ADD COLUMN outbox_seq INTEGER;
ALTER TABLE case_events ADD COLUMN server_id INTEGER;
CREATE UNIQUE INDEX case_events_by_server_id ON case_events(server_id) WHERE server_id IS NOT NULL;
CREATE INDEX case_events_optimistic ON case_events(outbox_seq) WHERE outbox_seq IS NOT NULL;

-- The server state of a case before its first optimistic change, so a rebase can go
-- back to it. A row exists only while the case has changes not yet pulled back.
CREATE TABLE shadow_cases (
    id  INTEGER PRIMARY KEY,
    doc TEXT NOT NULL
);

-- Customers made here get negative ids; the server's id replaces them once the push is
-- answered. Kept for good so that a screen holding the provisional id still works.
CREATE TABLE customer_map (
    provisional INTEGER PRIMARY KEY,
    server      INTEGER NOT NULL
);

-- Customers that server records refer to but that the cache does not hold yet: a row
-- with a placeholder name stands in until their history is fetched.
CREATE TABLE missing_customers (
    id INTEGER PRIMARY KEY
);

-- What the agent must be told about their synced work: a colleague's change, a reply
-- kept as a note, a rejection. Never dropped silently.
CREATE TABLE notices (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    case_id     INTEGER,
    customer_id INTEGER,
    kind        TEXT NOT NULL,          -- notice | transformed | rejected
    message     TEXT NOT NULL,
    outbox_seq  INTEGER,
    seen        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX notices_unseen ON notices(id) WHERE seen = 0;
CREATE INDEX notices_by_case ON notices(case_id, id);
