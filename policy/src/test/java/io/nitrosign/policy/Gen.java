package io.nitrosign.policy;

import com.esaulpaugh.headlong.abi.Address;
import com.esaulpaugh.headlong.abi.Function;
import com.esaulpaugh.headlong.abi.Tuple;
import io.nitrosign.policy.payload.Eip7702AuthorizationPayload;
import io.nitrosign.policy.payload.EthTransactionPayload;
import io.nitrosign.policy.payload.MessagePayload;
import io.nitrosign.policy.payload.Payload;
import io.nitrosign.policy.payload.PsbtPayload;
import io.nitrosign.policy.payload.RawPayload;
import io.nitrosign.policy.payload.SolanaTransactionPayload;
import io.nitrosign.policy.payload.StellarTransactionPayload;
import io.nitrosign.policy.payload.TypedDataPayload;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded random generators for the property tests: payloads of every record type (valid-looking,
 * odd and broken: nulls in optional fields, empty and null lists, null elements, huge and negative
 * numbers, wrong value types in maps, calldata that starts with a known selector and then is
 * noise), and policies built from a catalog of valid conditions for each chain.
 */
final class Gen {

  final Random r;

  Gen(long seed) {
    this.r = new Random(seed);
  }

  static final String A1 = "0x1111111111111111111111111111111111111111";
  static final String A2 = "0x2222222222222222222222222222222222222222";
  static final String SET = "ssssssssssssssssssssssss";
  static final String AGG = "gggggggggggggggggggggggg";
  static final String MAIL_TYPES = TypedDataPolicyTest.MAIL_TYPES;
  static final String ERC20 = EthereumPolicyTest.ERC20_ABI;
  static final String BATCH = EthereumPolicyTest.BATCH_ABI;
  static final String SWAP = EthereumPolicyTest.SWAP_ABI;

  static String c(String source, String field, String op, String value) {
    return "{\"field_source\": \"" + source + "\", \"field\": \"" + field + "\", \"operator\": \"" + op
        + "\", \"value\": " + value + "}";
  }

  static String abi(String field, String op, String value, String abi) {
    return "{\"field_source\": \"ethereum_calldata\", \"field\": \"" + field + "\", \"operator\": \"" + op
        + "\", \"value\": " + value + ", \"abi\": " + abi + "}";
  }

  static String q(String s) {
    return "\"" + s + "\"";
  }

  static final List<String> COMMON = List.of(
      c("system", "current_unix_timestamp", "gte", q("0")),
      c("system", "current_unix_timestamp", "lt", q(String.valueOf(T.NOW + 1))),
      c("reference", "aggregation." + AGG, "lte", q("1000")));

