package io.nitrosign.devkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.nitrosign.attestation.AttestationPolicy;
import io.nitrosign.attestation.AttestationVerifier;
import io.nitrosign.attestation.AttestedSignatureException;
import io.nitrosign.attestation.AttestedSignatureVerifier;
import io.nitrosign.attestation.Reason;
import io.nitrosign.attestation.SignedRequest;
import io.nitrosign.authz.RequestSigner;
import io.nitrosign.chains.AttestationPurpose;
import io.nitrosign.chains.bitcoin.Secp256k1Points;
import io.nitrosign.chains.ethereum.Eip191;
import io.nitrosign.devkit.jwt.DevIssuer;
import io.nitrosign.enclave.crypto.EcdsaSignature;
import io.nitrosign.enclave.crypto.Secp256k1Signer;
import io.nitrosign.enclave.crypto.Secp256k1Verifier;
import io.nitrosign.enclave.secret.SecretBytes;
import io.nitrosign.hpke.ExportEnvelope;
import io.nitrosign.hpke.HpkeKeyPair;
import io.nitrosign.hpke.PrivyEnvelope;
import io.nitrosign.proto.v1.Attest;
import io.nitrosign.proto.v1.BitcoinPsbt;
import io.nitrosign.proto.v1.Curve;
import io.nitrosign.proto.v1.EnclaveRequest;
import io.nitrosign.proto.v1.EnclaveResponse;
import io.nitrosign.proto.v1.ErrorCode;
import io.nitrosign.proto.v1.ExportKeyRequest;
import io.nitrosign.proto.v1.GetAttestationRequest;
import io.nitrosign.proto.v1.KeyQuorum;
import io.nitrosign.proto.v1.PersonalMessage;
import io.nitrosign.proto.v1.RequestAuthorization;
import io.nitrosign.proto.v1.SealedShare;
import io.nitrosign.proto.v1.ShareKind;
import io.nitrosign.proto.v1.SignRequest;
import io.nitrosign.proto.v1.SignResponse;
import io.nitrosign.proto.v1.SolanaMessage;
import io.nitrosign.proto.v1.StellarTransaction;
import io.nitrosign.proto.v1.UpdateAuthorityRequest;
import io.nitrosign.proto.v1.UserSession;
import io.nitrosign.proto.v1.UserSessionStatement;
import io.nitrosign.proto.v1.WalletAuthority;
import io.nitrosign.proto.v1.WalletKey;
import io.nitrosign.wire.EnclaveAddress;
import io.nitrosign.wire.EnclaveClient;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hostile parent against the REAL enclave process of a local stack. Wallets are made the way a
 * client makes them (REST API: an owned wallet, a 2-of-3 key quorum wallet, app-owned wallets of
 * two chains), one request signed by the owner goes through the API to show the path works; then
 * the test plays a compromised parent host: it reads the real sealed shares and owner bytes from
 * PostgreSQL and talks to the enclave's socket directly ({@code LocalStack.enclaveSocket()}: any
 * process that can reach it), with hand-built protobuf requests. Every attack must be refused with
 * its typed error code and give no signature, exported key or resealed key. Positive controls (a
 * correctly signed request sent to the same socket, an export quorum's export, a genuine fresh
 * proof) show that the refusals are not an artefact of malformed requests.
 *
 * <p>The table in docs/threat-model.md ("Hostile parent") lists each attack with its test here.
 */
class HostileParentTest {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  private static LocalStack stack;
  private static String auth;
  private static String appId;
  private static String baseUrl;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static EnclaveClient enclave;

  /** Authorization keys: the owner, an attacker, three quorum members, the export quorum. */
  private static Signer owner;
  private static Signer attacker;
  private static final List<Signer> members = new ArrayList<>();
  private static Signer exportQuorum;

  /** Wallets as the API made them. */
  private static String owned;
  private static String ownedTwin;
  private static String quorumWallet;
  private static String appOwned;
  private static String solana;

  /** The owner's signed request that went through the API (and must not be usable again). */
  private static RequestAuthorization usedThroughApi;
  private static JsonNode apiSignature;
  private static final String API_MESSAGE = "withdraw 1 ETH to alice";

  /** An authorization key: its signer and its base64 DER SPKI. */
  private record Signer(RequestSigner signer, String spki) {
    static Signer generate() {
      RequestSigner.KeyPairText pair = RequestSigner.generate();
      return new Signer(RequestSigner.fromPkcs8Base64(pair.privateKey()), pair.publicKey());
    }
  }

