package io.nitrosign.policy;

import io.nitrosign.policy.payload.Eip7702AuthorizationPayload;
import io.nitrosign.policy.payload.EthTransactionPayload;
import io.nitrosign.policy.payload.MessagePayload;
import io.nitrosign.policy.payload.PsbtPayload;
import io.nitrosign.policy.payload.SolanaTransactionPayload;
import io.nitrosign.policy.payload.StellarTransactionPayload;
import io.nitrosign.policy.payload.TypedDataPayload;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The catalog: chain types, the methods of each, the field sources each method's rules may use,
 * and every field with its type and how it is read from a payload.
 *
 * <p>Methods: Privy's names for the chain plus ours ({@code secp256k1_sign}, {@code raw_sign},
 * {@code signPsbt}). {@code raw_sign} is also the method of {@code POST /v1/wallets/{id}/raw_sign}
 * on every chain (Privy's raw sign endpoint; its payload is raw bytes, which no field reads). Methods that the appliance never serves ({@code eth_sendTransaction},
 * {@code exportPrivateKey}, ...) are accepted as Privy accepts them; their rules never match
 * because no request has that method. A rule for a specific method may use only the field sources
 * that method's payload has (plus {@code system} and {@code reference}): a condition that could
 * never be evaluated is refused rather than silently never holding. A {@code "*"} rule may use
 * every source of its chain; a condition whose source the request's payload does not have does not
 * hold.
 */
final class Fields {

  private Fields() {}

  static final Set<String> CHAIN_TYPES = Set.of("ethereum", "solana", "stellar", "bitcoin", "bitcoin-testnet");

  static final Pattern ID = Pattern.compile("[a-z0-9]{24}");

  private static final Set<String> ETH_TX = Set.of("ethereum_transaction", "ethereum_calldata",
      "ethereum_7702_authorization");
  private static final Set<String> ETH_TYPED = Set.of("ethereum_typed_data_domain",
      "ethereum_typed_data_message");
  private static final Set<String> SOLANA_TX = Set.of("solana_program_instruction",
      "solana_system_program_instruction", "solana_token_program_instruction");
  private static final Set<String> STELLAR_TX = Set.of("stellar_operation", "stellar_transaction");
  private static final Set<String> BITCOIN_TX = Set.of("bitcoin_output", "bitcoin_transaction");
  private static final Set<String> MESSAGE = Set.of("message");
  private static final Set<String> NONE = Set.of();

  /** Per chain family: method to the payload field sources its rules may use. */
  private static final Map<String, Map<String, Set<String>>> METHODS = Map.of(
      "ethereum", methods(
          "eth_signTransaction", ETH_TX, "eth_sendTransaction", ETH_TX,
          "eth_signUserOperation", ETH_TX, "wallet_sendCalls", ETH_TX,
          "eth_signTypedData_v4", ETH_TYPED,
          "eth_sign7702Authorization", Set.of("ethereum_7702_authorization"),
          "personal_sign", MESSAGE, "secp256k1_sign", NONE, "raw_sign", NONE,
          "exportPrivateKey", NONE, "exportSeedPhrase", NONE),
      "solana", methods(
          "signTransaction", SOLANA_TX, "signAndSendTransaction", SOLANA_TX,
          "signMessage", MESSAGE, "raw_sign", NONE, "exportPrivateKey", NONE,
          "exportSeedPhrase", NONE),
      "stellar", methods(
          "signTransaction", STELLAR_TX, "raw_sign", NONE, "exportPrivateKey", NONE,
          "exportSeedPhrase", NONE),
      "bitcoin", methods(
          "signPsbt", BITCOIN_TX, "secp256k1_sign", NONE, "raw_sign", NONE,
          "exportPrivateKey", NONE, "exportSeedPhrase", NONE));

