package io.nitrosign.devkit;

import io.nitrosign.parent.audit.AuditCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code ./appliance audit verify|export …} run in process against the local stack in
 * {@code home}, as the command runs it: local mode's database credentials, and its NSM root and
 * PCRs for the enclave's checkpoints.
 */
final class LocalAudit {

  private LocalAudit() {}

  /** The exit code and what the command printed. */
  record Result(int code, String out, String err) {}

  static Result run(Path home, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = AuditCli.run(Appliance.withLocalTrust(List.of(args), Map.of(), home), Map.of(),
        () -> Appliance.localDatabase(home), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }
}
