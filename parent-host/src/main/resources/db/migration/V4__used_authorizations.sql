-- Signed requests the parent host has acted on (key quorum changes, which only the parent
-- authorizes): SHA-256 of the Privy signed payload, kept until the request expires, so a signed
-- change cannot be replayed (across restarts and parent hosts). The enclave keeps its own replay
-- memory for wallet requests.
CREATE TABLE used_authorizations (
    digest     bytea       PRIMARY KEY CHECK (length(digest) = 32),
    expires_at timestamptz NOT NULL
);

CREATE INDEX used_authorizations_expires_idx ON used_authorizations (expires_at);
