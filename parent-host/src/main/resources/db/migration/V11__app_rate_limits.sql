-- Per-app rate limits: a token bucket per app on each parent host (RateLimitFilter.java).
-- rate_limit_per_second: tokens added per second; rate_limit_burst: the bucket's size (the most
-- requests an idle app may send at once). Both NULL: the parent configuration's default
-- (rateLimit.defaultPerSecond / defaultBurst) applies. Set with create-app --rate-limit-per-second
-- / --rate-limit-burst, or the admin task app-rate-limit.
ALTER TABLE apps
    ADD COLUMN rate_limit_per_second double precision NULL
        CHECK (rate_limit_per_second > 0 AND rate_limit_per_second <= 1000000),
    ADD COLUMN rate_limit_burst integer NULL
        CHECK (rate_limit_burst >= 1 AND rate_limit_burst <= 1000000),
    ADD CONSTRAINT apps_rate_limit_both_or_neither
        CHECK ((rate_limit_per_second IS NULL) = (rate_limit_burst IS NULL));

-- New columns of an existing table fall under its table-level grants (V5: SELECT, INSERT, UPDATE
-- on apps); granted again here so that this migration states what the service needs.
GRANT SELECT, INSERT, UPDATE ON apps TO ${serviceRole};
