package io.nitrosign.devkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to start one of the system's JVMs: a class path and a main class. The launcher uses the
 * built jars (whose manifests carry their {@code lib/} class path); the end-to-end tests use the
 * test class path, so both run the same main classes the same way.
 */
public record JavaProgram(String classPath, String mainClass) {

  /** Command line for {@code java} with the given JVM options and program arguments. */
  public List<String> command(List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  public static final String ENCLAVE_MAIN = "io.nitrosign.enclave.EnclaveMain";
  public static final String PARENT_MAIN = "io.nitrosign.parent.ParentHostApplication";
  public static final String POSTGRES_MAIN = "io.nitrosign.devkit.LocalPostgresMain";
  public static final String KMS_MAIN = "io.nitrosign.devkit.kms.LocalKmsMain";
  public static final String JWT_ISSUER_MAIN = "io.nitrosign.devkit.jwt.DevIssuerMain";
  public static final String SUPERVISOR_MAIN = "io.nitrosign.devkit.Supervisor";
  public static final String NSM_CA_MAIN = "io.nitrosign.enclave.nsm.SimulatedNsmCa";
}