  @BeforeAll
  static void up() throws Exception {
    SharedStack shared = SharedStack.get();
    stack = shared.stack();
    auth = shared.auth();
    appId = stack.readStackEnv().get("APP_ID");
    baseUrl = stack.baseUrl();
    owner = Signer.generate();
    attacker = Signer.generate();
    for (int i = 0; i < 3; i++) {
      members.add(Signer.generate());
    }
    exportQuorum = new Signer(RequestSigner.fromPkcs8Base64(
        Files.readString(stack.exportQuorumKeyFile(), StandardCharsets.UTF_8)),
        Files.readString(stack.home().resolve("export-quorum.key.pub"), StandardCharsets.UTF_8)
            .trim());

    // As a client: an owned wallet (and a twin with the same owner), a 2-of-3 key quorum wallet,
    // an app-owned wallet, an app-owned Solana wallet.
    String ownerJson = "{\"public_key\":\"" + owner.spki() + "\"}";
    owned = createWallet("{\"chain_type\":\"ethereum\",\"owner\":" + ownerJson + "}");
    ownedTwin = createWallet("{\"chain_type\":\"ethereum\",\"owner\":" + ownerJson + "}");
    JsonNode quorum = api("POST", "/v1/key_quorums", "{\"public_keys\":[\""
        + members.get(0).spki() + "\",\"" + members.get(1).spki() + "\",\""
        + members.get(2).spki() + "\"],\"authorization_threshold\":2}", Map.of());
    quorumWallet = createWallet("{\"chain_type\":\"ethereum\",\"owner_id\":\""
        + quorum.get("id").asText() + "\"}");
    appOwned = createWallet("{\"chain_type\":\"ethereum\"}");
    solana = createWallet("{\"chain_type\":\"solana\"}");

    // One legitimate request through the API, signed by the owner exactly as sent.
    String body = personalSign(API_MESSAGE);
    String path = rpc(owned);
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    String signatures = owner.signer().signRequest("POST", baseUrl + path, body, appId, null,
        expiry);
    apiSignature = api("POST", path, body, Map.of("privy-app-id", appId,
        "privy-authorization-signature", signatures, "privy-request-expiry", expiry));
    usedThroughApi = RequestAuthorization.newBuilder().setMethod("POST").setUrl(baseUrl + path)
        .setBody(ByteString.copyFromUtf8(body)).setAppId(appId).setRequestExpiry(expiry)
        .setSignatures(signatures).build();

    enclave = EnclaveClient.start(new EnclaveClient.Config(
        new EnclaveAddress.Unix(stack.enclaveSocket()), 1, 4 * 1024 * 1024,
        Duration.ofSeconds(2), Duration.ofSeconds(1)));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!enclave.isConnected()) {
      if (System.nanoTime() > until) {
        fail("could not connect to the enclave socket " + stack.enclaveSocket());
      }
      Thread.sleep(50);
    }
  }

  @AfterAll
  static void down() {
    if (enclave != null) {
      enclave.close();
    }
  }

  // ------------------------------------------------------------------------ positive controls

  @Test
  void theOwnersSignedRequestSignsThroughTheApi() {
    byte[] signature = hex(apiSignature.get("data").get("signature").asText());
    assertEquals(65, signature.length);
    byte[] digest = Eip191.personalMessageHash(API_MESSAGE.getBytes(StandardCharsets.UTF_8));
    assertTrue(Secp256k1Verifier.verify(stored(owned).getPublicKey().toByteArray(), digest,
        java.util.Arrays.copyOfRange(signature, 0, 32),
        java.util.Arrays.copyOfRange(signature, 32, 64)));
  }

  @Test
  void twoOfTheThreeQuorumMembersSignThroughTheApi() throws Exception {
    String body = personalSign("quorum: pay 2 ETH to bob");
    String path = rpc(quorumWallet);
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    String signatures = members.get(2).signer().signRequest("POST", baseUrl + path, body, appId,
        null, expiry) + "," + members.get(0).signer().signRequest("POST", baseUrl + path, body,
        appId, null, expiry);
    JsonNode r = api("POST", path, body, Map.of("privy-app-id", appId,
        "privy-authorization-signature", signatures, "privy-request-expiry", expiry));
    assertEquals(65, hex(r.get("data").get("signature").asText()).length);
  }

  @Test
  void aCorrectlySignedRequestSentStraightToTheEnclaveSocketSigns() throws Exception {
    // the hostile parent's requests below differ from this one only in what each attack changes
    String message = "control: pay 3 ETH to carol";
    EnclaveResponse r = call(signRequest(stored(owned), message,
        signed(owner, "POST", rpc(owned), personalSign(message))));
    assertEquals(EnclaveResponse.BodyCase.SIGN, r.getBodyCase(), r::toString);
  }

  // --------------------------------------------------------------------------- owned wallet Sign

  @Test
  void anOwnedWalletSignsNothingItsOwnerDidNotSignExactlyAsSent() throws Exception {
    WalletKey key = stored(owned);
    String path = rpc(owned);
    Cases cases = new Cases();

    cases.expect("no signature", ErrorCode.AUTHORIZATION_MISSING,
        signRequest(key, "case 1", signed(owner, "POST", path, personalSign("case 1"))
            .toBuilder().clearSignatures().build()));
    cases.expect("a forged signature (random DER-shaped bytes)", ErrorCode.AUTHORIZATION_INVALID,
        signRequest(key, "case 2", signed(owner, "POST", path, personalSign("case 2"))
            .toBuilder().setSignatures(Base64.getEncoder().encodeToString(randomDer())).build()));
    cases.expect("a valid signature by a key that is not the owner's",
        ErrorCode.AUTHORIZATION_INVALID,
        signRequest(key, "case 3", signed(attacker, "POST", path, personalSign("case 3"))));
    cases.expect("an expired request (two minutes ago, beyond the skew)",
        ErrorCode.AUTHORIZATION_EXPIRED,
        signRequest(key, "case 4", signedAt(System.currentTimeMillis() - 120_000, "POST", path,
            personalSign("case 4"), owner)));
    cases.expect("a request without privy-request-expiry", ErrorCode.AUTHORIZATION_EXPIRED,
        signRequest(key, "case 5", signedWithoutExpiry(owner, path, personalSign("case 5"))));
    cases.expect("the request already used successfully through the API (replay)",
        ErrorCode.AUTHORIZATION_REPLAYED, signRequest(key, API_MESSAGE, usedThroughApi));
    RequestAuthorization six = signed(owner, "POST", path, personalSign("case 6: 1 ETH"));
    cases.expect("the body altered after signing (payload follows the altered body)",
        ErrorCode.AUTHORIZATION_INVALID, signRequest(key, "case 6: 9 ETH", six.toBuilder()
            .setBody(ByteString.copyFromUtf8(personalSign("case 6: 9 ETH"))).build()));
    cases.expect("the signed body, but another payload in SignRequest (payload swap)",
        ErrorCode.AUTHORIZATION_INVALID, signRequest(key, "case 7: 9 ETH to mallory",
            signed(owner, "POST", path, personalSign("case 7: 1 ETH to alice"))));
    cases.expect("signed for another app", ErrorCode.AUTHORIZATION_INVALID,
        signRequest(key, "case 8", signedFor("app-other", baseUrl + path, owner,
            personalSign("case 8"))));
    cases.expect("signed for another origin than the deployment's public base URL",
        ErrorCode.AUTHORIZATION_INVALID, signRequest(key, "case 9",
            signedFor(appId, "https://evil.example" + path, owner, personalSign("case 9"))));
    cases.expect("signed as a PATCH, presented as the rpc POST", ErrorCode.AUTHORIZATION_INVALID,
        signRequest(key, "case 10", signed(owner, "PATCH", path, personalSign("case 10"))));
    // the owner signed personal_sign; the parent asks for the raw digest of the same message
    cases.expect("a secp256k1_sign digest instead of the signed personal_sign",
        ErrorCode.AUTHORIZATION_INVALID, SignRequest.newBuilder().setKey(key)
            .setDigest(ByteString.copyFrom(Eip191.personalMessageHash(
                "case 11".getBytes(StandardCharsets.UTF_8))))
            .setAuthorization(signed(owner, "POST", path, personalSign("case 11"))).build());
    cases.assertAll();
  }

  @Test
  void aRawSignSignatureIsNeverReadAsAnRpcNorAnRpcSignatureAsARawSign() throws Exception {
    WalletKey key = stored(owned);
    String rawPath = "/v1/wallets/" + owned + "/raw_sign";
    Cases cases = new Cases();
    byte[] h1 = randomBytes(32);
    RequestAuthorization raw1 = signed(owner, "POST", rawPath, rawSign(h1));
    cases.expect("a signed raw_sign presented with its URL changed to the rpc path",
        ErrorCode.AUTHORIZATION_INVALID, digestRequest(key, h1,
            raw1.toBuilder().setUrl(baseUrl + rpc(owned)).build()));
    byte[] h2 = randomBytes(32);
    cases.expect("a raw_sign body signed for the rpc URL (read as an rpc body: no method)",
        ErrorCode.AUTHORIZATION_INVALID, digestRequest(key, h2,
            signed(owner, "POST", rpc(owned), rawSign(h2))));
    cases.expect("an rpc body (personal_sign) signed for the raw_sign URL, presented as the"
        + " personal message", ErrorCode.AUTHORIZATION_INVALID, signRequest(key, "r3",
            signed(owner, "POST", rawPath, personalSign("r3"))));
    byte[] h4 = randomBytes(32);
    cases.expect("an rpc body (secp256k1_sign of a hash) signed for the raw_sign URL",
        ErrorCode.AUTHORIZATION_INVALID, digestRequest(key, h4, signed(owner, "POST", rawPath,
            "{\"method\":\"secp256k1_sign\",\"params\":{\"hash\":\"0x"
                + HexFormat.of().formatHex(h4) + "\"}}")));
    byte[] h5 = randomBytes(32);
    cases.expect("a signed raw_sign with another digest in SignRequest",
        ErrorCode.AUTHORIZATION_INVALID, digestRequest(key, randomBytes(32),
            signed(owner, "POST", rawPath, rawSign(h5))));
    cases.expect("a signed raw_sign presented as a personal message of the same request",
        ErrorCode.AUTHORIZATION_INVALID, signRequest(key, "r6",
            signed(owner, "POST", rawPath, rawSign(randomBytes(32)))));
    cases.assertAll();
    // positive control: the signed raw_sign, straight to the socket, signs exactly its hash, once
    EnclaveResponse ok = call(digestRequest(key, h1, raw1));
    assertEquals(EnclaveResponse.BodyCase.SIGN, ok.getBodyCase(), ok::toString);
    assertTrue(Secp256k1Verifier.verify(key.getPublicKey().toByteArray(), h1,
        ok.getSign().getR().toByteArray(), ok.getSign().getS().toByteArray()));
    Cases replay = new Cases();
    replay.expect("the same signed raw_sign again", ErrorCode.AUTHORIZATION_REPLAYED,
        digestRequest(key, h1, raw1));
    replay.assertAll();
  }

  /**
   * A parent host died after the enclave signed; the client retried with the same signed request
   * (it cannot change: the signature covers the idempotency key) and another parent sends it
   * again. The identical request gets the first answer byte for byte, the fresh attestation
   * document included (a new one would differ), so nothing is signed twice; the hostile parent
   * gets nothing it did not have. Anything else under the same signed request is refused. (Only
   * requests signed with an idempotency key are answered again; an unkeyed one stays a replay,
   * as in the cases above.)
   */
  @Test
  void aRetriedSignedRequestGetsItsFirstAnswerAndNothingElseIsDoneUnderIt() throws Exception {
    WalletKey key = stored(owned);
    String path = rpc(owned);

    // a keyed request through the API; then the same signed request straight to the enclave, as
    // a parent retrying it would send it: the signature the client already got
    String apiMessage = "retry: pay 5 ETH to erin";
    String idempotencyKey = "hostile-retry-" + java.util.UUID.randomUUID();
    RequestAuthorization viaApi = signedKeyed(owner, path, personalSign(apiMessage),
        idempotencyKey);
    JsonNode apiAnswer = api("POST", path, personalSign(apiMessage), Map.of(
        "privy-app-id", appId, "privy-idempotency-key", idempotencyKey,
        "privy-authorization-signature", viaApi.getSignatures(),
        "privy-request-expiry", viaApi.getRequestExpiry()));
    EnclaveResponse api = call(signRequest(key, apiMessage, viaApi));
    assertEquals(EnclaveResponse.BodyCase.SIGN, api.getBodyCase(), api::toString);
    byte[] apiRsv = hex(apiAnswer.get("data").get("signature").asText());
    assertArrayEquals(java.util.Arrays.copyOfRange(apiRsv, 0, 32), api.getSign().getR()
        .toByteArray());
    assertArrayEquals(java.util.Arrays.copyOfRange(apiRsv, 32, 64), api.getSign().getS()
        .toByteArray());

    // a request with a fresh proof, sent twice: the same bytes, document and all
    String message = "retry: pay 4 ETH to dave";
    byte[] nonce = randomBytes(32);
    RequestAuthorization auth = signedKeyed(owner, path, personalSign(message),
        "hostile-retry-" + java.util.UUID.randomUUID());
    SignRequest fresh = signRequest(key, message, auth).toBuilder().setAttest(Attest.newBuilder()
        .setMode(Attest.Mode.FRESH).setNonce(ByteString.copyFrom(nonce))).build();
    EnclaveResponse first = call(fresh);
    assertEquals(EnclaveResponse.BodyCase.SIGN, first.getBodyCase(), first::toString);
    SignResponse answer = first.getSign();
    assertTrue(answer.getAttestationDocument().size() > 0, "a fresh proof was made");
    EnclaveResponse second = call(fresh);
    assertEquals(EnclaveResponse.BodyCase.SIGN, second.getBodyCase(), second::toString);
    assertArrayEquals(answer.toByteArray(), second.getSign().toByteArray());

    Cases cases = new Cases();
    cases.expect("the same signed request with another attest nonce",
        ErrorCode.AUTHORIZATION_REPLAYED, fresh.toBuilder().setAttest(fresh.getAttest()
            .toBuilder().setNonce(ByteString.copyFrom(randomBytes(32)))).build());
    cases.expect("the same signed request with the fast proof instead",
        ErrorCode.AUTHORIZATION_REPLAYED, fresh.toBuilder().setAttest(fresh.getAttest()
            .toBuilder().setMode(Attest.Mode.FAST)).build());
    cases.expect("the same signed request without a proof", ErrorCode.AUTHORIZATION_REPLAYED,
        fresh.toBuilder().clearAttest().build());
    cases.expect("the same signed request with another (tampered) exec share",
        ErrorCode.AUTHORIZATION_REPLAYED, fresh.toBuilder().setKey(key.toBuilder()
            .setExecShare(key.getExecShare().toBuilder().setNonce(ByteString.copyFrom(
                randomBytes(12))))).build());
    // a changed payload is not what the owner signed: refused by the body check, which comes
    // before the replay check (so it never uses up the client's signature)
    cases.expect("the same signed request with a changed payload",
        ErrorCode.AUTHORIZATION_INVALID, signRequest(key, "retry: pay 400 ETH to mallory", auth)
            .toBuilder().setAttest(fresh.getAttest()).build());
    cases.assertAll();

    // raw_sign: the same, and a request that failed leaves no answer behind
    String rawPath = "/v1/wallets/" + owned + "/raw_sign";
    byte[] hash = randomBytes(32);
    SignRequest raw = digestRequest(key, hash, signedKeyed(owner, rawPath, rawSign(hash),
        "hostile-retry-" + java.util.UUID.randomUUID()));
    EnclaveResponse rawFirst = call(raw);
    assertEquals(EnclaveResponse.BodyCase.SIGN, rawFirst.getBodyCase(), rawFirst::toString);
    assertArrayEquals(rawFirst.getSign().toByteArray(), call(raw).getSign().toByteArray());
    Cases rawCases = new Cases();
    rawCases.expect("the same signed raw_sign with a fast proof", ErrorCode.AUTHORIZATION_REPLAYED,
        raw.toBuilder().setAttest(Attest.newBuilder().setMode(Attest.Mode.FAST)).build());
    rawCases.assertAll();
    // and the first answer is still what an identical retry gets
    assertArrayEquals(answer.toByteArray(), call(fresh).getSign().toByteArray());
  }

  @Test
  void aKeyQuorumWalletRefusesFewerMembersThanItsThreshold() throws Exception {
    WalletKey key = stored(quorumWallet);
    String path = rpc(quorumWallet);
    Cases cases = new Cases();
    cases.expect("one member of a 2-of-3 quorum", ErrorCode.AUTHORIZATION_INSUFFICIENT,
        signRequest(key, "q1", signed(members.get(1), "POST", path, personalSign("q1"))));
    cases.expect("the same member twice", ErrorCode.AUTHORIZATION_INSUFFICIENT,
        signRequest(key, "q2", signedAt(System.currentTimeMillis() + 600_000, "POST", path,
            personalSign("q2"), members.get(1), members.get(1))));
    cases.expect("one member and an outsider", ErrorCode.AUTHORIZATION_INSUFFICIENT,
        signRequest(key, "q3", signedAt(System.currentTimeMillis() + 600_000, "POST", path,
            personalSign("q3"), members.get(0), attacker)));
    cases.assertAll();
    // and two members, straight to the socket, do sign
    EnclaveResponse ok = call(signRequest(key, "q4", signedAt(System.currentTimeMillis() + 600_000,
        "POST", path, personalSign("q4"), members.get(0), members.get(1))));
    assertEquals(EnclaveResponse.BodyCase.SIGN, ok.getBodyCase(), ok::toString);
  }

  @Test
  void sharesPresentedUnderAnotherOwnerOrForAnotherWalletDoNotOpen() throws Exception {
    WalletKey key = stored(owned);
    WalletKey twin = stored(ownedTwin);
    WalletAuthority real = WalletAuthority.parseFrom(key.getOwner());
    Cases cases = new Cases();

    ByteString appOwnedClaim = real.toBuilder().clearOwner().build().toByteString();
    cases.expect("the owned wallet's shares with its owner bytes replaced by an app-owned"
        + " authority", ErrorCode.SEAL_INTEGRITY,
        signRequest(key.toBuilder().setOwner(appOwnedClaim).build(), "s1", null));
    cases.expect("the owned wallet's shares with empty owner bytes (a pre-owner wallet)",
        ErrorCode.SEAL_INTEGRITY,
        signRequest(key.toBuilder().setOwner(ByteString.EMPTY).build(), "s2", null));
    ByteString attackerOwns = real.toBuilder().setOwner(KeyQuorum.newBuilder().setThreshold(1)
        .addPublicKeys(ByteString.copyFrom(Base64.getDecoder().decode(attacker.spki()))))
        .build().toByteString();
    cases.expect("the owner bytes naming the attacker's key, signed by the attacker",
        ErrorCode.SEAL_INTEGRITY, signRequest(key.toBuilder().setOwner(attackerOwns).build(),
            "s3", signed(attacker, "POST", rpc(owned), personalSign("s3"))));
    cases.expect("another owned wallet's shares (same owner) with this wallet's signed request",
        ErrorCode.AUTHORIZATION_INVALID,
        signRequest(twin, "s4", signed(owner, "POST", rpc(owned), personalSign("s4"))));
    cases.expect("another owned wallet's shares relabelled with this wallet's id",
        ErrorCode.SEAL_INTEGRITY,
        signRequest(twin.toBuilder().setWalletId(owned).build(), "s5",
            signed(owner, "POST", rpc(owned), personalSign("s5"))));
    cases.expect("this wallet's auth share with another wallet's exec share",
        ErrorCode.SEAL_INTEGRITY,
        signRequest(key.toBuilder().setExecShare(twin.getExecShare()).build(), "s6",
            signed(owner, "POST", rpc(owned), personalSign("s6"))));
    cases.assertAll();
  }

  @Test
  void aPayloadOfAnotherChainTypeIsRefusedBeforeAnythingIsUnsealed() throws Exception {
    WalletKey eth = stored(owned);
    WalletKey sol = stored(solana);
    RequestAuthorization ownerSigned =
        signed(owner, "POST", rpc(owned), personalSign("c1: owner-signed"));
    Cases cases = new Cases();
    // the curve check comes first: an Ed25519 payload on a secp256k1 key
    cases.expect("a Solana message on the owned Ethereum wallet's key, with its authority",
        ErrorCode.INVALID_REQUEST, SignRequest.newBuilder().setKey(eth)
            .setSolanaMessage(SolanaMessage.newBuilder().setMessage(ByteString.copyFromUtf8("hi")))
            .setAuthorization(ownerSigned).build());
    // same curve, other chain type: the sealed chain type refuses it
    cases.expect("a Bitcoin PSBT on the owned Ethereum wallet's key (same curve)",
        ErrorCode.PERMISSION_DENIED, SignRequest.newBuilder().setKey(eth)
            .setBitcoinPsbt(BitcoinPsbt.newBuilder().setPsbt(ByteString.copyFromUtf8("psbt\u00ff")))
            .setAuthorization(ownerSigned).build());
    cases.expect("a Stellar transaction on the Solana wallet's key (same curve)",
        ErrorCode.PERMISSION_DENIED, SignRequest.newBuilder().setKey(sol)
            .setStellarTransaction(StellarTransaction.newBuilder()
                .setEnvelopeXdr(ByteString.copyFrom(new byte[64]))
                .setNetworkPassphrase("Test SDF Network ; September 2015")).build());
    ByteString asStellar = WalletAuthority.parseFrom(sol.getOwner()).toBuilder()
        .setChainType("stellar").build().toByteString();
    // (a raw message, which a Stellar wallet may sign, so nothing is refused before the unseal)
    cases.expect("the Solana wallet's shares relabelled as a Stellar wallet",
        ErrorCode.SEAL_INTEGRITY, SignRequest.newBuilder().setKey(sol.toBuilder()
            .setOwner(asStellar)).setRawMessage(ByteString.copyFromUtf8("as stellar")).build());
    cases.assertAll();
  }

  // ----------------------------------------------------------------------------------- ExportKey

  @Test
  void anOwnedWalletIsExportedOnlyToTheRecipientItsOwnerSigned() throws Exception {
    WalletKey key = stored(owned);
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM);
        HpkeKeyPair attackersKey = HpkeKeyPair.generate(RANDOM)) {
      Cases cases = new Cases();
      cases.expect("no signature", ErrorCode.AUTHORIZATION_MISSING,
          exportRequest(key, attackersKey.publicKey(), null));
      cases.expect("the owner's signed request with the recipient swapped for the attacker's key",
          ErrorCode.AUTHORIZATION_INVALID, exportRequest(key, attackersKey.publicKey(),
              signed(owner, "POST", export(owned), exportBody(recipient.publicKey()))));
      cases.expect("the export quorum's signature (it exports app-owned wallets only)",
          ErrorCode.AUTHORIZATION_INVALID, exportRequest(key, attackersKey.publicKey(),
              signed(exportQuorum, "POST", export(owned), exportBody(attackersKey.publicKey()))));
      cases.expect("the owned wallet's shares claimed as app-owned, without a signature",
          ErrorCode.AUTHORIZATION_MISSING, exportRequest(key.toBuilder().setOwner(
              WalletAuthority.parseFrom(key.getOwner()).toBuilder().clearOwner().build()
                  .toByteString()).build(), attackersKey.publicKey(), null));
      cases.assertAll();

      // control: the owner's own signed request exports to the recipient it names
      EnclaveResponse ok = call(exportRequest(key, recipient.publicKey(),
          signed(owner, "POST", export(owned), exportBody(recipient.publicKey()))));
      assertEquals(EnclaveResponse.BodyCase.EXPORT_KEY, ok.getBodyCase(), ok::toString);
      assertOpensToTheWalletsKey(recipient, key, ok);
    }
  }

  @Test
  void anAppOwnedWalletIsExportedOnlyWithTheDeploymentExportQuorumsSignature() throws Exception {
    WalletKey key = stored(appOwned);
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      String body = exportBody(recipient.publicKey());
      Cases cases = new Cases();
      cases.expect("no signature", ErrorCode.AUTHORIZATION_MISSING,
          exportRequest(key, recipient.publicKey(), null));
      cases.expect("a random key's signature", ErrorCode.AUTHORIZATION_INVALID,
          exportRequest(key, recipient.publicKey(), signed(attacker, "POST", export(appOwned),
              body)));
      cases.expect("a wallet owner's signature", ErrorCode.AUTHORIZATION_INVALID,
          exportRequest(key, recipient.publicKey(), signed(owner, "POST", export(appOwned),
              body)));
      cases.assertAll();

      // control: the export quorum (the devkit home's key, given to the enclave at start)
      EnclaveResponse ok = call(exportRequest(key, recipient.publicKey(),
          signed(exportQuorum, "POST", export(appOwned), body)));
      assertEquals(EnclaveResponse.BodyCase.EXPORT_KEY, ok.getBodyCase(), ok::toString);
      assertOpensToTheWalletsKey(recipient, key, ok);
    }
  }

  // ----------------------------------------------------------------------------- UpdateAuthority

  @Test
  void anOwnerChangeNeedsTheCurrentOwnersSignatureOverExactlyThatChange() throws Exception {
    WalletKey key = stored(owned);
    WalletAuthority now = WalletAuthority.parseFrom(key.getOwner());
    ByteString toAttacker = now.toBuilder().setOwner(singleKey(attacker)).build().toByteString();
    ByteString toNewOwner = now.toBuilder().setOwner(singleKey(members.get(2))).build()
        .toByteString();
    String patchToNewOwner = "{\"owner\":{\"public_key\":\"" + members.get(2).spki() + "\"}}";
    String patchToAttacker = "{\"owner\":{\"public_key\":\"" + attacker.spki() + "\"}}";
    String path = "/v1/wallets/" + owned;
    Cases cases = new Cases();
    cases.expect("no signature", ErrorCode.AUTHORIZATION_MISSING,
        update(key, toAttacker, null));
    cases.expect("signed by the new key, not the current owner", ErrorCode.AUTHORIZATION_INVALID,
        update(key, toAttacker, signed(attacker, "PATCH", path, patchToAttacker)));
    cases.expect("the owner's signed body, but another new authority",
        ErrorCode.AUTHORIZATION_INVALID,
        update(key, toAttacker, signed(owner, "PATCH", path, patchToNewOwner)));
    cases.expect("the owner's signed body, but the wallet made app-owned",
        ErrorCode.AUTHORIZATION_INVALID, update(key, now.toBuilder().clearOwner().build()
            .toByteString(), signed(owner, "PATCH", path, patchToNewOwner)));
    cases.expect("the owner's signed body, with an additional signer slipped in",
        ErrorCode.AUTHORIZATION_INVALID, update(key, now.toBuilder()
            .setOwner(singleKey(members.get(2)))
            .addAdditionalSigners(io.nitrosign.proto.v1.AdditionalSigner.newBuilder()
                .setSigner(singleKey(attacker))).build().toByteString(),
            signed(owner, "PATCH", path, patchToNewOwner)));
    cases.expect("the owner's signed body, with the app id changed", ErrorCode.PERMISSION_DENIED,
        update(key, now.toBuilder().setAppId("app-other").setOwner(singleKey(members.get(2)))
            .build().toByteString(), signed(owner, "PATCH", path, patchToNewOwner)));
    cases.expect("the owned wallet's shares claimed as app-owned, moved to the attacker",
        ErrorCode.SEAL_INTEGRITY, update(key.toBuilder().setOwner(now.toBuilder().clearOwner()
            .build().toByteString()).build(), toAttacker, null));
    cases.expect("the owner's signed body for another wallet", ErrorCode.AUTHORIZATION_INVALID,
        update(key, toNewOwner, signed(owner, "PATCH", "/v1/wallets/" + ownedTwin,
            patchToNewOwner)));
    cases.assertAll();
  }

  // ------------------------------------------------------------------------------ user sessions

  @Test
  void aUserSessionActsOnlyForItsUserAndOnlyWithTheEnclavesMac() throws Exception {
    // As a client: two users of the app, each owning a wallet; user A exchanges a JWT of the
    // devkit issuer for a session key through the API, as Privy's SDK does for user_jwts.
    DevIssuer issuer = DevIssuer.load(stack.jwtDir());
    String subA = "hostile-user-a-" + java.util.UUID.randomUUID();
    String subB = "hostile-user-b-" + java.util.UUID.randomUUID();
    String userA = createUser(subA);
    String userB = createUser(subB);
    String walletA = createWallet("{\"chain_type\":\"ethereum\",\"owner\":{\"user_id\":\""
        + userA + "\"}}");
    String walletB = createWallet("{\"chain_type\":\"ethereum\",\"owner\":{\"user_id\":\""
        + userB + "\"}}");
    Signer sessionKeyA = authenticate(issuer.mint(subA, Duration.ofMinutes(10),
        DevIssuer.Alg.ES256));
    // The hostile parent holds what a parent stores: A's session (statement and MAC) as the
    // enclave minted it, from PostgreSQL.
    UserSession sessionA = storedSession(subA);
    UserSessionStatement statementA = UserSessionStatement.parseFrom(sessionA.getStatement());
    assertEquals(subA, statementA.getSubject());
    WalletKey keyA = stored(walletA);
    WalletKey keyB = stored(walletB);

    // positive control: A's session key, with A's session, signs for A's wallet at the socket
    EnclaveResponse ok = call(signRequest(keyA, "u0: control", withSessions(
        signed(sessionKeyA, "POST", rpc(walletA), personalSign("u0: control")), sessionA)));
    assertEquals(EnclaveResponse.BodyCase.SIGN, ok.getBodyCase(), ok::toString);

    Cases cases = new Cases();
    cases.expect("user A's valid session and A's signature presented on user B's wallet",
        ErrorCode.AUTHORIZATION_INVALID, "no authorization signature verifies",
        signRequest(keyB, "u1", withSessions(
            signed(sessionKeyA, "POST", rpc(walletB), personalSign("u1")), sessionA)));
    UserSession relabelled = sessionA.toBuilder().setStatement(statementA.toBuilder()
        .setSubject(subB).build().toByteString()).build();
    cases.expect("A's statement relabelled with B's subject, A's MAC kept",
        ErrorCode.AUTHORIZATION_INVALID, "a user session is not valid",
        signRequest(keyB, "u2", withSessions(
            signed(sessionKeyA, "POST", rpc(walletB), personalSign("u2")), relabelled)));
    UserSession forged = UserSession.newBuilder().setStatement(statementA.toBuilder()
            .setSubject(subB)
            .setSessionPublicKey(ByteString.copyFrom(Base64.getDecoder().decode(attacker.spki())))
            .build().toByteString())
        .setMac(ByteString.copyFrom(randomBytes(32))).build();
    cases.expect("a statement for B naming the attacker's key, with a forged MAC",
        ErrorCode.AUTHORIZATION_INVALID, "a user session is not valid",
        signRequest(keyB, "u3", withSessions(
            signed(attacker, "POST", rpc(walletB), personalSign("u3")), forged)));
    byte[] mac = sessionA.getMac().toByteArray();
    mac[0] ^= 0x01;
    cases.expect("A's own session with one bit of its MAC flipped, on A's wallet",
        ErrorCode.AUTHORIZATION_INVALID, "a user session is not valid",
        signRequest(keyA, "u4", withSessions(
            signed(sessionKeyA, "POST", rpc(walletA), personalSign("u4")),
            sessionA.toBuilder().setMac(ByteString.copyFrom(mac)).build())));
    cases.expect("A's session key signing for A's wallet without the session",
        ErrorCode.AUTHORIZATION_INVALID, "no authorization signature verifies",
        signRequest(keyA, "u5",
            signed(sessionKeyA, "POST", rpc(walletA), personalSign("u5"))));
    cases.assertAll();
  }

  /** A custom_auth user of the app, made through the API; returns its id. */
  private static String createUser(String customUserId) throws Exception {
    return api("POST", "/v1/users", "{\"linked_accounts\":[{\"type\":\"custom_auth\","
        + "\"custom_user_id\":\"" + customUserId + "\"}]}", Map.of()).get("id").asText();
  }

  /**
   * POST /v1/wallets/authenticate as the SDK calls it: the session key comes back HPKE-encrypted
   * (ChaCha20-Poly1305) to a key made here; opened, it is the base64 PKCS#8 of a P-256 key.
   */
  private static Signer authenticate(String jwt) throws Exception {
    try (HpkeKeyPair recipient = HpkeKeyPair.generate(RANDOM)) {
      byte[] spki = PrivyEnvelope.spkiOf(recipient.publicKey());
      JsonNode r = api("POST", "/v1/wallets/authenticate", "{\"user_jwt\":\"" + jwt
          + "\",\"encryption_type\":\"HPKE\",\"recipient_public_key\":\""
          + Base64.getEncoder().encodeToString(spki) + "\"}", Map.of());
      JsonNode k = r.get("encrypted_authorization_key");
      byte[] pkcs8 = PrivyEnvelope.open(recipient,
          Base64.getDecoder().decode(k.get("encapsulated_key").asText()),
          Base64.getDecoder().decode(k.get("ciphertext").asText()));
      return new Signer(RequestSigner.fromPkcs8Base64(
          new String(pkcs8, StandardCharsets.US_ASCII)), null);
    }
  }

  /** The newest session the parent stored for {@code subject} in this app. */
  private static UserSession storedSession(String subject) throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "");
        PreparedStatement q = c.prepareStatement("SELECT session FROM user_sessions"
            + " WHERE app_id = ? AND subject = ? ORDER BY id DESC LIMIT 1")) {
      q.setString(1, appId);
      q.setString(2, subject);
      try (ResultSet rs = q.executeQuery()) {
        assertTrue(rs.next(), "no stored session for " + subject);
        return UserSession.parseFrom(rs.getBytes(1));
      }
    }
  }

  private static RequestAuthorization withSessions(RequestAuthorization a,
      UserSession... sessions) {
    return a.toBuilder().addAllUserSessions(List.of(sessions)).build();
  }

  // --------------------------------------------------------------------------------- attestation

  @Test
  void getAttestationCannotForgeAFreshAttestedSignatureProof() throws Exception {
    X509Certificate root = AttestationVerifier.readCertificate(Files.readAllBytes(stack.nsmRoot()));
    AttestedSignatureVerifier verifier =
        new AttestedSignatureVerifier(AttestationVerifier.withRoot(root));
    AttestationPolicy policy = AttestationPolicy.builder()
        .addAllowedPcrSet(AttestationPolicy.pcrsFromNitroCliJson(
            Files.readString(stack.nsmRoot().resolveSibling("pcrs.json"))))
        .maxAge(Duration.ofMinutes(5)).build();
    byte[] walletPublicKey = stored(appOwned).getPublicKey().toByteArray();
    byte[] clientNonce = randomBytes(32);

    // control: a genuine fresh proof from the API verifies with this root and policy
    String controlMessage = "attested control";
    JsonNode proof = api("POST", rpc(appOwned), "{\"method\":\"personal_sign\",\"params\":"
        + "{\"message\":\"" + controlMessage + "\"},\"attest\":true,\"attestation_mode\":\"fresh\","
        + "\"nonce\":\"0x" + HexFormat.of().formatHex(clientNonce) + "\"}", Map.of()).get("data");
    verifier.verifyFresh(Base64.getDecoder().decode(proof.get("attestation").get("document")
        .asText()), policy, Instant.now(), SignedRequest.personalSign(appOwned,
            controlMessage.getBytes(StandardCharsets.UTF_8), hex(proof.get("signature").asText()),
            walletPublicKey, clientNonce));

    // (a) a genuine, earlier wallet signature (no proof asked), claimed fresh for a new nonce
    String oldMessage = "an old signature";
    byte[] oldSignature = hex(api("POST", rpc(appOwned), personalSign(oldMessage), Map.of())
        .get("data").get("signature").asText());
    SignedRequest replayedAsFresh = SignedRequest.personalSign(appOwned,
        oldMessage.getBytes(StandardCharsets.UTF_8), oldSignature, walletPublicKey, clientNonce);
    // (b) a made-up signature: the parent's own secp256k1 key, presented as the wallet's key
    byte[] madeUpDigest = Eip191.personalMessageHash("pay 100 ETH to mallory"
        .getBytes(StandardCharsets.UTF_8));
    SignedRequest madeUp;
    try (Secp256k1Signer own = Secp256k1Signer.create(secp256k1Key())) {
      EcdsaSignature s = own.sign(madeUpDigest);
      madeUp = new SignedRequest(appOwned, madeUpDigest, s.toEthereumRsv(), own.publicKey(),
          clientNonce);
    }

    List<String> failures = new ArrayList<>();
    for (SignedRequest claim : List.of(replayedAsFresh, madeUp)) {
      byte[] binding = claim.binding();
      Map<String, GetAttestationRequest> asks = new LinkedHashMap<>();
      asks.put("CLIENT_REQUEST, user_data = binding", GetAttestationRequest.newBuilder()
          .setNonce(ByteString.copyFrom(clientNonce)).setUserData(ByteString.copyFrom(binding))
          .setPurpose(GetAttestationRequest.Purpose.CLIENT_REQUEST).build());
      asks.put("PURPOSE_UNSPECIFIED, user_data = binding", GetAttestationRequest.newBuilder()
          .setNonce(ByteString.copyFrom(clientNonce)).setUserData(ByteString.copyFrom(binding))
          .build());
      asks.put("CLIENT_REQUEST, user_data = the fresh-signature tag || binding",
          GetAttestationRequest.newBuilder().setNonce(ByteString.copyFrom(clientNonce))
              .setUserData(ByteString.copyFrom(AttestationPurpose.FRESH_SIGNATURE.wrap(binding)))
              .setPurpose(GetAttestationRequest.Purpose.CLIENT_REQUEST).build());
      for (Map.Entry<String, GetAttestationRequest> ask : asks.entrySet()) {
        String what = (claim == madeUp ? "made-up signature" : "earlier genuine signature")
            + ", " + ask.getKey();
        EnclaveResponse r = call(EnclaveRequest.newBuilder().setGetAttestation(ask.getValue()));
        if (r.getBodyCase() != EnclaveResponse.BodyCase.GET_ATTESTATION) {
          failures.add(what + ": expected a (client-request) document, got " + r);
          continue;
        }
        byte[] document = r.getGetAttestation().getDocument().toByteArray();
        try {
          verifier.verifyFresh(document, policy, Instant.now(), claim);
          failures.add(what + ": verifyFresh ACCEPTED a forged proof");
        } catch (AttestedSignatureException e) {
          if (e.failure() != AttestedSignatureException.Failure.ATTESTATION
              || e.attestationReason().orElse(null) != Reason.PURPOSE_MISMATCH) {
            failures.add(what + ": expected ATTESTATION/PURPOSE_MISMATCH, got " + e.getMessage());
          }
        }
      }
      // a response-key document cannot carry the binding at all, nor can an unknown purpose
      expectError(failures, "RESPONSE_KEY with user_data = binding", ErrorCode.INVALID_REQUEST,
          call(EnclaveRequest.newBuilder().setGetAttestation(GetAttestationRequest.newBuilder()
              .setNonce(ByteString.copyFrom(clientNonce)).setUserData(ByteString.copyFrom(binding))
              .setPurpose(GetAttestationRequest.Purpose.RESPONSE_KEY))));
      expectError(failures, "an unknown purpose (99) with user_data = binding",
          ErrorCode.INVALID_REQUEST, call(EnclaveRequest.newBuilder().setGetAttestation(
              GetAttestationRequest.newBuilder().setNonce(ByteString.copyFrom(clientNonce))
                  .setUserData(ByteString.copyFrom(binding)).setPurposeValue(99))));
    }
    assertTrue(failures.isEmpty(), () -> String.join("\n", failures));
  }

  // ------------------------------------------------------------------------------------ helpers

  /** Attacks checked together; every failure is reported, not only the first. */
  private static final class Cases {
    private final List<String> failures = new ArrayList<>();

    void expect(String attack, ErrorCode code, SignRequest request) throws Exception {
      expectError(failures, attack, code, call(EnclaveRequest.newBuilder().setSign(request)));
    }

    /** As above, and the error's detail must contain {@code why} (which check refused it). */
    void expect(String attack, ErrorCode code, String why, SignRequest request) throws Exception {
      EnclaveResponse r = call(EnclaveRequest.newBuilder().setSign(request));
      int before = failures.size();
      expectError(failures, attack, code, r);
      if (failures.size() == before && !r.getError().getDetail().contains(why)) {
        failures.add(attack + ": refused, but not because " + why + " ("
            + r.getError().getDetail() + ")");
      }
    }

    void expect(String attack, ErrorCode code, ExportKeyRequest request) throws Exception {
      expectError(failures, attack, code,
          call(EnclaveRequest.newBuilder().setExportKey(request)));
    }

    void expect(String attack, ErrorCode code, UpdateAuthorityRequest request) throws Exception {
      expectError(failures, attack, code,
          call(EnclaveRequest.newBuilder().setUpdateAuthority(request)));
    }

    void assertAll() {
      assertTrue(failures.isEmpty(), () -> failures.size() + " attack(s) not refused as expected:\n"
          + String.join("\n", failures));
    }
  }

  /** Records a failure unless {@code r} is an Error with {@code code} (so nothing was produced). */
  private static void expectError(List<String> failures, String attack, ErrorCode code,
      EnclaveResponse r) {
    if (r.getBodyCase() != EnclaveResponse.BodyCase.ERROR) {
      failures.add(attack + ": NOT REFUSED, the enclave answered " + r.getBodyCase()
          + " (expected " + code + ")");
    } else if (r.getError().getCode() != code) {
      failures.add(attack + ": expected " + code + ", got " + r.getError().getCode() + " ("
          + r.getError().getDetail() + ")");
    }
  }

  private static EnclaveResponse call(EnclaveRequest.Builder request) throws Exception {
    return enclave.call(request, DEADLINE).get(DEADLINE.toSeconds() + 5, TimeUnit.SECONDS);
  }

  private static EnclaveResponse call(SignRequest request) throws Exception {
    return call(EnclaveRequest.newBuilder().setSign(request));
  }

  private static EnclaveResponse call(ExportKeyRequest request) throws Exception {
    return call(EnclaveRequest.newBuilder().setExportKey(request));
  }

  /** The wallet exactly as the parent stores it: owner bytes and sealed shares from PostgreSQL. */
  private static WalletKey stored(String walletId) {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), "postgres", "")) {
      WalletKey.Builder key = WalletKey.newBuilder().setWalletId(walletId);
      try (PreparedStatement q = c.prepareStatement(
          "SELECT chain_type, public_key, owner FROM wallets WHERE id = ?")) {
        q.setString(1, walletId);
        try (ResultSet rs = q.executeQuery()) {
          assertTrue(rs.next(), "no wallet " + walletId + " in the database");
          String chain = rs.getString("chain_type");
          key.setCurve(chain.equals("solana") || chain.equals("stellar") ? Curve.ED25519
              : Curve.SECP256K1);
          key.setPublicKey(ByteString.copyFrom(rs.getBytes("public_key")));
          byte[] ownerBytes = rs.getBytes("owner");
          key.setOwner(ownerBytes == null ? ByteString.EMPTY : ByteString.copyFrom(ownerBytes));
        }
      }
      try (PreparedStatement q = c.prepareStatement("SELECT kind, key_version, nonce, ciphertext"
          + " FROM wallet_shares WHERE wallet_id = ?")) {
        q.setString(1, walletId);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            boolean isAuth = rs.getString("kind").equals("auth");
            SealedShare share = SealedShare.newBuilder()
                .setKind(isAuth ? ShareKind.AUTH : ShareKind.EXEC)
                .setKeyVersion(rs.getInt("key_version"))
                .setNonce(ByteString.copyFrom(rs.getBytes("nonce")))
                .setCiphertext(ByteString.copyFrom(rs.getBytes("ciphertext"))).build();
            if (isAuth) {
              key.setAuthShare(share);
            } else {
              key.setExecShare(share);
            }
          }
        }
      }
      WalletKey k = key.build();
      assertTrue(k.hasAuthShare() && k.hasExecShare(), "both shares of " + walletId);
      return k;
    } catch (java.sql.SQLException e) {
      throw new AssertionError("reading " + walletId + " from PostgreSQL: " + e, e);
    }
  }

  private static SignRequest signRequest(WalletKey key, String message,
      RequestAuthorization authorization) {
    SignRequest.Builder b = SignRequest.newBuilder().setKey(key).setPersonalMessage(
        PersonalMessage.newBuilder().setMessage(ByteString.copyFromUtf8(message)));
    if (authorization != null) {
      b.setAuthorization(authorization);
    }
    return b.build();
  }

  private static ExportKeyRequest exportRequest(WalletKey key, byte[] recipient,
      RequestAuthorization authorization) {
    ExportKeyRequest.Builder b = ExportKeyRequest.newBuilder().setKey(key)
        .setRecipientPublicKey(ByteString.copyFrom(recipient));
    if (authorization != null) {
      b.setAuthorization(authorization);
    }
    return b.build();
  }

  private static UpdateAuthorityRequest update(WalletKey key, ByteString newOwner,
      RequestAuthorization authorization) {
    UpdateAuthorityRequest.Builder b = UpdateAuthorityRequest.newBuilder().setKey(key)
        .setNewOwner(newOwner);
    if (authorization != null) {
      b.setAuthorization(authorization);
    }
    return b.build();
  }

  /** The exported key opens for the recipient and is the wallet's private key. */
  private static void assertOpensToTheWalletsKey(HpkeKeyPair recipient, WalletKey key,
      EnclaveResponse r) throws Exception {
    byte[] privateKey = ExportEnvelope.open(recipient, key.getWalletId(),
        r.getExportKey().getEnc().toByteArray(), r.getExportKey().getCiphertext().toByteArray());
    try {
      assertArrayEquals(key.getPublicKey().toByteArray(), Secp256k1Points.G
          .multiply(new BigInteger(1, privateKey)).normalize().getEncoded(false));
    } finally {
      java.util.Arrays.fill(privateKey, (byte) 0);
    }
  }

  /** The owner's signed request for {@code method path} with {@code body}, 10 minutes to live. */
  private static RequestAuthorization signed(Signer signer, String method, String path,
      String body) {
    return signedAt(System.currentTimeMillis() + 600_000, method, path, body, signer);
  }

  private static RequestAuthorization signedAt(long expiryMillis, String method, String path,
      String body, Signer... signers) {
    String expiry = Long.toString(expiryMillis);
    String url = baseUrl + path;
    List<String> sigs = new ArrayList<>();
    for (Signer s : signers) {
      sigs.add(s.signer().signRequest(method, url, body, appId, null, expiry));
    }
    return RequestAuthorization.newBuilder().setMethod(method).setUrl(url)
        .setBody(ByteString.copyFromUtf8(body)).setAppId(appId).setRequestExpiry(expiry)
        .setSignatures(String.join(",", sigs)).build();
  }

  /** As {@link #signed} for a POST, signed with the {@code privy-idempotency-key} {@code key}. */
  private static RequestAuthorization signedKeyed(Signer signer, String path, String body,
      String key) {
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    String url = baseUrl + path;
    return RequestAuthorization.newBuilder().setMethod("POST").setUrl(url)
        .setBody(ByteString.copyFromUtf8(body)).setAppId(appId).setIdempotencyKey(key)
        .setRequestExpiry(expiry)
        .setSignatures(signer.signer().signRequest("POST", url, body, appId, key, expiry)).build();
  }

  private static RequestAuthorization signedWithoutExpiry(Signer signer, String path,
      String body) {
    String url = baseUrl + path;
    return RequestAuthorization.newBuilder().setMethod("POST").setUrl(url)
        .setBody(ByteString.copyFromUtf8(body)).setAppId(appId)
        .setSignatures(signer.signer().signRequest("POST", url, body, appId, null, null)).build();
  }

  private static RequestAuthorization signedFor(String app, String url, Signer signer,
      String body) {
    String expiry = Long.toString(System.currentTimeMillis() + 600_000);
    return RequestAuthorization.newBuilder().setMethod("POST").setUrl(url)
        .setBody(ByteString.copyFromUtf8(body)).setAppId(app).setRequestExpiry(expiry)
        .setSignatures(signer.signer().signRequest("POST", url, body, app, null, expiry)).build();
  }

  private static KeyQuorum singleKey(Signer s) {
    return KeyQuorum.newBuilder().setThreshold(1)
        .addPublicKeys(ByteString.copyFrom(Base64.getDecoder().decode(s.spki()))).build();
  }

  private static String personalSign(String message) throws Exception {
    return "{\"method\":\"personal_sign\",\"params\":{\"message\":"
        + JSON.writeValueAsString(message) + ",\"encoding\":\"utf-8\"}}";
  }

  private static String exportBody(byte[] recipient) {
    return "{\"encryption_type\":\"HPKE\",\"recipient_public_key\":\""
        + Base64.getEncoder().encodeToString(recipient) + "\"}";
  }

  /** A raw_sign body (Privy's shape) of a 32-byte hash. */
  private static String rawSign(byte[] hash) {
    return "{\"params\":{\"hash\":\"0x" + HexFormat.of().formatHex(hash) + "\"}}";
  }

  private static SignRequest digestRequest(WalletKey key, byte[] digest,
      RequestAuthorization authorization) {
    return SignRequest.newBuilder().setKey(key).setDigest(ByteString.copyFrom(digest))
        .setAuthorization(authorization).build();
  }

  private static String rpc(String walletId) {
    return "/v1/wallets/" + walletId + "/rpc";
  }

  private static String export(String walletId) {
    return "/v1/wallets/" + walletId + "/export";
  }

  /** A DER SEQUENCE of two positive 32-byte INTEGERs, with random contents. */
  private static byte[] randomDer() {
    byte[] der = new byte[70];
    der[0] = 0x30;
    der[1] = 68;
    der[2] = 0x02;
    der[3] = 32;
    der[36] = 0x02;
    der[37] = 32;
    byte[] r = randomBytes(32);
    byte[] s = randomBytes(32);
    r[0] &= 0x7f;
    s[0] &= 0x7f;
    r[0] |= 0x01;
    s[0] |= 0x01;
    System.arraycopy(r, 0, der, 4, 32);
    System.arraycopy(s, 0, der, 38, 32);
    return der;
  }

  private static SecretBytes secp256k1Key() {
    while (true) {
      byte[] k = randomBytes(32);
      if (Secp256k1Signer.isValidPrivateKey(k)) {
        return SecretBytes.takeOwnership(k);
      }
    }
  }

  private static String createWallet(String body) throws Exception {
    return api("POST", "/v1/wallets", body, Map.of()).get("id").asText();
  }

  /** A client's API call (the app's Basic credentials); fails unless it answers 200. */
  private static JsonNode api(String method, String path, String body,
      Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", auth)
        .header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    headers.forEach(b::header);
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), () -> method + " " + path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.startsWith("0x") ? s.substring(2) : s);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
