-- Audit checkpoints: the enclave's per-boot response key signs "audit_log row seq has row_hash"
-- (io.nitrosign.chains.AuditCheckpointMessage). audit verify checks each against the row and the
-- key's attestation document, so rewriting history up to a checkpoint needs the enclave, not just
-- the database owner (docs/architecture.md, "Audit checkpoints").
CREATE TABLE audit_checkpoint_keys (
    -- the response key (SEC1 uncompressed P-256) and the NSM document that attests it
    -- (purpose RESPONSE_KEY), stored once per enclave boot
    public_key           bytea PRIMARY KEY CHECK (length(public_key) = 65),
    attestation_document bytea NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_checkpoints (
    seq        bigint PRIMARY KEY CHECK (seq > 0),
    row_hash   bytea NOT NULL CHECK (length(row_hash) = 32),
    signature  bytea NOT NULL CHECK (length(signature) = 64),
    public_key bytea NOT NULL REFERENCES audit_checkpoint_keys (public_key),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- append-only for the service, as audit_log: no UPDATE, no DELETE
GRANT SELECT, INSERT ON audit_checkpoint_keys, audit_checkpoints TO ${serviceRole};

-- and append-only for everyone short of the owner disabling the triggers, as audit_log (V1)
CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TRIGGER audit_checkpoints_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate
    BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoint_keys_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_checkpoint_keys
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only();
CREATE TRIGGER audit_checkpoint_keys_no_truncate
    BEFORE TRUNCATE ON audit_checkpoint_keys
    FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only();
