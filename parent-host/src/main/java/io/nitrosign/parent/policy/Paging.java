package io.nitrosign.parent.policy;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.wallet.WalletCursor;

/** {@code limit} and {@code cursor} query parameters, as {@code GET /v1/wallets} reads them. */
final class Paging {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 100;

  private Paging() {}

  static int limit(String param) {
    if (param == null) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(param.trim());
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw ApiException.invalidRequest("limit must be an integer from 1 to " + MAX_LIMIT);
    }
    return limit;
  }

  static WalletCursor cursor(String param) {
    return param == null || param.isEmpty() ? null : WalletCursor.decode(param);
  }
}
