-- Crash-safe signing with idempotency keys (docs/architecture.md, "Sign requests and crashes").
--
-- 1. Every claim of an idempotency key (V8) now holds a lease: lease_until, renewed every second
--    by the parent host running the attempt for as long as the request runs, and the host that
--    holds it. An in-progress key whose lease lapsed belongs to an attempt that died with its
--    host (or lost its database connection). For signing requests a retry with the same key then
--    takes the attempt over (a new attempt token, in one conditional UPDATE, so one retry wins)
--    and runs the request again; for other requests it is answered "outcome unknown" at once.
ALTER TABLE idempotency_keys ADD COLUMN lease_until timestamptz NULL;
ALTER TABLE idempotency_keys ADD COLUMN host text NULL;
-- rows claimed before this migration: as before, lost after 10 minutes
UPDATE idempotency_keys SET lease_until = created_at + interval '10 minutes'
    WHERE state = 'in_progress';

-- 2. The state machine of signing requests that carry an idempotency key: one row per attempt.
--
--    received    the request reached its wallet on a parent host
--    authorized  the owner's signature (if the wallet is owned) and the policies allowed it
--    signing     sent to the enclave
--    succeeded   the signature was released: its succeeded audit row, this state and the key's
--                stored response committed in ONE transaction, conditional on the attempt still
--                holding the key; so no signature leaves without its row, and a retry is answered
--                with exactly that response
--    failed      the enclave or the parent failed (the key is released, a retry runs again), or
--                the attempt was lost (error_code attempt_lost: its lease lapsed and a retry
--                took it over; nothing it may have signed was released)
--    rejected    refused (bad request, authorization, policy): a final answer
--
-- The intermediate states are written with asynchronous commit: they tell an operator how far a
-- lost attempt got, and safety does not rest on them (it rests on the lease and on the
-- conditional commit of the final state).
CREATE TABLE sign_requests (
    attempt         text        PRIMARY KEY,
    app_id          text        NOT NULL,
    idempotency_key text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 256),
    -- the key's created_at: a key claimed again after its 24 hours is another request
    key_created_at  timestamptz NOT NULL,
    wallet_id       text        NOT NULL,
    method          text        NULL,
    state           text        NOT NULL CHECK (state IN ('received', 'authorized', 'signing',
                                    'succeeded', 'failed', 'rejected')),
    host            text        NOT NULL,
    error_code      text        NULL,
    -- the audit row that ended the attempt (succeeded, failed or rejected)
    audit_id        bigint      NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- At most one released signature per key, whatever died where: the database refuses a second.
CREATE UNIQUE INDEX sign_requests_one_success
    ON sign_requests (app_id, idempotency_key, key_created_at) WHERE state = 'succeeded';
CREATE INDEX sign_requests_key_idx ON sign_requests (app_id, idempotency_key, created_at);
-- the sweep deletes by age, as idempotency keys
CREATE INDEX sign_requests_created_idx ON sign_requests (created_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON sign_requests TO ${serviceRole};
