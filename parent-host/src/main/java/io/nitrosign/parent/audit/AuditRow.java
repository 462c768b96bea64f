package io.nitrosign.parent.audit;

import java.time.Instant;

/** One stored audit row, as read back for verification. */
public record AuditRow(long id, Instant occurredAt, String appId, String walletId, String action,
    String outcome, String errorCode, String detail, byte[] prevHash, byte[] rowHash) {}
