-- Intake: configured channels, the durable inbox every webhook writes to, and the
-- outbound queue for replies that leave through a channel.

-- Ids the server gives to cases and touchpoints it creates (ingestion, outbound
-- replies); moved above the highest seeded id by seeding, like customer_ids.
CREATE SEQUENCE case_ids;
CREATE SEQUENCE touchpoint_ids;
SELECT setval('case_ids', greatest((SELECT max(id) FROM cases), 1));
SELECT setval('touchpoint_ids', greatest((SELECT max(id) FROM touchpoints), 1));

-- A channel account an admin configured: a Twilio number, a website, a branch system.
-- `secret` (auth token or signing key) never leaves the server and is never logged.
CREATE TABLE channels (
    tenant_id  text NOT NULL REFERENCES tenants (id),
    name       text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    kind       text NOT NULL CHECK (kind IN ('twilio_voice', 'twilio_sms', 'web', 'branch')),
    settings   jsonb NOT NULL DEFAULT '{}',
    secret     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

-- Every verified webhook event, stored before the provider gets its 2xx. A provider's
-- retry of the same event hits the unique key and changes nothing.
CREATE TABLE inbox (
    id           bigserial PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id),
    channel      text NOT NULL,
    kind         text NOT NULL,
    event_id     text NOT NULL,
    payload      bytea NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'ignored', 'failed')),
    attempts     int NOT NULL DEFAULT 0,
    error        text,
    processed_at timestamptz,
    UNIQUE (tenant_id, channel, event_id)
);
CREATE INDEX inbox_pending ON inbox (id) WHERE state = 'pending';
CREATE INDEX inbox_failed ON inbox (tenant_id, id) WHERE state = 'failed';

-- What each provider thing (a call, a message, a chat) became: later reports of it
-- update that touchpoint, in revision order.
CREATE TABLE contact_keys (
    tenant_id     text NOT NULL REFERENCES tenants (id),
    key           text NOT NULL,
    touchpoint_id bigint NOT NULL,
    revision      bigint NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

-- Where a reply on a case goes: the channel and the customer's address on it, from
-- the customer's latest contact on the case.
CREATE TABLE case_reply_routes (
    tenant_id text NOT NULL REFERENCES tenants (id),
    case_id   bigint NOT NULL,
    channel   text NOT NULL,
    address   text NOT NULL,
    PRIMARY KEY (tenant_id, case_id)
);

-- A reply leaving through its channel. Written in the same transaction as the reply
-- event; a worker sends it with retries (SKIP LOCKED, so one instance sends a row).
CREATE TABLE outbound (
    id              bigserial PRIMARY KEY,
    tenant_id       text NOT NULL REFERENCES tenants (id),
    channel         text NOT NULL,
    touchpoint_id   bigint NOT NULL,
    address         text NOT NULL,
    body            text NOT NULL,
    state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'delivered', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    provider_id     text,
    last_error      text,
    idempotency_key text NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbound_due ON outbound (next_attempt_at) WHERE state = 'queued';
CREATE INDEX outbound_by_provider ON outbound (tenant_id, provider_id);
CREATE UNIQUE INDEX outbound_by_touchpoint ON outbound (tenant_id, touchpoint_id);
