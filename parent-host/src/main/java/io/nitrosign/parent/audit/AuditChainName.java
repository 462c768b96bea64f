package io.nitrosign.parent.audit;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jdbi.v3.core.config.JdbiConfig;

/**
 * The name of the audit hash chain a parent host appends to ({@code audit.chain} in its YAML,
 * default the machine's hostname): each host has a chain of its own, so hosts do not serialize on
 * one chain head (docs/architecture.md, "Audit chain and several hosts"). 1 to 64 characters of
 * {@code [A-Za-z0-9._-]}. Two hosts given the same name share the chain and its lock: still
 * correct, only serialized as one chain is.
 *
 * <p>The empty name is the legacy chain (rows written before per-host chains); nothing appends to
 * it any more, so it is not a valid name here.
 */
public record AuditChainName(String value) {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  public AuditChainName {
    if (value == null || !VALID.matcher(value).matches()) {
      throw new IllegalArgumentException("an audit chain name is 1 to 64 characters of"
          + " [A-Za-z0-9._-]" + (value == null ? "" : ", not '" + value + "'"));
    }
  }

  /** Whether {@code value} is a valid name. */
  public static boolean isValid(String value) {
    return value != null && VALID.matcher(value).matches();
  }

  /**
   * The default: this machine's hostname (one EC2 instance, one host, one chain), reduced to the
   * allowed characters and 64 of them; {@code localhost} when the name cannot be found.
   */
  public static AuditChainName ofHost() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = System.getenv().getOrDefault("HOSTNAME", "");
    }
    String cleaned = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    if (cleaned.length() > 64) {
      cleaned = cleaned.substring(0, 64);
    }
    return new AuditChainName(cleaned.isEmpty() ? "localhost" : cleaned);
  }

  /**
   * The key of the transaction advisory lock that serializes appends to this chain: the first 8
   * bytes of SHA-256("nitrosign.audit.chain." + name). A 64-bit hash of a tagged name, so it is
   * not one of the small constant keys used elsewhere ({@code pg_advisory}: the sealing key lock,
   * the legacy append lock), and two chains share a lock only by a 2^-64 accident (which would
   * serialize them, nothing worse).
   */
  public long lockKey() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(("nitrosign.audit.chain." + value).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest, 0, 8).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return value;
  }

  /**
   * The chain a {@link org.jdbi.v3.core.Jdbi} appends to, set once where the host builds its Jdbi
   * ({@code jdbi.getConfig(AuditChainName.Config.class).set(name)}); every handle inherits it, so
   * the managers that append in their own transactions ({@link AuditStore#AuditStore(
   * org.jdbi.v3.core.Handle, java.time.Clock)}) append to the host's chain without each being
   * handed the name. Unset, it is the hostname, as the configuration's default.
   */
  public static final class Config implements JdbiConfig<Config> {
    private volatile AuditChainName chain;

    public Config() {}

    private Config(Config other) {
      this.chain = other.chain;
    }

    public Config set(AuditChainName chain) {
      this.chain = java.util.Objects.requireNonNull(chain);
      return this;
    }

    public AuditChainName get() {
      AuditChainName c = chain;
      if (c == null) {
        c = HostDefault.NAME;
      }
      return c;
    }

    @Override
    public Config createCopy() {
      return new Config(this);
    }
  }

  private static final class HostDefault {
    static final AuditChainName NAME = ofHost();
  }
}
