-- Failed sign-ins, counted per username ('user:NAME') and per client address
-- ('addr:IP'), so a password guesser is slowed whichever of the two it varies. Shared by
-- every instance through the database.
CREATE TABLE sign_in_failures (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    last_at      timestamptz NOT NULL,
    locked_until timestamptz
);
