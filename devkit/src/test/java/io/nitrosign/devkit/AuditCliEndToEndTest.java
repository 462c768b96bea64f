package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nitrosign.chains.ethereum.Keccak256;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./appliance audit verify|export} against the running system, with local mode's default
 * database (the URL {@code local up} wrote, as the service role): signatures made through the API
 * by the real enclave appear in the export exactly as the client received them, with the policy
 * decision, and the chain verifies.
 */
class AuditCliEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  // The EIP-155 example's signature (EthereumEndToEndTest.EIP155_SIGNED): r, s and v = 37, that is
  // recovery id 0, recorded as r || s || 27.
  private static final String EIP155_RSV = "0x"
      + "28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276"
      + "67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83" + "1b";


  private static String importKey(Path home, String keyHex) throws Exception {
    Path keyFile = Files.createTempFile(home, "audit-key", ".hex");
    Files.writeString(keyFile, keyHex);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = WalletImportCli.run(new String[] {"--key-file", keyFile.toString(),
        "--chain-type", "ethereum"}, home, java.io.InputStream.nullInputStream(),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    Files.delete(keyFile);
    assertEquals(0, code, err::toString);
    return JSON.readTree(out.toString()).get("id").asText();
  }

  @Test
  void signaturesTheClientReceivedAreInTheExportAndTheChainVerifies() throws Exception {
    SharedStack shared = SharedStack.get();
    Path home = shared.home();
    String cow = importKey(home, HEX.formatHex(Keccak256.hash("cow".getBytes(
        StandardCharsets.US_ASCII))));
    String eip155 = importKey(home, EthereumEndToEndTest.EIP155_KEY);

    Http.Reply typed = shared.http().send("POST", "/v1/wallets/" + cow + "/rpc", shared.auth(),
        "{\"method\":\"eth_signTypedData_v4\",\"params\":{\"typed_data\":"
            + EthereumEndToEndTest.MAIL + "}}", Map.of("privy-idempotency-key", "audit-e2e-mail-1"));
    assertEquals(200, typed.status(), () -> typed.raw().body());
    String received = typed.body().get("data").get("signature").asText();
    assertEquals(EthereumEndToEndTest.MAIL_SIGNATURE, received);

    Http.Reply tx = shared.http().post("/v1/wallets/" + eip155 + "/rpc", shared.auth(),
        "{\"method\":\"eth_signTransaction\",\"params\":" + EthereumEndToEndTest.EIP155_PARAMS
            + ",\"caip2\":\"eip155:1\"}");
    assertEquals(200, tx.status(), () -> tx.raw().body());
    assertEquals(EthereumEndToEndTest.EIP155_SIGNED,
        tx.body().get("data").get("signed_transaction").asText());

    Http.Reply bad = shared.http().post("/v1/wallets/" + eip155 + "/rpc", shared.auth(),
        "{\"method\":\"eth_signTransaction\",\"params\":{\"transaction\":\"0xzz\"}}");
    assertEquals(400, bad.status(), () -> bad.raw().body());

    LocalAudit.Result verify = LocalAudit.run(home, "verify");
    assertEquals(0, verify.code(), verify.out() + verify.err());
    assertTrue(verify.out().startsWith("audit log intact: "), verify.out());
    // local mode's first host appends to its own chain, named after it
    assertTrue(verify.out().lines().anyMatch(l -> l.startsWith("  chain 'parent-host': ")
        && l.contains(" rows, ids ") && l.contains(", head ")), verify.out());

    LocalAudit.Result export = LocalAudit.run(home, "export");
    assertEquals(0, export.code(), export.err());
    List<JsonNode> mine = new ArrayList<>();
    long lastSeq = 0;
    for (String line : export.out().split("\n")) {
      JsonNode j = JSON.readTree(line);
      assertTrue(j.get("seq").asLong() > lastSeq, "in id order");
      lastSeq = j.get("seq").asLong();
      if (List.of(cow, eip155).contains(j.get("wallet_id").asText())
          && j.get("action").asText().equals("wallet.sign")) {
        mine.add(j);
      }
    }
    assertEquals(3, mine.size(), mine.toString());

    JsonNode signed = mine.get(0);
    assertEquals(shared.appId(), signed.get("app_id").asText());
    assertEquals(cow, signed.get("wallet_id").asText());
    assertEquals("eth_signTypedData_v4", signed.get("method").asText());
    assertEquals("succeeded", signed.get("outcome").asText());
    assertEquals(received, signed.get("signature").asText());
    assertEquals("allow", signed.get("policy").get("decision").asText());
    assertEquals("audit-e2e-mail-1", signed.get("idempotency_key").asText());
    assertNotNull(signed.get("at").asText());
    assertEquals(64, signed.get("hash").asText().length());
    assertEquals(64, signed.get("prev_hash").asText().length());
    assertEquals("parent-host", signed.get("chain").asText());

    JsonNode transaction = mine.get(1);
    assertEquals("eth_signTransaction", transaction.get("method").asText());
    assertEquals("succeeded", transaction.get("outcome").asText());
    assertEquals(EIP155_RSV, transaction.get("signature").asText());
    assertTrue(transaction.get("idempotency_key").isNull(), "sent without one");

    JsonNode rejected = mine.get(2);
    assertEquals("rejected", rejected.get("outcome").asText());
    assertTrue(rejected.get("signature").isNull());
    assertEquals(rejected.get("prev_hash").asText().length(), 64);

    // --since the seq before the transaction's row: that row and what came after it
    LocalAudit.Result since = LocalAudit.run(home, "export", "--since",
        Long.toString(transaction.get("seq").asLong() - 1));
    assertEquals(0, since.code(), since.err());
    assertEquals(transaction.get("seq").asLong(),
        JSON.readTree(since.out().split("\n")[0]).get("seq").asLong());
  }
}
