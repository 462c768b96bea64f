package io.nitrosign.parent.audit;

import java.time.Instant;

/**
 * One stored audit row, as read back for verification. {@code chain} is the parent host's chain
 * it belongs to ({@link AuditChain#LEGACY} for rows written before per-host chains).
 */
public record AuditRow(long id, String chain, Instant occurredAt, String appId, String walletId,
    String action, String outcome, String errorCode, String detail, byte[] prevHash,
    byte[] rowHash) {}
