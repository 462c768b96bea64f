-- Key quorums (Privy's /v1/key_quorums): M-of-N sets of P-256 authorization keys and nested
-- quorums (one level deep), used as wallet owners and additional signers. Every read is scoped to
-- the app; ids come from the same generator as wallet ids.
CREATE TABLE key_quorums (
    id                      text        PRIMARY KEY,
    app_id                  text        NOT NULL REFERENCES apps (id),
    display_name            text        NULL CHECK (length(display_name) <= 50),
    authorization_threshold integer     NOT NULL CHECK (authorization_threshold >= 1),
    -- Serialized io.nitrosign.proto.v1.KeyQuorum whose signatures a change or deletion of this
    -- quorum needs (as in Privy: the quorum itself, as of its last change); NULL = none.
    owner                   bytea       NULL,
    created_at              timestamptz NOT NULL,
    updated_at              timestamptz NOT NULL
);

CREATE INDEX key_quorums_app_idx ON key_quorums (app_id, created_at, id);

-- The quorum's P-256 authorization keys, in request order.
CREATE TABLE key_quorum_keys (
    quorum_id    text    NOT NULL REFERENCES key_quorums (id) ON DELETE CASCADE,
    position     integer NOT NULL CHECK (position >= 0),
    -- DER SubjectPublicKeyInfo of a P-256 key.
    public_key   bytea   NOT NULL,
    display_name text    NULL,
    PRIMARY KEY (quorum_id, position)
);

-- Nested quorums: each child counts as one member of the parent. One level deep: a child has no
-- children of its own (checked by the parent host).
CREATE TABLE key_quorum_children (
    parent_id text NOT NULL REFERENCES key_quorums (id) ON DELETE CASCADE,
    child_id  text NOT NULL REFERENCES key_quorums (id),
    position  integer NOT NULL CHECK (position >= 0),
    PRIMARY KEY (parent_id, child_id),
    CHECK (parent_id <> child_id)
);

CREATE INDEX key_quorum_children_child_idx ON key_quorum_children (child_id);

-- Wallet ownership as the API shows it. The authority the enclave enforces is the serialized
-- WalletAuthority in wallets.owner (bound into the sealed shares); these columns are its REST view.
-- owner_id: the key quorum given as owner_id; NULL for app-owned wallets and for owner: {public_key}.
ALTER TABLE wallets ADD COLUMN owner_id text NULL REFERENCES key_quorums (id);
ALTER TABLE wallets ADD COLUMN policy_ids text[] NOT NULL DEFAULT '{}';

CREATE INDEX wallets_owner_idx ON wallets (owner_id) WHERE owner_id IS NOT NULL;

CREATE TABLE wallet_additional_signers (
    wallet_id           text    NOT NULL REFERENCES wallets (id),
    position            integer NOT NULL CHECK (position >= 0),
    signer_id           text    NOT NULL REFERENCES key_quorums (id),
    override_policy_ids text[]  NOT NULL DEFAULT '{}',
    PRIMARY KEY (wallet_id, position),
    UNIQUE (wallet_id, signer_id)
);

CREATE INDEX wallet_additional_signers_signer_idx ON wallet_additional_signers (signer_id);
