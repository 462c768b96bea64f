package io.nitrosign.parent.sealing;

import io.dropwizard.servlets.tasks.Task;
import io.nitrosign.parent.enclave.EnclaveCallException;
import io.nitrosign.parent.wallet.WalletResealer;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Admin-port tasks (POST http://127.0.0.1:ADMIN/tasks/NAME), for operators:
 * {@code rotate-sealing-keys} creates a new sealing-key version (new wallets use it; old shares
 * still open); {@code reseal-wallets} moves every wallet to the current version.
 */
public final class SealingTasks {

  private SealingTasks() {}

  public static Task rotate(EnclaveBootstrapper bootstrapper) {
    return new Task("rotate-sealing-keys") {
      @Override
      public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        try {
          output.println("{\"version\":" + bootstrapper.rotate() + "}");
        } catch (EnclaveCallException | IllegalStateException e) {
          output.println("{\"error\":\"" + e.getMessage() + "\"}");
        }
      }
    };
  }

  public static Task reseal(WalletResealer resealer) {
    return new Task("reseal-wallets") {
      @Override
      public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        try {
          WalletResealer.Result r = resealer.resealAll();
          output.println("{\"version\":" + r.currentVersion() + ",\"resealed\":" + r.resealed()
              + ",\"failed\":" + r.failed() + "}");
        } catch (IllegalStateException e) {
          output.println("{\"error\":\"" + e.getMessage() + "\"}");
        }
      }
    };
  }
}
