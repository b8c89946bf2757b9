-- Tideline's server schema. Every table carries tenant_id; one tenant, `default`, exists.
-- Records (customers, cases, case_events, touchpoints) hold each record's current JSON
-- document and `pos`, the change position of its latest change. `changes` is the
-- per-tenant log clients pull from; `tenants.head` is its newest position.

CREATE TABLE tenants (
    id   text PRIMARY KEY,
    name text NOT NULL,
    head bigint NOT NULL DEFAULT 0
);
INSERT INTO tenants (id, name) VALUES ('default', 'Default');

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    tenant_id     text NOT NULL REFERENCES tenants (id),
    username      text NOT NULL,
    display_name  text NOT NULL,
    role          text NOT NULL CHECK (role IN ('agent', 'team_lead', 'admin')),
    password_hash text NOT NULL,
    queues        text[] NOT NULL DEFAULT '{}',
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, username)
);

-- Only the SHA-256 of a token is kept.
CREATE TABLE tokens (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX tokens_by_user ON tokens (user_id) WHERE revoked_at IS NULL;

CREATE TABLE customers (
    tenant_id text NOT NULL REFERENCES tenants (id),
    id        bigint NOT NULL,
    doc       jsonb NOT NULL,
    pos       bigint,
    PRIMARY KEY (tenant_id, id)
);
-- Ids of customers the server creates; moved above the highest seeded id by seeding.
CREATE SEQUENCE customer_ids;

CREATE TABLE identities (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    kind        text NOT NULL,
    value       text NOT NULL,
    customer_id bigint NOT NULL,
    UNIQUE (tenant_id, kind, value)
);
CREATE INDEX identities_by_customer ON identities (tenant_id, customer_id);

-- Links made by agents (LinkIdentity, CreateCustomer), so UnlinkIdentity can undo one.
CREATE TABLE identity_links (
    id          bigserial PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id),
    kind        text NOT NULL,
    value       text NOT NULL,
    customer_id bigint NOT NULL,
    linked_at   timestamptz NOT NULL DEFAULT now(),
    linked_by   text NOT NULL,
    undone_at   timestamptz,
    undone_by   text
);
CREATE INDEX identity_links_open ON identity_links (tenant_id, kind, value, customer_id) WHERE undone_at IS NULL;

CREATE TABLE cases (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    id          bigint NOT NULL,
    customer_id bigint NOT NULL,
    queue       text NOT NULL,
    assignee    text,
    status      text NOT NULL,
    doc         jsonb NOT NULL,
    pos         bigint,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX cases_by_customer ON cases (tenant_id, customer_id);
CREATE INDEX cases_by_queue ON cases (tenant_id, queue);
CREATE INDEX cases_by_assignee ON cases (tenant_id, assignee);

CREATE TABLE case_events (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    id          bigserial NOT NULL,
    case_id     bigint NOT NULL,
    customer_id bigint NOT NULL,
    actor       text NOT NULL,
    doc         jsonb NOT NULL,
    pos         bigint,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX case_events_by_case ON case_events (tenant_id, case_id, pos);
CREATE INDEX case_events_by_customer ON case_events (tenant_id, customer_id);

CREATE TABLE touchpoints (
    tenant_id      text NOT NULL REFERENCES tenants (id),
    id             bigint NOT NULL,
    customer_id    bigint,
    case_id        bigint,
    identity_kind  text,
    identity_value text,
    link_id        bigint REFERENCES identity_links (id),
    doc            jsonb NOT NULL,
    pos            bigint,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX touchpoints_by_customer ON touchpoints (tenant_id, customer_id);
CREATE INDEX touchpoints_unlinked ON touchpoints (tenant_id, identity_kind, identity_value) WHERE customer_id IS NULL;
CREATE INDEX touchpoints_by_link ON touchpoints (link_id) WHERE link_id IS NOT NULL;

-- The change log. A push allocates positions last, holding the tenant row lock until it
-- commits, so positions become visible in order and a cursor never skips one.
CREATE TABLE changes (
    tenant_id   text NOT NULL REFERENCES tenants (id),
    pos         bigint NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('customer', 'case', 'event', 'touchpoint')),
    record_id   bigint NOT NULL,
    customer_id bigint,
    queue       text,
    doc         jsonb NOT NULL,
    PRIMARY KEY (tenant_id, pos)
);
CREATE INDEX changes_by_customer ON changes (tenant_id, customer_id, pos);

CREATE TABLE applied_mutations (
    tenant_id text NOT NULL REFERENCES tenants (id),
    client_id text NOT NULL,
    seq       bigint NOT NULL,
    user_id   bigint NOT NULL REFERENCES users (id),
    outcome   jsonb NOT NULL,
    at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, client_id, seq)
);

-- Customers a user opened outside their queues: they stay in that user's scope.
CREATE TABLE opened_customers (
    user_id     bigint NOT NULL REFERENCES users (id),
    customer_id bigint NOT NULL,
    opened_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, customer_id)
);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    case_id     bigint,
    customer_id bigint,
    detail      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_tenant ON audit_log (tenant_id, id);

-- Append-only: nobody, not even the table's owner, updates or deletes an entry.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

CREATE TABLE config (
    tenant_id text NOT NULL REFERENCES tenants (id),
    key       text NOT NULL,
    value     jsonb NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
