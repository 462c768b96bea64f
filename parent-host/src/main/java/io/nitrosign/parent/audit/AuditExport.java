package io.nitrosign.parent.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * {@code ./appliance audit export}: the audit log as JSON lines, one object per row in id order
 * (all chains interleaved), streamed (one row in memory at a time).
 *
 * <p>Every line has the same keys, {@code null} where a row has no such thing:
 * {@code seq} (the row id, unique across chains), {@code chain} (the parent host's chain the row
 * belongs to; {@code ""} for rows written before per-host chains), {@code at} (ISO-8601 UTC,
 * microseconds), {@code action},
 * {@code app_id}, {@code wallet_id}, {@code method}, {@code outcome} ({@code succeeded},
 * {@code failed}, {@code rejected}), {@code error_code}, {@code idempotency_key},
 * {@code signature} (what a succeeded signing request released), {@code policy} (the policy
 * decision), {@code detail} (the row's whole detail object), {@code hash} and {@code prev_hash}
 * (lowercase hex; {@code prev_hash} is the hash of the previous row <em>of the same chain</em>).
 * {@code method}, {@code idempotency_key}, {@code signature} and {@code policy}
 * are read from the row's detail, where the parent records them; a log written before a field was
 * recorded has {@code null} there.
 */
public final class AuditExport {

  /** Which rows: after a sequence number, from a time on, or all. */
  public record Since(Long afterSeq, Instant from) {
    public static final Since ALL = new Since(null, null);

    /**
     * Parses {@code --since}: digits are a sequence number (rows after it: pass the last
     * {@code seq} exported to continue without repeats); anything else an ISO-8601 time with an
     * offset, or a date (UTC midnight), meaning rows at or after it.
     *
     * @throws IllegalArgumentException when it is neither
     */
    public static Since parse(String text) {
      String t = text.trim();
      if (t.matches("[0-9]{1,18}")) {
        return new Since(Long.parseLong(t), null);
      }
      try {
        return new Since(null, OffsetDateTime.parse(t).toInstant());
      } catch (DateTimeParseException e) {
        try {
          return new Since(null, java.time.LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC)
              .toInstant());
        } catch (DateTimeParseException e2) {
          throw new IllegalArgumentException("--since takes a sequence number or an ISO-8601"
              + " time such as 2025-01-31T12:00:00Z");
        }
      }
    }
  }

  private static final HexFormat HEX = HexFormat.of();

  private final ObjectMapper json;

  public AuditExport(ObjectMapper json) {
    this.json = json;
  }

  /** Writes the rows {@code since} selects to {@code out}, one JSON object a line; returns how many. */
  public long write(Connection c, Since since, OutputStream out) throws SQLException, IOException {
    String sql = AuditVerifier.SELECT
        + (since.afterSeq() != null ? " WHERE id > ?" : since.from() != null ? " WHERE occurred_at >= ?" : "")
        + " ORDER BY id";
    long[] count = {0};
    try (JsonGenerator gen = json.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
      gen.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      gen.setRootValueSeparator(null); // each line starts with its object, no separator

      AuditVerifier.forEachRow(c, sql, ps -> {
        if (since.afterSeq() != null) {
          ps.setLong(1, since.afterSeq());
        } else if (since.from() != null) {
          ps.setObject(1, since.from().atOffset(ZoneOffset.UTC));
        }
      }, row -> {
        try {
          writeRow(gen, row);
          gen.writeRaw('\n');
          count[0]++;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      gen.flush();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return count[0];
  }

  private void writeRow(JsonGenerator gen, AuditRow row) throws IOException {
    JsonNode detail = parse(row.detail());
    gen.writeStartObject();
    gen.writeNumberField("seq", row.id());
    gen.writeStringField("chain", row.chain());
    gen.writeStringField("at", row.occurredAt().toString());
    gen.writeStringField("action", row.action());
    gen.writeStringField("app_id", row.appId());
    gen.writeStringField("wallet_id", row.walletId());
    gen.writeObjectField("method", field(detail, "method"));
    gen.writeStringField("outcome", row.outcome());
    gen.writeStringField("error_code", row.errorCode());
    gen.writeObjectField("idempotency_key", field(detail, "idempotency_key"));
    gen.writeObjectField("signature", field(detail, "signature"));
    gen.writeObjectField("policy", field(detail, "policy"));
    gen.writeObjectField("detail", detail);
    gen.writeStringField("hash", HEX.formatHex(row.rowHash()));
    gen.writeStringField("prev_hash", HEX.formatHex(row.prevHash()));
    gen.writeEndObject();
  }

  /** The detail as JSON; a detail that is not JSON (never written by the parent) as a string. */
  private JsonNode parse(String detail) {
    try {
      return json.readTree(detail);
    } catch (JsonProcessingException e) {
      return json.getNodeFactory().textNode(detail);
    }
  }

  private static JsonNode field(JsonNode detail, String name) {
    JsonNode v = detail.isObject() ? detail.get(name) : null;
    return v == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : v;
  }
}