  static final Map<String, List<String>> CONDITIONS = Map.of(
      "ethereum", List.of(
          c("ethereum_transaction", "to", "eq", q(A1)),
          c("ethereum_transaction", "to", "in", "[" + q(A1) + "," + q(A2) + "]"),
          c("ethereum_transaction", "to", "in_condition_set", q(SET)),
          c("ethereum_transaction", "value", "lte", q("1000000000000000000")),
          c("ethereum_transaction", "value", "gt", q("0")),
          c("ethereum_transaction", "chain_id", "in", "[\"1\", \"8453\"]"),
          c("ethereum_transaction", "nonce", "lt", q("100")),
          c("ethereum_transaction", "gas_limit", "gte", q("21000")),
          c("ethereum_transaction", "gas_price", "lte", q("100000000000")),
          c("ethereum_transaction", "max_fee_per_gas", "lt", q("0xffffffffff")),
          c("ethereum_transaction", "max_priority_fee_per_gas", "lte", q("5")),
          c("ethereum_transaction", "data", "starts_with", q("0xa9059cbb")),
          c("ethereum_transaction", "data", "contains", q("0x11")),
          c("ethereum_transaction", "data", "eq", q("0x")),
          c("ethereum_transaction", "type", "eq", q("2")),
          abi("transfer.to", "eq", q(A1), ERC20),
          abi("transfer.value", "lte", q("1000"), ERC20),
          abi("disperse.recipients", "in", "[" + q(A1) + "]", BATCH),
          abi("disperse.values[0]", "gt", q("5"), BATCH),
          abi("multiTransfer.transfers.amount", "gt", q("5"), BATCH),
          abi("exactInputSingle.params.fee", "eq", q("3000"), SWAP),
          c("ethereum_typed_data_domain", "chainId", "eq", q("1")),
          c("ethereum_typed_data_domain", "verifying_contract", "eq", q(A2)),
          "{\"field_source\": \"ethereum_typed_data_message\", \"field\": \"to.wallet\", \"operator\": \"eq\", \"value\": "
              + q(A1) + ", \"typed_data\": " + MAIL_TYPES + "}",
          "{\"field_source\": \"ethereum_typed_data_message\", \"field\": \"contents\", \"operator\": \"contains\", \"value\": \"Bob\", \"typed_data\": "
              + MAIL_TYPES + "}",
          c("ethereum_7702_authorization", "contract", "eq", q(A2)),
          c("ethereum_7702_authorization", "chain_id", "eq", q("0")),
          c("message", "content", "starts_with", q("hi")),
          c("message", "byte_length", "lte", q("100"))),
      "solana", List.of(
          c("solana_program_instruction", "programId", "eq", q(ElementWisePolicyTest.SYSTEM)),
          c("solana_program_instruction", "programId", "in", "[" + q(ElementWisePolicyTest.TOKEN) + "," + q(ElementWisePolicyTest.MEMO) + "]"),
          c("solana_system_program_instruction", "instructionName", "eq", q("Transfer")),
          c("solana_system_program_instruction", "Transfer.to", "eq", q(ElementWisePolicyTest.solana(2))),
          c("solana_system_program_instruction", "Transfer.lamports", "lte", q("1000")),
          c("solana_system_program_instruction", "Transfer.from", "in_condition_set", q(SET)),
          c("solana_token_program_instruction", "instructionName", "in", "[\"Burn\", \"TransferChecked\"]"),
          c("solana_token_program_instruction", "TransferChecked.mint", "eq", q(ElementWisePolicyTest.USDC_MINT)),
          c("solana_token_program_instruction", "TransferChecked.amount", "gt", q("5")),
          c("solana_token_program_instruction", "Burn.amount", "lte", q("9")),
          c("solana_token_program_instruction", "CloseAccount.destination", "eq", q(ElementWisePolicyTest.solana(3))),
          c("message", "content", "contains", q("x"))),
      "stellar", List.of(
          c("stellar_operation", "type", "eq", q("payment")),
          c("stellar_operation", "destination", "eq", q(ElementWisePolicyTest.stellar(2))),
          c("stellar_operation", "asset", "starts_with", q("USDC")),
          c("stellar_operation", "asset", "eq", q("native")),
          c("stellar_operation", "amount", "lte", q("100")),
          c("stellar_operation", "source_account", "eq", q(ElementWisePolicyTest.stellar(1))),
          c("stellar_transaction", "network", "eq", q("Test SDF Network ; September 2015")),
          c("stellar_transaction", "source_account", "in_condition_set", q(SET)),
          c("stellar_transaction", "fee", "lte", q("100"))),
      "bitcoin", List.of(
          c("bitcoin_output", "address", "eq", q(ElementWisePolicyTest.BC_DEST)),
          c("bitcoin_output", "address", "in", "[" + q(ElementWisePolicyTest.BC_OTHER) + "]"),
          c("bitcoin_output", "value", "lte", q("1000")),
          c("bitcoin_transaction", "fee", "lte", q("100")),
          c("bitcoin_transaction", "total_output", "gt", q("5")),
          c("bitcoin_transaction", "network", "eq", q("bitcoin"))));

  static final List<String> CHAINS = List.of("ethereum", "solana", "stellar", "bitcoin", "bitcoin-testnet");

  /** Methods a request may carry: the chain's, the other chains', and nonsense. */
  static final List<String> METHODS = List.of("eth_signTransaction", "eth_signTypedData_v4", "personal_sign",
      "eth_sign7702Authorization", "secp256k1_sign", "signTransaction", "signMessage", "raw_sign", "signPsbt",
      "eth_sendTransaction", "exportPrivateKey", "", "*", "bogus");

  <T> T pick(List<T> l) {
    return l.get(r.nextInt(l.size()));
  }

  String chain() {
    return pick(CHAINS);
  }

