-- Users (Privy's /v1/users) with custom_auth linked accounts, the JWT issuer each app's users
-- authenticate with, users as key quorum members, and the user sessions the enclave minted
-- (POST /v1/wallets/authenticate). Every read is scoped to the app.

-- The JWT issuer (iss) of an app's users. The enclave accepts JWTs only from issuers on its own
-- measured command line (--jwt-issuer, with the audience and JWKS URL); this row only says which
-- of them the app's users belong to, and every user member sealed into a wallet carries it.
CREATE TABLE app_jwt_issuers (
    app_id     text        PRIMARY KEY REFERENCES apps (id),
    issuer     text        NOT NULL CHECK (length(issuer) BETWEEN 1 AND 512),
    updated_at timestamptz NOT NULL
);

CREATE TABLE users (
    id         text        PRIMARY KEY,
    app_id     text        NOT NULL REFERENCES apps (id),
    created_at timestamptz NOT NULL
);

CREATE INDEX users_app_created_idx ON users (app_id, created_at, id);

-- Linked accounts: only custom_auth (the JWT subject) so far, one per user.
CREATE TABLE user_linked_accounts (
    user_id        text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    app_id         text        NOT NULL REFERENCES apps (id),
    type           text        NOT NULL CHECK (type = 'custom_auth'),
    custom_user_id text        NOT NULL CHECK (length(custom_user_id) BETWEEN 1 AND 256),
    verified_at    timestamptz NOT NULL,
    latest_verified_at timestamptz NULL,
    PRIMARY KEY (user_id, type),
    UNIQUE (app_id, type, custom_user_id)
);

-- Users as key quorum members (Privy's user_ids), in request order. A user who is a member of a
-- quorum cannot be deleted (no cascade).
CREATE TABLE key_quorum_users (
    quorum_id text    NOT NULL REFERENCES key_quorums (id) ON DELETE CASCADE,
    position  integer NOT NULL CHECK (position >= 0),
    user_id   text    NOT NULL REFERENCES users (id),
    PRIMARY KEY (quorum_id, position),
    UNIQUE (quorum_id, user_id)
);

CREATE INDEX key_quorum_users_user_idx ON key_quorum_users (user_id);

-- Sessions the enclave minted: session is the serialized UserSession (statement + MAC) sent back
-- to the enclave with each request the session key signs. The MAC is the enclave's: rows here
-- cannot be forged or altered into anything the enclave accepts. Rows past expires_at are dead.
CREATE TABLE user_sessions (
    id         bigserial   PRIMARY KEY,
    app_id     text        NOT NULL REFERENCES apps (id),
    issuer     text        NOT NULL,
    subject    text        NOT NULL,
    public_key bytea       NOT NULL,
    session    bytea       NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX user_sessions_lookup_idx ON user_sessions (app_id, issuer, subject, expires_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON app_jwt_issuers, users, user_linked_accounts
    TO ${serviceRole};
GRANT SELECT, INSERT, DELETE ON key_quorum_users, user_sessions TO ${serviceRole};
GRANT USAGE ON SEQUENCE user_sessions_id_seq TO ${serviceRole};
