package io.nitrosign.parent.policy;

import io.nitrosign.parent.api.ApiException;
import io.nitrosign.parent.wallet.WalletCursor;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code limit} and {@code cursor} query parameters, as {@code GET /v1/wallets} reads them, and
 * the keyset pages they select: every listing of policies, condition sets, aggregations and items
 * pages the same way, so it is written once here.
 */
final class Paging {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 100;

  private Paging() {}

  /** A row a page is cut after: its (created_at, id) is the next page's cursor. */
  interface Row {
    String id();

    Instant createdAt();
  }

  /** The rows of one page, and the cursor of the next ({@code null} when this is the last). */
  record Slice<R>(List<R> rows, String next) {

    <V> Views.Page<V> page(Function<? super R, V> view) {
      return new Views.Page<>(views(view), next);
    }

    <V> List<V> views(Function<? super R, V> view) {
      return rows.stream().<V>map(view).toList();
    }
  }

  /**
   * The page the parameters select: {@code read} is given the cursor (null for the first page)
   * and one more than the limit, so a longer answer says that another page follows.
   */
  static <R extends Row> Slice<R> slice(String limitParam, String cursorParam,
      BiFunction<WalletCursor, Integer, List<R>> read) {
    int limit = limit(limitParam);
    WalletCursor after = cursor(cursorParam);
    List<R> rows = read.apply(after, limit + 1);
    if (rows.size() <= limit) {
      return new Slice<>(rows, null);
    }
    R last = rows.get(limit - 1);
    return new Slice<>(rows.subList(0, limit),
        new WalletCursor(last.createdAt(), last.id()).encode());
  }

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
