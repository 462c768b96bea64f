-- Policies (Privy's /v1/policies), condition sets (/v1/condition_sets) and aggregations
-- (/v1/aggregations), and which wallets they govern. Every read is scoped to the app; ids come
-- from the same generator as wallet ids. What a rule or aggregation says is validated by the
-- policy module before it is stored here, and parsed again (cached by id and revision) when a
-- request is evaluated.

-- A policy: version "1.0", a name, the chain type of the wallets it can govern, an optional
-- owner (a key quorum whose signatures every change needs).
CREATE TABLE policies (
    id         text        PRIMARY KEY,
    app_id     text        NOT NULL REFERENCES apps (id),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    chain_type text        NOT NULL,
    version    text        NOT NULL,
    owner_id   text        NULL REFERENCES key_quorums (id),
    -- Bumped by every change of the policy or of its rules: parsed policies are cached by
    -- (id, revision), so a cached copy is never used after a change.
    revision   integer     NOT NULL DEFAULT 1 CHECK (revision >= 1),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX policies_app_created_idx ON policies (app_id, created_at, id);
CREATE INDEX policies_owner_idx ON policies (owner_id) WHERE owner_id IS NOT NULL;

-- The policy's rules in order. conditions: the JSON array of the rule's conditions exactly as the
-- policy module validated and returns them (text, not jsonb: the bytes stored are the bytes shown).
CREATE TABLE policy_rules (
    id         text    PRIMARY KEY,
    policy_id  text    NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 0),
    name       text    NOT NULL,
    method     text    NOT NULL,
    action     text    NOT NULL CHECK (action IN ('ALLOW', 'DENY')),
    conditions text    NOT NULL,
    UNIQUE (policy_id, position)
);

-- Condition sets: named sets of values (allowlists of addresses, ...) that conditions test with
-- in_condition_set.
CREATE TABLE condition_sets (
    id         text        PRIMARY KEY,
    app_id     text        NOT NULL REFERENCES apps (id),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    owner_id   text        NULL REFERENCES key_quorums (id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX condition_sets_app_created_idx ON condition_sets (app_id, created_at, id);
CREATE INDEX condition_sets_owner_idx ON condition_sets (owner_id) WHERE owner_id IS NOT NULL;

-- value as given; value_norm as looked up (Values.normalizeItem: Ethereum addresses lower-cased).
-- The unique index is also the lookup index of in_condition_set.
CREATE TABLE condition_set_items (
    id               text        PRIMARY KEY,
    condition_set_id text        NOT NULL REFERENCES condition_sets (id) ON DELETE CASCADE,
    value            text        NOT NULL CHECK (length(value) BETWEEN 1 AND 1024),
    value_norm       text        NOT NULL,
    created_at       timestamptz NOT NULL,
    UNIQUE (condition_set_id, value_norm)
);

CREATE INDEX condition_set_items_page_idx ON condition_set_items (condition_set_id, created_at, id);

-- Aggregations (spending limits): definition is the JSON object the policy module validated
-- ({name, method, metric, window, conditions?, group_by?}).
CREATE TABLE aggregations (
    id         text        PRIMARY KEY,
    app_id     text        NOT NULL REFERENCES apps (id),
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
    owner_id   text        NULL REFERENCES key_quorums (id),
    definition text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX aggregations_app_created_idx ON aggregations (app_id, created_at, id);
CREATE INDEX aggregations_owner_idx ON aggregations (owner_id) WHERE owner_id IS NOT NULL;

-- What rules and aggregations reference through their conditions, written with them: a condition
-- set or aggregation that something references cannot be deleted (foreign keys, no cascade).
CREATE TABLE policy_rule_condition_sets (
    rule_id          text NOT NULL REFERENCES policy_rules (id) ON DELETE CASCADE,
    condition_set_id text NOT NULL REFERENCES condition_sets (id),
    PRIMARY KEY (rule_id, condition_set_id)
);

CREATE INDEX policy_rule_condition_sets_set_idx ON policy_rule_condition_sets (condition_set_id);

CREATE TABLE policy_rule_aggregations (
    rule_id        text NOT NULL REFERENCES policy_rules (id) ON DELETE CASCADE,
    aggregation_id text NOT NULL REFERENCES aggregations (id),
    PRIMARY KEY (rule_id, aggregation_id)
);

CREATE INDEX policy_rule_aggregations_aggregation_idx ON policy_rule_aggregations (aggregation_id);

CREATE TABLE aggregation_condition_sets (
    aggregation_id   text NOT NULL REFERENCES aggregations (id) ON DELETE CASCADE,
    condition_set_id text NOT NULL REFERENCES condition_sets (id),
    PRIMARY KEY (aggregation_id, condition_set_id)
);

CREATE INDEX aggregation_condition_sets_set_idx ON aggregation_condition_sets (condition_set_id);

-- A wallet's policies in attachment order, and the policies that replace them when an additional
-- signer signs. These replace V3's text[] columns (which could hold no foreign key, and were
-- always empty: policy ids were refused until now), so an attached policy cannot be deleted.
CREATE TABLE wallet_policies (
    wallet_id text    NOT NULL REFERENCES wallets (id),
    policy_id text    NOT NULL REFERENCES policies (id),
    position  integer NOT NULL CHECK (position >= 0),
    PRIMARY KEY (wallet_id, policy_id),
    UNIQUE (wallet_id, position)
);

CREATE INDEX wallet_policies_policy_idx ON wallet_policies (policy_id);

CREATE TABLE wallet_signer_policies (
    wallet_id text    NOT NULL,
    signer_id text    NOT NULL,
    policy_id text    NOT NULL REFERENCES policies (id),
    position  integer NOT NULL CHECK (position >= 0),
    PRIMARY KEY (wallet_id, signer_id, policy_id),
    UNIQUE (wallet_id, signer_id, position),
    FOREIGN KEY (wallet_id, signer_id)
        REFERENCES wallet_additional_signers (wallet_id, signer_id) ON DELETE CASCADE
);

CREATE INDEX wallet_signer_policies_policy_idx ON wallet_signer_policies (policy_id);

ALTER TABLE wallets DROP COLUMN policy_ids;
ALTER TABLE wallet_additional_signers DROP COLUMN override_policy_ids;

-- The service role (V5): DML only, what the API needs.
GRANT SELECT, INSERT, UPDATE, DELETE ON policies, policy_rules, condition_sets, aggregations
    TO ${serviceRole};
GRANT SELECT, INSERT, DELETE ON condition_set_items, policy_rule_condition_sets,
    policy_rule_aggregations, aggregation_condition_sets, wallet_policies, wallet_signer_policies
    TO ${serviceRole};
