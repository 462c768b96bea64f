-- The spending ledger behind aggregations (spending limits over rolling windows), shared by every
-- parent host of a deployment (SpendLedger.java).
--
-- A request that an aggregation measures is evaluated while its (aggregation, wallet, group)
-- lock row is held FOR UPDATE: the window total read under that lock, plus the request's own
-- amount, is what the policy's reference condition compares, and an allowed request leaves a
-- 'reserved' entry before the lock is released. The next request for the same key therefore
-- counts it, on whichever parent host it arrives. After the enclave has signed, the entry becomes
-- 'committed' in the transaction that appends the succeeded audit row; a refused or failed
-- signature deletes it, and a reservation nobody committed (a crash) stops counting at
-- reserved_until.

-- One row per key, made on first use: the unit of mutual exclusion (never updated, only locked).
CREATE TABLE policy_spend_locks (
    aggregation_id text NOT NULL,
    wallet_id      text NOT NULL REFERENCES wallets (id),
    -- the group-by values joined ('' without group_by)
    group_key      text NOT NULL,
    PRIMARY KEY (aggregation_id, wallet_id, group_key)
);

CREATE TABLE policy_spend_entries (
    id             bigserial     PRIMARY KEY,
    aggregation_id text          NOT NULL,
    wallet_id      text          NOT NULL,
    group_key      text          NOT NULL,
    -- the metric's value (uint256: wei, lamports, ...)
    amount         numeric(78,0) NOT NULL CHECK (amount >= 0),
    -- when the request was evaluated: the entry counts while it lies inside the window
    at             timestamptz   NOT NULL,
    state          text          NOT NULL CHECK (state IN ('reserved', 'committed')),
    -- a reservation counts until then; NULL once committed
    reserved_until timestamptz   NULL,
    CHECK ((state = 'reserved') = (reserved_until IS NOT NULL)),
    FOREIGN KEY (aggregation_id, wallet_id, group_key)
        REFERENCES policy_spend_locks (aggregation_id, wallet_id, group_key)
);

CREATE INDEX policy_spend_entries_key_idx
    ON policy_spend_entries (aggregation_id, wallet_id, group_key, at);

-- Row locks (SELECT ... FOR UPDATE / FOR KEY SHARE) need the UPDATE privilege.
GRANT SELECT, INSERT, UPDATE ON policy_spend_locks TO ${serviceRole};
GRANT SELECT, INSERT, UPDATE, DELETE ON policy_spend_entries TO ${serviceRole};
GRANT USAGE ON SEQUENCE policy_spend_entries_id_seq TO ${serviceRole};
