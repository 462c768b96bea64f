package io.nitrosign.devkit.jwt;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * LOCAL MODE ONLY: runs the devkit JWT issuer's HTTPS server.
 *
 * <pre>
 * DevIssuerMain serve --state-dir DIR --port N [--ready-file FILE]
 * </pre>
 *
 * Loads (or makes) the issuer in {@code DIR} ({@link DevIssuer#loadOrCreate}), listens on
 * 127.0.0.1:N (0 picks a port), writes the port to {@code --ready-file} once it accepts
 * connections, and runs until SIGTERM. {@code ./appliance local up} starts it before the enclave.
 */
public final class DevIssuerMain {

  private DevIssuerMain() {}

  public static void main(String[] args) throws Exception {
    Path state = null;
    Integer port = null;
    Path ready = null;
    try {
      if (args.length == 0 || !args[0].equals("serve")) {
        throw new IllegalArgumentException("the command is serve");
      }
      for (int i = 1; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option " + args[i] + " needs a value");
        }
        switch (args[i]) {
          case "--state-dir" -> state = Path.of(args[i + 1]);
          case "--port" -> port = Integer.parseInt(args[i + 1]);
          case "--ready-file" -> ready = Path.of(args[i + 1]);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (state == null || port == null || port < 0 || port > 65535) {
        throw new IllegalArgumentException("--state-dir and --port are required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("jwt-issuer: " + e.getMessage());
      System.err.println("usage: DevIssuerMain serve --state-dir DIR --port N [--ready-file FILE]");
      System.exit(2);
      return;
    }
    DevIssuer issuer = DevIssuer.loadOrCreate(state);
    DevIssuerServer server = DevIssuerServer.start(issuer, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "jwt-issuer-stop"));
    if (ready != null) {
      Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
      Files.writeString(tmp, Integer.toString(server.port()), StandardCharsets.UTF_8);
      Files.move(tmp, ready, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    System.out.println("devkit JWT issuer (LOCAL MODE ONLY) " + DevIssuer.ISSUER + " serving "
        + DevIssuerServer.jwksUrl(server.port()) + "; kids ES256 " + issuer.kid(DevIssuer.Alg.ES256)
        + ", RS256 " + issuer.kid(DevIssuer.Alg.RS256));
    stopped.await();
  }
}