  /** A rule body (as JSON text) for a chain: random method, action and conditions. */
  String ruleJson(String chain, String forcedAction, String forcedMethod) {
    List<String> methods = new ArrayList<>(Fields.methodsOf(chain));
    methods.add("*");
    methods.add("*");
    String method = forcedMethod != null ? forcedMethod : pick(methods);
    String action = forcedAction != null ? forcedAction : r.nextBoolean() ? "ALLOW" : "DENY";
    List<String> pool = new ArrayList<>(COMMON);
    for (String cond : CONDITIONS.get(Fields.family(chain))) {
      String source = (String) T.json(cond).get("field_source");
      if (Fields.sourceAllowed(chain, method, source)
          && !(source.equals("message") && !chain.equals("ethereum") && !chain.equals("solana"))) {
        pool.add(cond);
      }
    }
    int n = r.nextInt(4);
    List<String> conds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      conds.add(pick(pool));
    }
    return "{\"name\": \"r" + r.nextInt(1000) + "\", \"method\": \"" + method + "\", \"action\": \"" + action
        + "\", \"conditions\": [" + String.join(",", conds) + "]}";
  }

  Policy policy(String chain, int rules) {
    List<String> rs = new ArrayList<>();
    for (int i = 0; i < rules; i++) {
      rs.add(ruleJson(chain, null, null));
    }
    return policy(chain, rs);
  }

  static Policy policy(String chain, List<String> rules) {
    return T.policy("{\"version\": \"1.0\", \"name\": \"p\", \"chain_type\": \"" + chain + "\", \"rules\": ["
        + String.join(",", rules) + "]}");
  }

  List<Policy> policies(String chain) {
    int n = 1 + r.nextInt(3);
    List<Policy> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(policy(chain, r.nextInt(6)));
    }
    return out;
  }

  // ---- values

  BigInteger bigOrNull() {
    return switch (r.nextInt(8)) {
      case 0 -> null;
      case 1 -> BigInteger.ONE.shiftLeft(300);
      case 2 -> BigInteger.valueOf(-5);
      case 3 -> BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
      case 4 -> BigInteger.ZERO;
      default -> BigInteger.valueOf(r.nextInt(3000));
    };
  }

  String ethAddressOrJunk() {
    return switch (r.nextInt(9)) {
      case 0 -> null;
      case 1 -> "";
      case 2 -> "0x";
      case 3 -> "0xZZ11111111111111111111111111111111111111";
      case 4 -> A2;
      case 5 -> Address.toChecksumAddress(A1);
      default -> A1;
    };
  }

  byte[] bytes(int max) {
    byte[] b = new byte[r.nextInt(max + 1)];
    r.nextBytes(b);
    return b;
  }

  byte[] calldata() {
    Address a = Address.wrap(Address.toChecksumAddress(r.nextBoolean() ? A1 : A2));
    return switch (r.nextInt(10)) {
      case 0 -> null;
      case 1 -> new byte[0];
      case 2 -> bytes(80);
      case 3 -> EthereumPolicyTest.transferData(r.nextBoolean() ? A1 : A2, BigInteger.valueOf(r.nextInt(2000)));
      case 4 -> {
        // a known selector, then noise: malformed
        byte[] b = bytes(200);
        byte[] out = new byte[4 + b.length];
        System.arraycopy(new byte[] {(byte) 0xa9, 0x05, (byte) 0x9c, (byte) 0xbb}, 0, out, 0, 4);
        System.arraycopy(b, 0, out, 4, b.length);
        yield out;
      }
      case 5 -> Function.parse("disperse(address[],uint256[])").encodeCallWithArgs(
          r.nextBoolean() ? new Address[0] : new Address[] {a, a}, new BigInteger[] {BigInteger.valueOf(r.nextInt(10))}).array();
      case 6 -> Function.parse("multiTransfer((address,uint256)[])").encodeCallWithArgs(
          (Object) new Tuple[] {Tuple.of(a, BigInteger.valueOf(r.nextInt(10)))}).array();
      case 7 -> {
        // a valid disperse call whose array length word is enormous
        byte[] b = Function.parse("disperse(address[],uint256[])").encodeCallWithArgs(
            new Address[] {a}, new BigInteger[] {BigInteger.ONE}).array();
        b[4 + 64 + 28] = 0x7f;
        yield b;
      }
      default -> new byte[] {(byte) 0x41, 0x4b, (byte) 0xf3, (byte) 0x89, 0};
    };
  }

  Object plainValue(int depth) {
    int k = r.nextInt(depth > 3 ? 7 : 10);
    return switch (k) {
      case 0 -> null;
      case 1 -> "x" + r.nextInt(5);
      case 2 -> A1;
      case 3 -> BigInteger.valueOf(r.nextLong());
      case 4 -> new BigDecimal("1.5");
      case 5 -> r.nextBoolean();
      case 6 -> "0x" + Long.toHexString(r.nextLong() & Long.MAX_VALUE);
      case 7 -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : List.of("to", "from", "wallet", "contents", "name")) {
          if (r.nextBoolean()) {
            m.put(key, plainValue(depth + 1));
          }
        }
        yield m;
      }
      default -> {
        List<Object> l = new ArrayList<>();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          l.add(plainValue(depth + 1));
        }
        yield l;
      }
    };
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> mapOrNull() {
    Object v = plainValue(3);
    return v instanceof Map ? (Map<String, Object>) v : r.nextBoolean() ? null : new HashMap<>();
  }

  // ---- payloads

  Eip7702AuthorizationPayload authorization() {
    return new Eip7702AuthorizationPayload(ethAddressOrJunk(), bigOrNull(), bigOrNull(), new HashMap<>());
  }

  EthTransactionPayload ethTx() {
    List<Eip7702AuthorizationPayload> auths = null;
    if (r.nextInt(3) == 0) {
      auths = new ArrayList<>();
      int n = r.nextInt(3);
      for (int i = 0; i < n; i++) {
        auths.add(r.nextInt(5) == 0 ? null : authorization());
      }
    }
    return new EthTransactionPayload(r.nextBoolean() ? "json" : "rlp", r.nextInt(6) - 1, bigOrNull(), bigOrNull(),
        ethAddressOrJunk(), bigOrNull(), bigOrNull(), bigOrNull(), bigOrNull(), bigOrNull(), bigOrNull(),
        r.nextInt(3), bigOrNull(), calldata(), r.nextInt(3), auths, new HashMap<>());
  }

  @SuppressWarnings("unchecked")
  TypedDataPayload typedData() {
    Map<String, Object> types;
    Map<String, Object> message;
    String primary;
    switch (r.nextInt(3)) {
      case 0 -> {
        TypedDataPayload mail = TypedDataPolicyTest.payload(TypedDataPolicyTest.MAIL);
        types = mail.types();
        primary = r.nextInt(4) == 0 ? "Person" : "Mail";
        message = r.nextBoolean() ? mail.message() : mapOrNull();
      }
      case 1 -> {
        types = new HashMap<>();
        types.put("Mail", plainValue(2));
        types.put("Person", List.of(Map.of("name", 1, "type", "x")));
        primary = "Mail";
        message = mapOrNull();
      }
      default -> {
        types = r.nextBoolean() ? null : mapOrNull();
        primary = r.nextBoolean() ? null : "Mail";
        message = mapOrNull();
      }
    }
    Map<String, Object> domain = mapOrNull();
    if (r.nextBoolean()) {
      domain = new HashMap<>();
      domain.put("chainId", r.nextBoolean() ? BigInteger.ONE : plainValue(4));
      domain.put("verifyingContract", r.nextBoolean() ? A2 : plainValue(4));
    }
    return new TypedDataPayload(types, primary, domain, message, r.nextInt(1000), null,
        new HashMap<>());
  }

  Map<String, Object> solanaFields() {
    if (r.nextInt(6) == 0) {
      return null;
    }
    Map<String, Object> f = new HashMap<>();
    for (String k : List.of("from", "to", "lamports", "source", "destination", "authority", "amount", "mint",
        "account", "owner")) {
      switch (r.nextInt(6)) {
        case 0 -> f.put(k, null);
        case 1 -> f.put(k, ElementWisePolicyTest.solana(r.nextInt(4)));
        case 2 -> f.put(k, BigInteger.valueOf(r.nextInt(2000)));
        case 3 -> f.put(k, Long.MIN_VALUE);
        case 4 -> f.put(k, "junk");
        default -> { }
      }
    }
    return f;
  }

  SolanaTransactionPayload solana() {
    List<SolanaTransactionPayload.Instruction> ins = null;
    if (r.nextInt(6) != 0) {
      ins = new ArrayList<>();
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        ins.add(r.nextInt(8) == 0 ? null : new SolanaTransactionPayload.Instruction(i,
            pick(java.util.Arrays.asList(null, ElementWisePolicyTest.SYSTEM, ElementWisePolicyTest.TOKEN, ElementWisePolicyTest.MEMO)),
            pick(java.util.Arrays.asList(null, "system", "token", "token_2022", "other")),
            pick(java.util.Arrays.asList(null, "Transfer", "TransferChecked", "Burn", "MintTo", "CloseAccount",
                "InitializeAccount3", "CreateAccount")),
            solanaFields(), Map.of()));
      }
    }
    return new SolanaTransactionPayload(r.nextBoolean() ? "legacy" : null, null, null, null, null, ins,
        r.nextInt(3) - 1, null, new HashMap<>());
  }

  String stellarOrJunk() {
    return switch (r.nextInt(6)) {
      case 0 -> null;
      case 1 -> "MJUNK";
      case 2 -> "M" + "A".repeat(68);
      case 3 -> ElementWisePolicyTest.stellar(2);
      default -> ElementWisePolicyTest.stellar(1 + r.nextInt(3));
    };
  }

  StellarTransactionPayload stellar() {
    List<StellarTransactionPayload.Operation> ops = null;
    if (r.nextInt(6) != 0) {
      ops = new ArrayList<>();
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        ops.add(r.nextInt(8) == 0 ? null : new StellarTransactionPayload.Operation(i,
            pick(java.util.Arrays.asList(null, "payment", "create_account", "change_trust")), stellarOrJunk(),
            stellarOrJunk(), pick(java.util.Arrays.asList(null, "native", "USDC:" + ElementWisePolicyTest.stellar(9))),
            r.nextBoolean() ? null : r.nextBoolean() ? Long.MIN_VALUE : (long) r.nextInt(200), null));
      }
    }
    return new StellarTransactionPayload(null, pick(java.util.Arrays.asList(null, "Test SDF Network ; September 2015")),
        stellarOrJunk(), r.nextBoolean() ? -1 : r.nextInt(300), ops, null, new HashMap<>());
  }

  PsbtPayload psbt() {
    List<PsbtPayload.Output> outs = null;
    if (r.nextInt(6) != 0) {
      outs = new ArrayList<>();
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        outs.add(r.nextInt(8) == 0 ? null : new PsbtPayload.Output(i,
            pick(java.util.Arrays.asList(null, "", ElementWisePolicyTest.BC_DEST, ElementWisePolicyTest.BC_OTHER, "BC1QAR0")),
            r.nextBoolean() ? Long.MIN_VALUE : r.nextInt(3000), r.nextInt(3) == 0, null));
      }
    }
    return new PsbtPayload(pick(java.util.Arrays.asList(null, "bitcoin", "bitcoin-testnet")), null, outs,
        r.nextBoolean() ? null : Long.MAX_VALUE, r.nextLong(), r.nextBoolean() ? null : (long) r.nextInt(300),
        null, new HashMap<>());
  }

  Payload payload() {
    return switch (r.nextInt(9)) {
      case 0 -> ethTx();
      case 1 -> typedData();
      case 2 -> authorization();
      case 3 -> new MessagePayload(r.nextInt(5) == 0 ? null : r.nextBoolean() ? "hi there x".getBytes() : bytes(50),
          new HashMap<>());
      case 4 -> new RawPayload(r.nextInt(), r.nextBoolean() ? null : bytes(32), new HashMap<>());
      case 5 -> solana();
      case 6 -> stellar();
      case 7 -> psbt();
      default -> null;
    };
  }

  /** A payload of the kind a wallet of {@code chain} signs. */
  Payload payloadFor(String chain) {
    return switch (Fields.family(chain)) {
      case "ethereum" -> switch (r.nextInt(4)) {
        case 0 -> typedData();
        case 1 -> authorization();
        case 2 -> new MessagePayload(bytes(20), new HashMap<>());
        default -> ethTx();
      };
      case "solana" -> solana();
      case "stellar" -> stellar();
      default -> psbt();
    };
  }

  PolicyContext context() {
    BigInteger total = switch (r.nextInt(4)) {
      case 0 -> null;
      case 1 -> BigInteger.ONE.shiftLeft(400);
      case 2 -> BigInteger.valueOf(-1);
      default -> BigInteger.valueOf(r.nextInt(2000));
    };
    boolean in = r.nextBoolean();
    return new PolicyContext() {
      @Override
      public boolean inConditionSet(String conditionSetId, String value) {
        return in;
      }

      @Override
      public BigInteger aggregationTotal(String aggregationId) {
        return total;
      }
    };
  }
}
