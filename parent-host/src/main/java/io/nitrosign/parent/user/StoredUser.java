package io.nitrosign.parent.user;

import java.time.Instant;

/**
 * A user of an app and its one linked account, of type {@code custom_auth}: the subject
 * ({@code sub}) of the JWTs the user authenticates with.
 */
public record StoredUser(String id, String appId, String customUserId, Instant createdAt,
    Instant latestVerifiedAt) {}
