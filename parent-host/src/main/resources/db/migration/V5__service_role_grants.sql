-- Least privilege for the service. Migrations run as the schema owner (migrationDatabase:);
-- the service connects as ${serviceRole} (database.user), a login role created outside the
-- migrations with its password (local mode: LocalPostgresMain; AWS: the parent host's
-- "migrate" command at boot). No password ever appears here.
--
-- The service gets DML only: no DDL (it owns nothing, so it cannot ALTER, DROP or disable the
-- audit triggers), and on audit_log only INSERT and SELECT: no UPDATE, DELETE or TRUNCATE even
-- without the triggers. Every later migration that adds a table grants what the service needs.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${serviceRole}') THEN
        RAISE EXCEPTION 'role ${serviceRole} does not exist: create the service''s login role'
            ' before migrating (docs/production.md, "Database roles")';
    END IF;
END
$$;

-- Tables created in the public schema by anyone but the owner: not the service.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO ${serviceRole};

GRANT SELECT, INSERT ON audit_log TO ${serviceRole};
GRANT USAGE ON SEQUENCE audit_log_id_seq TO ${serviceRole};

GRANT SELECT, INSERT, UPDATE ON apps, wallets, wallet_shares TO ${serviceRole};
GRANT SELECT, INSERT ON sealing_keys TO ${serviceRole};
GRANT SELECT, INSERT, UPDATE, DELETE ON key_quorums TO ${serviceRole};
GRANT SELECT, INSERT, DELETE ON key_quorum_keys, key_quorum_children, wallet_additional_signers,
    used_authorizations TO ${serviceRole};
-- Flyway, run by a service that starts with migrateOnStart and no migrationDatabase, only reads
-- its history: a no-op when the schema is current, permission denied when a migration is pending.
GRANT SELECT ON flyway_schema_history TO ${serviceRole};
