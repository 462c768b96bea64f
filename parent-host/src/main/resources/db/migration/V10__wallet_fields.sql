-- Privy's wallet labels: display_name (a human-readable label, may change or be cleared) and
-- external_id (the customer's identifier for the wallet, write-once, unique within the app so it
-- maps to one wallet). Both are shown on the wallet and external_id is a list filter.
ALTER TABLE wallets ADD COLUMN display_name text NULL
    CHECK (length(display_name) BETWEEN 1 AND 128);
ALTER TABLE wallets ADD COLUMN external_id text NULL
    CHECK (external_id ~ '^[A-Za-z0-9_-]{1,64}$');

CREATE UNIQUE INDEX wallets_app_external_id_idx ON wallets (app_id, external_id)
    WHERE external_id IS NOT NULL;
-- The address filter of GET /v1/wallets (addresses are stored as shown; Ethereum's compared
-- case-insensitively, see WalletStore.list).
CREATE INDEX wallets_app_address_idx ON wallets (app_id, lower(address));

-- No new table: the service's grants on wallets (V5) cover the new columns.
