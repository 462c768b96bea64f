package io.nitrosign.policy;

import io.nitrosign.policy.payload.Payload;

/**
 * What is evaluated: the RPC {@code method} (Privy's name: {@code eth_signTransaction},
 * {@code personal_sign}, {@code signTransaction}, ...), the wallet's chain type, its decoded
 * payload and the evaluation time ({@code system.current_unix_timestamp}).
 */
public record PolicyRequest(String method, String chainType, Payload payload, long nowEpochSeconds) {}
