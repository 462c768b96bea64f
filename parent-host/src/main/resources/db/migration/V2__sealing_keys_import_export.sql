-- Sealing keys: the data keys KMS generated for the enclave, as encrypted blobs (CiphertextBlob).
-- Only an enclave whose attestation matches the KMS key policy can have them decrypted. One row
-- per (version, kind); the highest version with both kinds is the one new wallets are sealed under.
CREATE TABLE sealing_keys (
    version         integer     NOT NULL CHECK (version > 0),
    kind            text        NOT NULL CHECK (kind IN ('auth', 'exec')),
    kms_key_id      text        NOT NULL,
    ciphertext_blob bytea       NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (version, kind)
);

-- Key export is a separately authorized capability, off by default.
ALTER TABLE apps ADD COLUMN allow_export boolean NOT NULL DEFAULT false;

ALTER TABLE wallets ADD COLUMN imported_at timestamptz NULL;
ALTER TABLE wallets ADD COLUMN exported_at timestamptz NULL;