  private static Map<String, Set<String>> methods(Object... pairs) {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      @SuppressWarnings("unchecked")
      Set<String> sources = (Set<String>) pairs[i + 1];
      m.put((String) pairs[i], sources);
    }
    return m;
  }

  static String family(String chainType) {
    return chainType.equals("bitcoin-testnet") ? "bitcoin" : chainType;
  }

  static boolean knownMethod(String chainType, String method) {
    return method.equals("*") || METHODS.get(family(chainType)).containsKey(method);
  }

  static Set<String> methodsOf(String chainType) {
    return METHODS.get(family(chainType)).keySet();
  }

  /** Whether a rule for {@code method} of a {@code chainType} policy may use {@code source}. */
  static boolean sourceAllowed(String chainType, String method, String source) {
    if (source.equals("system") || source.equals("reference")) {
      return true;
    }
    Map<String, Set<String>> m = METHODS.get(family(chainType));
    if (method.equals("*")) {
      return m.values().stream().anyMatch(s -> s.contains(source));
    }
    return m.get(method).contains(source);
  }

  /** The chain family whose payloads a field source reads; null for system/reference/message. */
  static String familyOfSource(String source) {
    if (ETH_TX.contains(source) || ETH_TYPED.contains(source)) {
      return "ethereum";
    }
    if (SOLANA_TX.contains(source)) {
      return "solana";
    }
    if (STELLAR_TX.contains(source)) {
      return "stellar";
    }
    if (BITCOIN_TX.contains(source)) {
      return "bitcoin";
    }
    return null;
  }

  static boolean knownSource(String source) {
    return familyOfSource(source) != null || source.equals("system") || source.equals("reference")
        || source.equals("message");
  }

  /** A resolved field: its type and range, how to read it, whether it is read per element. */
  record Ref(FieldType type, BigInteger min, BigInteger max, Compiled.Extractor extractor,
      boolean element, boolean many) {}

  static final BigInteger U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  static final BigInteger I64 = BigInteger.valueOf(Long.MAX_VALUE);
  static final BigInteger U256 = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);

  private static Ref integer(BigInteger max, Compiled.Extractor x) {
    return new Ref(FieldType.INTEGER, BigInteger.ZERO, max, x, false, false);
  }

  private static Ref of(FieldType t, Compiled.Extractor x) {
    return new Ref(t, null, null, x, false, false);
  }

  private static Ref element(FieldType t, BigInteger max, Compiled.Extractor x) {
    return new Ref(t, max == null ? null : BigInteger.ZERO, max, x, true, false);
  }

  /**
   * Resolves {@code field} of {@code source} ({@code source} known); {@code abi} and
   * {@code typedData} are the condition's, already checked to be present exactly when the source
   * needs them. Errors at {@code path + ".field"} (or {@code .abi}, {@code .typed_data}).
   */
  static Ref resolve(String source, String field, Object abi, Object typedData, String path) {
    String fp = Plain.join(path, "field");
    Ref r = switch (source) {
      case "ethereum_transaction" -> ethTransaction(field);
      case "ethereum_calldata" -> {
        Abi.Field f = Abi.field(Abi.functions(abi, Plain.join(path, "abi")), field, fp);
        yield new Ref(f.type, f.min, f.max, f, false, f.many);
      }
      case "ethereum_typed_data_domain" -> typedDataDomain(field);
      case "ethereum_typed_data_message" -> {
        TypedDataPath t = TypedDataPath.compile(typedData, field, Plain.join(path, "typed_data"), fp);
        yield new Ref(t.type, t.min, t.max, t, false, t.many);
      }
      case "ethereum_7702_authorization" -> authorization(field);
      case "solana_program_instruction" -> field.equals("programId")
          ? element(FieldType.SOLANA_ADDRESS, null, (ev, el) -> el instanceof SolanaTransactionPayload.Instruction i
              ? orUnknown(i.programId()) : null)
          : null;
      case "solana_system_program_instruction" -> solana(field, true);
      case "solana_token_program_instruction" -> solana(field, false);
      case "system" -> field.equals("current_unix_timestamp")
          ? integer(I64, (ev, el) -> BigInteger.valueOf(ev.request.nowEpochSeconds())) : null;
      case "message" -> message(field);
      case "reference" -> reference(field, fp);
      case "stellar_operation" -> stellarOperation(field);
      case "stellar_transaction" -> stellarTransaction(field);
      case "bitcoin_output" -> bitcoinOutput(field);
      case "bitcoin_transaction" -> bitcoinTransaction(field);
      default -> null;
    };
    if (r == null) {
      throw new PolicyException(fp, "'" + Compiled.shorten(field) + "' is not a field of " + source);
    }
    return r;
  }

  private static Object orUnknown(Object v) {
    return v == null ? FieldType.UNKNOWN : v;
  }

  private static Ref ethTransaction(String field) {
    return switch (field) {
      case "to" -> of(FieldType.ETH_ADDRESS, (ev, el) -> ev.payload instanceof EthTransactionPayload t
          && t.to() != null ? FieldType.ETH_ADDRESS.fromPayload(t.to()) : null);
      case "value" -> integer(U256, (ev, el) -> ev.payload instanceof EthTransactionPayload t ? orUnknown(t.value()) : null);
      // a transaction without chain id (pre-EIP-155) is valid on every chain: undecidable
      case "chain_id" -> integer(U256, (ev, el) -> ev.payload instanceof EthTransactionPayload t ? orUnknown(t.chainId()) : null);
      case "nonce" -> integer(U256, (ev, el) -> ev.payload instanceof EthTransactionPayload t ? orUnknown(t.nonce()) : null);
      case "gas_limit" -> integer(U256, (ev, el) -> ev.payload instanceof EthTransactionPayload t ? orUnknown(t.gasLimit()) : null);
      // fee fields that the transaction's type does not have are absent
      case "gas_price" -> integer(U256, (ev, el) -> ev.payload instanceof EthTransactionPayload t ? t.gasPrice() : null);
      case "max_fee_per_gas" -> integer(U256, (ev, el) -> ev.payload instanceof EthTransactionPayload t ? t.maxFeePerGas() : null);
      case "max_priority_fee_per_gas" -> integer(U256, (ev, el) -> ev.payload instanceof EthTransactionPayload t
          ? t.maxPriorityFeePerGas() : null);
      case "data" -> of(FieldType.HEX, (ev, el) -> ev.payload instanceof EthTransactionPayload t
          ? (t.data() == null ? new byte[0] : t.data()) : null);
      case "type" -> integer(BigInteger.valueOf(255), (ev, el) -> ev.payload instanceof EthTransactionPayload t
          ? BigInteger.valueOf(t.type()) : null);
      default -> null;
    };
  }

  private static Ref typedDataDomain(String field) {
    return switch (field) {
      // a domain without chainId is valid on every chain: undecidable
      case "chainId", "chain_id" -> integer(U256, (ev, el) -> ev.payload instanceof TypedDataPayload t
          ? (t.domain() == null || t.domain().get("chainId") == null ? FieldType.UNKNOWN
              : FieldType.INTEGER.fromPayload(t.domain().get("chainId"))) : null);
      case "verifyingContract", "verifying_contract" -> of(FieldType.ETH_ADDRESS, (ev, el) ->
          ev.payload instanceof TypedDataPayload t && t.domain() != null
              && t.domain().get("verifyingContract") != null
              ? FieldType.ETH_ADDRESS.fromPayload(t.domain().get("verifyingContract")) : null);
      default -> null;
    };
  }

  private static Ref authorization(String field) {
    java.util.function.Function<Eip7702AuthorizationPayload, Object> get = switch (field) {
      case "contract" -> a -> a.contract() == null ? FieldType.UNKNOWN : FieldType.ETH_ADDRESS.fromPayload(a.contract());
      case "chain_id" -> a -> orUnknown(a.chainId());
      case "nonce" -> a -> orUnknown(a.nonce());
      default -> null;
    };
    if (get == null) {
      return null;
    }
    FieldType type = field.equals("contract") ? FieldType.ETH_ADDRESS : FieldType.INTEGER;
    Compiled.Extractor x = (ev, el) -> {
      if (ev.payload instanceof Eip7702AuthorizationPayload a) {
        return get.apply(a);
      }
      if (ev.payload instanceof EthTransactionPayload t && t.authorizations() != null) {
        // a type-4 transaction: every authorization in its list
        List<Object> out = new ArrayList<>(t.authorizations().size());
        for (Eip7702AuthorizationPayload a : t.authorizations()) {
          out.add(a == null ? FieldType.UNKNOWN : get.apply(a));
        }
        return new Compiled.Many(out);
      }
      return null;
    };
    return new Ref(type, type == FieldType.INTEGER ? BigInteger.ZERO : null,
        type == FieldType.INTEGER ? U256 : null, x, false, true);
  }

  private static final Map<String, Set<String>> SYSTEM_FIELDS = Map.of(
      "Transfer", Set.of("from", "to", "lamports"));
  private static final Map<String, Set<String>> TOKEN_FIELDS = Map.of(
      "Transfer", Set.of("source", "destination", "authority", "amount"),
      "TransferChecked", Set.of("source", "destination", "authority", "amount", "mint"),
      "Burn", Set.of("account", "mint", "authority", "amount"),
      "MintTo", Set.of("mint", "account", "authority", "amount"),
      "CloseAccount", Set.of("account", "destination", "authority"),
      "InitializeAccount3", Set.of("account", "mint", "owner"));

  private static Ref solana(String field, boolean system) {
    java.util.function.Predicate<String> program = system ? "system"::equals
        : p -> "token".equals(p) || "token_2022".equals(p);
    if (field.equals("instructionName")) {
      return element(FieldType.STRING, null, (ev, el) -> el instanceof SolanaTransactionPayload.Instruction i
          && program.test(i.program()) ? orUnknown(i.name()) : null);
    }
    int dot = field.indexOf('.');
    if (dot < 0) {
      return null;
    }
    String name = field.substring(0, dot);
    String key = field.substring(dot + 1);
    Set<String> keys = (system ? SYSTEM_FIELDS : TOKEN_FIELDS).get(name);
    if (keys == null || !keys.contains(key)) {
      return null;
    }
    boolean amount = key.equals("lamports") || key.equals("amount");
    FieldType type = amount ? FieldType.INTEGER : FieldType.SOLANA_ADDRESS;
    return element(type, amount ? U64 : null, (ev, el) -> {
      if (!(el instanceof SolanaTransactionPayload.Instruction i) || !program.test(i.program())) {
        return null;
      }
      if (i.name() == null) {
        return FieldType.UNKNOWN; // an instruction of the program that was not decoded
      }
      if (!i.name().equals(name)) {
        return null;
      }
      // an account loaded from a lookup table is null: unknown to the signer
      Object v = i.fields() == null ? null : i.fields().get(key);
      return v == null ? FieldType.UNKNOWN : type.fromPayload(v);
    });
  }

  private static Ref message(String field) {
    return switch (field) {
      case "content" -> of(FieldType.STRING, (ev, el) -> {
        if (!(ev.payload instanceof MessagePayload m)) {
          return null;
        }
        if (m.message() == null) {
          return FieldType.UNKNOWN;
        }
        try {
          return StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(m.message())).toString();
        } catch (CharacterCodingException e) {
          return FieldType.UNKNOWN; // not text: a content condition cannot tell
        }
      });
      case "byte_length" -> integer(I64, (ev, el) -> ev.payload instanceof MessagePayload m
          ? (m.message() == null ? FieldType.UNKNOWN : BigInteger.valueOf(m.message().length)) : null);
      default -> null;
    };
  }

  private static Ref reference(String field, String fp) {
    if (!field.startsWith("aggregation.")) {
      return null;
    }
    String id = field.substring("aggregation.".length());
    if (!ID.matcher(id).matches()) {
      throw new PolicyException(fp, "must be aggregation.<id>, the id 24 lower-case letters and digits");
    }
    return integer(U256, (ev, el) -> ev.context.aggregationTotal(id));
  }

  private static Ref stellarOperation(String field) {
    return switch (field) {
      case "type" -> element(FieldType.STRING, null, (ev, el) -> el instanceof StellarTransactionPayload.Operation o
          ? orUnknown(o.type()) : null);
      case "destination" -> element(FieldType.STELLAR_ADDRESS, null, (ev, el) ->
          el instanceof StellarTransactionPayload.Operation o && o.destination() != null
              ? FieldType.STELLAR_ADDRESS.fromPayload(o.destination()) : null);
      case "asset" -> element(FieldType.STRING, null, (ev, el) ->
          el instanceof StellarTransactionPayload.Operation o ? o.asset() : null);
      case "amount" -> element(FieldType.INTEGER, I64, (ev, el) ->
          el instanceof StellarTransactionPayload.Operation o && o.amount() != null
              ? BigInteger.valueOf(o.amount()) : null);
      // the operation's own source, else the transaction's (the account it acts on)
      case "source_account" -> element(FieldType.STELLAR_ADDRESS, null, (ev, el) -> {
        if (!(el instanceof StellarTransactionPayload.Operation o)) {
          return null;
        }
        String s = o.sourceAccount() != null ? o.sourceAccount()
            : ev.payload instanceof StellarTransactionPayload t ? t.sourceAccount() : null;
        return s == null ? FieldType.UNKNOWN : FieldType.STELLAR_ADDRESS.fromPayload(s);
      });
      default -> null;
    };
  }

  private static Ref stellarTransaction(String field) {
    return switch (field) {
      case "network" -> of(FieldType.STRING, (ev, el) -> ev.payload instanceof StellarTransactionPayload t
          ? orUnknown(t.network()) : null);
      case "source_account" -> of(FieldType.STELLAR_ADDRESS, (ev, el) -> ev.payload instanceof StellarTransactionPayload t
          ? (t.sourceAccount() == null ? FieldType.UNKNOWN : FieldType.STELLAR_ADDRESS.fromPayload(t.sourceAccount()))
          : null);
      case "fee" -> integer(I64, (ev, el) -> ev.payload instanceof StellarTransactionPayload t
          ? BigInteger.valueOf(t.fee()) : null);
      default -> null;
    };
  }

  private static Ref bitcoinOutput(String field) {
    return switch (field) {
      // an output script without an address: undecidable for an address condition
      case "address" -> element(FieldType.BITCOIN_ADDRESS, null, (ev, el) -> el instanceof PsbtPayload.Output o
          ? (o.address() == null ? FieldType.UNKNOWN : FieldType.BITCOIN_ADDRESS.fromPayload(o.address())) : null);
      case "value" -> element(FieldType.INTEGER, I64, (ev, el) -> el instanceof PsbtPayload.Output o
          ? BigInteger.valueOf(o.value()) : null);
      default -> null;
    };
  }

  private static Ref bitcoinTransaction(String field) {
    return switch (field) {
      // unknown when an input's value is unknown: undecidable
      case "fee" -> integer(I64, (ev, el) -> ev.payload instanceof PsbtPayload p
          ? (p.fee() == null ? FieldType.UNKNOWN : BigInteger.valueOf(p.fee())) : null);
      case "total_output" -> integer(I64, (ev, el) -> ev.payload instanceof PsbtPayload p
          ? BigInteger.valueOf(p.totalOutput()) : null);
      case "network" -> of(FieldType.STRING, (ev, el) -> ev.payload instanceof PsbtPayload p
          ? orUnknown(p.network()) : null);
      default -> null;
    };
  }

  /**
   * The elements a payload is evaluated on one by one (Solana instructions, Stellar operations,
   * Bitcoin outputs that do not pay the wallet itself), or null for a payload evaluated whole.
   */
  static List<?> elements(Object payload) {
    if (payload instanceof SolanaTransactionPayload s) {
      return s.instructions() == null ? List.of() : s.instructions();
    }
    if (payload instanceof StellarTransactionPayload s) {
      return s.operations() == null ? List.of() : s.operations();
    }
    if (payload instanceof PsbtPayload p) {
      List<PsbtPayload.Output> out = new ArrayList<>();
      if (p.outputs() != null) {
        for (PsbtPayload.Output o : p.outputs()) {
          if (o == null || !o.wallet()) {
            out.add(o);
          }
        }
      }
      return out;
    }
    return null;
  }

  /** {@code instruction 2}, {@code operation 0}, {@code output 1}. */
  static String elementName(Object element, int position) {
    if (element instanceof SolanaTransactionPayload.Instruction i) {
      return "instruction " + i.index();
    }
    if (element instanceof StellarTransactionPayload.Operation o) {
      return "operation " + o.index();
    }
    if (element instanceof PsbtPayload.Output o) {
      return "output " + o.index();
    }
    return "element " + position;
  }
}
