-- Idempotency keys (privy-idempotency-key) of the POSTs that create or sign, shared by every
-- parent host of a deployment (IdempotencyFilter.java, docs/api.md "Idempotency").
--
-- A request with a key first claims (app_id, idempotency_key) with an INSERT that commits on its
-- own: the one request whose INSERT created the row runs; every other request with that key, on
-- whichever parent host, finds the row. While the row is 'in_progress' they wait for it; once it
-- is 'completed' they are answered with the stored response, byte for byte. A response that is
-- not final (5xx) deletes the row, so a retry runs again. A row whose request never finished (its
-- parent host died) stays 'in_progress': after a while its retries are answered 409 with
-- x-should-retry: false, never run again (nothing proves that the lost attempt released nothing).
--
-- Only a SHA-256 of the request (method, path, body) is kept, never the body. The response is
-- kept: wallet views, signatures and error bodies, all of it data the caller already received.
-- Rows live 24 hours from their first attempt; times are the database's (now()), so every parent
-- host judges age and expiry by the same clock.
CREATE TABLE idempotency_keys (
    app_id                text        NOT NULL REFERENCES apps (id),
    idempotency_key       text        NOT NULL
        CHECK (length(idempotency_key) BETWEEN 1 AND 256),
    request_hash          bytea       NOT NULL CHECK (length(request_hash) = 32),
    state                 text        NOT NULL CHECK (state IN ('in_progress', 'completed')),
    -- a random token of the attempt holding the key: only it completes or releases the row
    attempt               text        NOT NULL,
    created_at            timestamptz NOT NULL,
    expires_at            timestamptz NOT NULL,
    completed_at          timestamptz NULL,
    response_status       integer     NULL CHECK (response_status BETWEEN 200 AND 499),
    response_content_type text        NULL,
    response_body         bytea       NULL,
    CHECK ((state = 'completed') = (completed_at IS NOT NULL AND response_status IS NOT NULL
        AND response_body IS NOT NULL)),
    PRIMARY KEY (app_id, idempotency_key)
);

-- The expiry sweep deletes by age.
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);

-- Claim (INSERT), wait and replay (SELECT), complete (UPDATE), release and sweep (DELETE).
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO ${serviceRole};
