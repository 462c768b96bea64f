package io.nitrosign.parent.app;

import java.time.Instant;

/** An API client (Privy's "app"). The secret's salt and hash never leave the store layer. */
public record App(String id, String name, Instant createdAt, boolean disabled, boolean allowRawSign,
    boolean allowExport) {}
