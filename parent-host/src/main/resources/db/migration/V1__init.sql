-- nitrosign parent host: initial schema. Plain SQL; applied by Flyway at startup and by create-app.

CREATE TABLE apps (
    id             text        PRIMARY KEY,
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    -- App secrets are 256-bit random values, so a salted SHA-256 (not a slow password hash) is
    -- the right tool: salt = 16 random bytes, secret_hash = SHA-256(secret_salt || secret).
    secret_salt    bytea       NOT NULL CHECK (length(secret_salt) = 16),
    secret_hash    bytea       NOT NULL CHECK (length(secret_hash) = 32),
    created_at     timestamptz NOT NULL,
    disabled       boolean     NOT NULL DEFAULT false,
    -- Raw digest signing (secp256k1_sign) is a separately authorized method, off by default.
    allow_raw_sign boolean     NOT NULL DEFAULT false
);

CREATE TABLE wallets (
    id          text        PRIMARY KEY,
    app_id      text        NOT NULL REFERENCES apps (id),
    chain_type  text        NOT NULL,
    curve       text        NOT NULL,
    public_key  bytea       NOT NULL,
    address     text        NOT NULL,
    owner       bytea       NULL,
    key_version integer     NOT NULL,
    created_at  timestamptz NOT NULL
);

CREATE INDEX wallets_app_created_idx ON wallets (app_id, created_at, id);

CREATE TABLE wallet_shares (
    wallet_id   text    NOT NULL REFERENCES wallets (id),
    kind        text    NOT NULL CHECK (kind IN ('auth', 'exec')),
    key_version integer NOT NULL,
    nonce       bytea   NOT NULL,
    ciphertext  bytea   NOT NULL,
    PRIMARY KEY (wallet_id, kind)
);

-- Append-only, hash-chained audit log.
-- row_hash = SHA-256(prev_hash || canonical encoding of the row); see AuditChain.java.
-- Appends are serialized with pg_advisory_xact_lock so the chain never forks.
CREATE TABLE audit_log (
    id          bigserial   PRIMARY KEY,
    occurred_at timestamptz NOT NULL,
    app_id      text        NULL,
    wallet_id   text        NULL,
    action      text        NOT NULL,
    outcome     text        NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'rejected')),
    error_code  text        NULL,
    -- JSON text written by the parent (method, digest hex, ...); never message bodies, secrets or
    -- key material. Kept as text, not jsonb, so the hashed bytes are exactly the stored bytes.
    detail      text        NOT NULL,
    prev_hash   bytea       NOT NULL CHECK (length(prev_hash) = 32),
    row_hash    bytea       NOT NULL CHECK (length(row_hash) = 32)
);

CREATE INDEX audit_log_wallet_idx ON audit_log (wallet_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END;
$$;

CREATE TRIGGER audit_log_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
