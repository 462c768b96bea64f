-- One hash chain per parent host (docs/architecture.md, "Audit chain and several hosts"): each
-- host appends to its own chain under its own advisory lock, so hosts no longer serialize on one
-- chain head. Rows written before this migration keep chain '' (the legacy single chain, hashed
-- with the version 1 encoding); rows of a named chain are hashed with version 2, which binds the
-- chain's name (AuditChain.java).
--
-- ADD COLUMN with a constant default only updates the catalog (no row is rewritten), so the
-- append-only trigger (BEFORE UPDATE OR DELETE, V1) does not fire and stays in force.
ALTER TABLE audit_log ADD COLUMN chain text NOT NULL DEFAULT ''
    CHECK (chain = '' OR chain ~ '^[A-Za-z0-9._-]{1,64}$');

-- a chain's head (WHERE chain = :c ORDER BY id DESC LIMIT 1) and a chain's rows in order
CREATE INDEX audit_log_chain_idx ON audit_log (chain, id);
