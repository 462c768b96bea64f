package io.nitrosign.wire;

import com.google.protobuf.ByteString;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.EnclaveState;
import io.nitrosign.proto.v1.GenerateKeyRequest;
import io.nitrosign.proto.v1.HealthRequest;
import io.nitrosign.proto.v1.HealthResponse;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test handler. Health: answers at once. Sign: echoes the digest after a random delay of 0-5 ms,
 * so responses leave out of order. GenerateKey with wallet id "hang": never answers; "throw":
 * throws; "fail": fails its future.
 */
final class TestHandler implements RequestHandler, AutoCloseable {

  final ConcurrentLinkedQueue<CompletableFuture<EnclaveResponse>> hanging =
      new ConcurrentLinkedQueue<>();
  private final ScheduledExecutorService delays = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "test-handler-delays");
    t.setDaemon(true);
    return t;
  });

  static EnclaveRequest.Builder health() {
    return EnclaveRequest.newBuilder().setHealth(HealthRequest.getDefaultInstance());
  }

  static EnclaveRequest.Builder sign(long n) {
    byte[] digest = ByteBuffer.allocate(32).putLong(24, n).array();
    return EnclaveRequest.newBuilder()
        .setSign(SignRequest.newBuilder().setDigest(ByteString.copyFrom(digest)));
  }

  static long signedNumber(EnclaveResponse response) {
    return response.getSign().getDigest().asReadOnlyByteBuffer().getLong(24);
  }

  static EnclaveRequest.Builder generateKey(String walletId) {
    return EnclaveRequest.newBuilder()
        .setGenerateKey(GenerateKeyRequest.newBuilder().setWalletId(walletId));
  }

  @Override
  public CompletableFuture<EnclaveResponse> handle(EnclaveRequest request) {
    switch (request.getBodyCase()) {
      case HEALTH:
        return CompletableFuture.completedFuture(EnclaveResponse.newBuilder()
            .setHealth(HealthResponse.newBuilder().setState(EnclaveState.READY)
                .setVersion("test"))
            .build());
      case SIGN: {
        CompletableFuture<EnclaveResponse> f = new CompletableFuture<>();
        EnclaveResponse response = EnclaveResponse.newBuilder()
            .setSign(SignResponse.newBuilder().setDigest(request.getSign().getDigest())).build();
        delays.schedule(() -> f.complete(response), ThreadLocalRandom.current().nextInt(6),
            TimeUnit.MILLISECONDS);
        return f;
      }
      case GENERATE_KEY:
        switch (request.getGenerateKey().getWalletId()) {
          case "throw":
            throw new IllegalStateException("secret detail that must not leak");
          case "fail":
            return CompletableFuture.failedFuture(new IllegalStateException("secret detail"));
          default: {
            CompletableFuture<EnclaveResponse> f = new CompletableFuture<>();
            hanging.add(f);
            return f;
          }
        }
      default:
        return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }
  }

  @Override
  public void close() {
    delays.shutdownNow();
  }
}
