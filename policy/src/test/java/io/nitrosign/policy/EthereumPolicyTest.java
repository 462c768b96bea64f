package io.nitrosign.policy;

import static io.nitrosign.policy.T.eval;
import static io.nitrosign.policy.T.rule;
import static io.nitrosign.policy.T.tx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esaulpaugh.headlong.abi.Address;
import com.esaulpaugh.headlong.abi.Function;
import com.esaulpaugh.headlong.abi.Tuple;
import io.nitrosign.policy.payload.Eip7702AuthorizationPayload;
import io.nitrosign.policy.payload.EthTransactionPayload;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ethereum transactions, calldata (ERC-20, nested tuples, arrays) and EIP-7702 authorizations. */
class EthereumPolicyTest {

  static final String USDC = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
  static final String ALICE = "0x1111111111111111111111111111111111111111";
  static final String MIXER = "0xd90e2f925da726b50c4ed8d0fb90ad053324f31b";

  static final String ERC20_ABI = """
      [{"type": "function", "name": "transfer", "stateMutability": "nonpayable",
        "inputs": [{"name": "to", "type": "address", "internalType": "address"},
                   {"name": "value", "type": "uint256", "internalType": "uint256"}],
        "outputs": [{"name": "", "type": "bool", "internalType": "bool"}]},
       {"type": "function", "name": "approve", "stateMutability": "nonpayable",
        "inputs": [{"name": "spender", "type": "address"}, {"name": "value", "type": "uint256"}],
        "outputs": [{"name": "", "type": "bool"}]},
       {"type": "event", "name": "Transfer", "anonymous": false,
        "inputs": [{"indexed": true, "name": "from", "type": "address"},
                   {"indexed": true, "name": "to", "type": "address"},
                   {"indexed": false, "name": "value", "type": "uint256"}]}]
      """;

  /** Uniswap V3 SwapRouter's exactInputSingle, as in its published ABI. */
  static final String SWAP_ABI = """
      [{"inputs": [{"components": [
          {"internalType": "address", "name": "tokenIn", "type": "address"},
          {"internalType": "address", "name": "tokenOut", "type": "address"},
          {"internalType": "uint24", "name": "fee", "type": "uint24"},
          {"internalType": "address", "name": "recipient", "type": "address"},
          {"internalType": "uint256", "name": "deadline", "type": "uint256"},
          {"internalType": "uint256", "name": "amountIn", "type": "uint256"},
          {"internalType": "uint256", "name": "amountOutMinimum", "type": "uint256"},
          {"internalType": "uint160", "name": "sqrtPriceLimitX96", "type": "uint160"}],
        "internalType": "struct ISwapRouter.ExactInputSingleParams", "name": "params", "type": "tuple"}],
        "name": "exactInputSingle",
        "outputs": [{"internalType": "uint256", "name": "amountOut", "type": "uint256"}],
        "stateMutability": "payable", "type": "function"}]
      """;

  static final String BATCH_ABI = """
      [{"type": "function", "name": "disperse",
        "inputs": [{"name": "recipients", "type": "address[]"}, {"name": "values", "type": "uint256[]"}]},
       {"type": "function", "name": "multiTransfer",
        "inputs": [{"name": "transfers", "type": "tuple[]", "components": [
          {"name": "to", "type": "address"}, {"name": "amount", "type": "uint256"}]}]}]
      """;

  static String calldata(String field, String op, String value, String abi) {
    return """
        [{"field_source": "ethereum_calldata", "field": "%s", "operator": "%s", "value": %s, "abi": %s}]
        """.formatted(field, op, value, abi);
  }

  static byte[] transferData(String to, BigInteger amount) {
    Function f = Function.parse("transfer(address,uint256)");
    return f.encodeCallWithArgs(Address.wrap(Address.toChecksumAddress(to)), amount).array();
  }

  @Test
  void transactionFieldsCompareExactlyAndAddressesIgnoreCase() {
    Policy p = rule("ethereum", "eth_signTransaction", "ALLOW", """
        [{"field_source": "ethereum_transaction", "field": "to", "operator": "eq", "value": "%s"},
         {"field_source": "ethereum_transaction", "field": "value", "operator": "lte", "value": "0xde0b6b3a7640000"},
         {"field_source": "ethereum_transaction", "field": "chain_id", "operator": "in", "value": ["1", "8453"]}]
        """.formatted(USDC.toLowerCase()));
    BigInteger oneEth = new BigInteger("1000000000000000000");
    assertTrue(eval(p, "eth_signTransaction", "ethereum", tx(USDC, oneEth, new byte[0])).allowed());
    // one wei more: exact integers, no floating point
    Decision d = eval(p, "eth_signTransaction", "ethereum", tx(USDC, oneEth.add(BigInteger.ONE), new byte[0]));
    assertFalse(d.allowed());
    assertTrue(d.reason().contains("ethereum_transaction.value lte 0xde0b6b3a7640000 did not hold"), d.reason());
    assertTrue(d.reason().startsWith("no rule of policies [" + p.id() + "] allowed eth_signTransaction"), d.reason());
    // another method is default-denied too (the rule is for eth_signTransaction only)
    assertFalse(eval(p, "personal_sign", "ethereum", new io.nitrosign.policy.payload.MessagePayload(
        new byte[] {1}, new HashMap<>())).allowed());
    // uint256 beyond 64 bits
    Policy big = rule("ethereum", "*", "ALLOW", """
        [{"field_source": "ethereum_transaction", "field": "value", "operator": "gt", "value": "18446744073709551616"}]""");
    assertTrue(eval(big, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ONE.shiftLeft(64).add(BigInteger.ONE), null)).allowed());
    assertFalse(eval(big, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ONE.shiftLeft(64), null)).allowed());
  }

  @Test
  void denyNamesTheRuleAndTheCondition() {
    Policy allow = rule("ethereum", "*", "ALLOW", "[]");
    Policy deny = T.policy("""
        {"version": "1.0", "name": "blocklist", "chain_type": "ethereum", "rules": [
          {"name": "Block mixer", "method": "eth_signTransaction", "action": "DENY", "conditions": [
            {"field_source": "ethereum_transaction", "field": "to", "operator": "eq", "value": "%s"}]}]}
        """.formatted(MIXER));
    Decision d = eval(List.of(allow, deny), "eth_signTransaction", "ethereum",
        tx(Address.toChecksumAddress(MIXER), BigInteger.ONE, null));
    assertFalse(d.allowed());
    assertEquals(deny.id(), d.policyId());
    assertEquals(deny.rules().get(0).id(), d.ruleId());
    assertEquals("Block mixer", d.ruleName());
    assertEquals("rule \"Block mixer\" (DENY) matched: ethereum_transaction.to eq " + MIXER, d.reason());
    assertEquals(List.of(allow.id(), deny.id()), d.consulted());
    Map<String, Object> j = d.toJson();
    assertEquals("deny", j.get("decision"));
    assertEquals("Block mixer", j.get("rule_name"));
    assertEquals(List.of(allow.id(), deny.id()), j.get("policies"));

    Decision ok = eval(List.of(allow, deny), "eth_signTransaction", "ethereum", tx(ALICE, BigInteger.ONE, null));
    assertTrue(ok.allowed());
    assertEquals(allow.rules().get(0).id(), ok.ruleId());
    assertEquals("allow", ok.toJson().get("decision"));

    Decision none = PolicyEngine.evaluate(List.of(), new PolicyRequest("eth_signTransaction", "ethereum",
        tx(MIXER, BigInteger.ONE, null), T.NOW), PolicyContext.EMPTY);
    assertTrue(none.allowed());
    assertTrue(none.consulted().isEmpty());
    assertNull(none.toJson().get("policy_id"));
  }

  @Test
  void erc20TransferCalldata() {
    BigInteger amount = new BigInteger("250000000"); // 250 USDC (6 decimals)
    byte[] data = transferData(ALICE, amount);
    // the ABI encoding written out by hand: selector a9059cbb = keccak("transfer(address,uint256)")[0..4]
    String expected = "a9059cbb"
        + "0000000000000000000000001111111111111111111111111111111111111111"
        + "000000000000000000000000000000000000000000000000000000000ee6b280";
    assertEquals(expected, HexFormat.of().formatHex(data));

    Policy p = rule("ethereum", "eth_signTransaction", "ALLOW", """
        [{"field_source": "ethereum_transaction", "field": "to", "operator": "eq", "value": "%s"},
         {"field_source": "ethereum_calldata", "field": "transfer.to", "operator": "eq", "value": "%s", "abi": %s},
         {"field_source": "ethereum_calldata", "field": "transfer.value", "operator": "lte", "value": "1000000000", "abi": %s}]
        """.formatted(USDC, ALICE, ERC20_ABI, ERC20_ABI));
    assertTrue(eval(p, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, data)).allowed());
    assertFalse(eval(p, "eth_signTransaction", "ethereum",
        tx(USDC, BigInteger.ZERO, transferData(ALICE, new BigInteger("1000000001")))).allowed());
    assertFalse(eval(p, "eth_signTransaction", "ethereum",
        tx(USDC, BigInteger.ZERO, transferData(MIXER, BigInteger.ONE))).allowed());
    // approve has another selector: the transfer.* fields are absent, the ALLOW does not hold
    byte[] approve = Function.parse("approve(address,uint256)")
        .encodeCallWithArgs(Address.wrap(Address.toChecksumAddress(ALICE)), BigInteger.ONE).array();
    Decision d = eval(p, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, approve));
    assertFalse(d.allowed());
    assertTrue(d.reason().contains("ethereum_calldata.transfer.to eq " + ALICE + " did not hold"), d.reason());
    // no calldata at all
    assertFalse(eval(p, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, new byte[0])).allowed());
    // the selector test on raw data
    Policy sel = rule("ethereum", "eth_signTransaction", "ALLOW", """
        [{"field_source": "ethereum_transaction", "field": "data", "operator": "starts_with", "value": "0xA9059CBB"}]""");
    assertTrue(eval(sel, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, data)).allowed());
    assertFalse(eval(sel, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, approve)).allowed());
  }

  @Test
  void malformedCalldataOfTheFunctionIsUndecidableAndFailsClosed() {
    byte[] good = transferData(MIXER, BigInteger.ONE);
    // dirty upper bytes in the address word: not a canonical encoding (older contracts mask it)
    byte[] dirty = good.clone();
    dirty[4] = 0x01;
    byte[] truncated = java.util.Arrays.copyOf(good, 30);
    Policy allowAll = rule("ethereum", "*", "ALLOW", "[]");
    Policy deny = rule("ethereum", "eth_signTransaction", "DENY", calldata("transfer.to", "eq", "\"" + MIXER + "\"", ERC20_ABI));
    Policy allowTransfers = rule("ethereum", "eth_signTransaction", "ALLOW",
        calldata("transfer.value", "lte", "\"100\"", ERC20_ABI));
    for (byte[] bad : List.of(dirty, truncated)) {
      // DENY side: an undecidable value matches
      assertFalse(eval(List.of(allowAll, deny), "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, bad)).allowed());
      // ALLOW side: it does not
      assertFalse(eval(allowTransfers, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, bad)).allowed());
    }
    assertFalse(eval(List.of(allowAll, deny), "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, good)).allowed());
    assertTrue(eval(List.of(allowAll, deny), "eth_signTransaction", "ethereum",
        tx(USDC, BigInteger.ZERO, transferData(ALICE, BigInteger.ONE))).allowed());
    assertTrue(eval(allowTransfers, "eth_signTransaction", "ethereum",
        tx(USDC, BigInteger.ZERO, transferData(ALICE, BigInteger.ONE))).allowed());
  }

  @Test
  void nestedTupleOfUniswapExactInputSingle() {
    List<Abi.Fn> fns = Abi.functions(T.jsonValue(SWAP_ABI), "abi");
    assertEquals("exactInputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))",
        fns.get(0).function().getCanonicalSignature());
    assertEquals("414bf389", fns.get(0).function().selectorHex());

    String weth = "0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2";
    Tuple params = Tuple.from(Address.wrap(Address.toChecksumAddress(weth)), Address.wrap(USDC), 3000,
        Address.wrap(Address.toChecksumAddress(ALICE)), BigInteger.valueOf(T.NOW + 600),
        new BigInteger("500000000000000000"), new BigInteger("1000000000"), BigInteger.ZERO);
    byte[] data = fns.get(0).function().encodeCall(Tuple.singleton(params)).array();

    Policy p = rule("ethereum", "eth_signTransaction", "ALLOW", """
        [{"field_source": "ethereum_calldata", "field": "exactInputSingle.params.tokenIn", "operator": "eq", "value": "%s", "abi": %s},
         {"field_source": "ethereum_calldata", "field": "exactInputSingle.params.recipient", "operator": "eq", "value": "%s", "abi": %s},
         {"field_source": "ethereum_calldata", "field": "exactInputSingle.params.amountIn", "operator": "lte", "value": "1000000000000000000", "abi": %s},
         {"field_source": "ethereum_calldata", "field": "exactInputSingle.params.fee", "operator": "in", "value": ["500", "3000"], "abi": %s}]
        """.formatted(weth, SWAP_ABI, ALICE, SWAP_ABI, SWAP_ABI, SWAP_ABI));
    assertTrue(eval(p, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, data)).allowed());

    Tuple toMixer = Tuple.from(Address.wrap(Address.toChecksumAddress(weth)), Address.wrap(USDC), 3000,
        Address.wrap(Address.toChecksumAddress(MIXER)), BigInteger.ONE, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO);
    Decision d = eval(p, "eth_signTransaction", "ethereum",
        tx(USDC, BigInteger.ZERO, fns.get(0).function().encodeCall(Tuple.singleton(toMixer)).array()));
    assertFalse(d.allowed());
    assertTrue(d.reason().contains("exactInputSingle.params.recipient eq " + ALICE + " did not hold"), d.reason());
  }

  @Test
  void wholeArraysAllowOnlyIfEveryElementAndDenyIfAny() {
    Function disperse = Function.parse("disperse(address[],uint256[])");
    Address a = Address.wrap(Address.toChecksumAddress(ALICE));
    Address m = Address.wrap(Address.toChecksumAddress(MIXER));
    byte[] twoAlice = disperse.encodeCallWithArgs(new Address[] {a, a},
        new BigInteger[] {BigInteger.ONE, BigInteger.TWO}).array();
    byte[] aliceAndMixer = disperse.encodeCallWithArgs(new Address[] {a, m},
        new BigInteger[] {BigInteger.ONE, BigInteger.TWO}).array();
    byte[] empty = disperse.encodeCallWithArgs(new Address[0], new BigInteger[0]).array();

    Policy allow = rule("ethereum", "eth_signTransaction", "ALLOW",
        calldata("disperse.recipients", "in", "[\"" + ALICE + "\"]", BATCH_ABI));
    assertTrue(eval(allow, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, twoAlice)).allowed());
    assertFalse(eval(allow, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, aliceAndMixer)).allowed());
    assertFalse(eval(allow, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, empty)).allowed());

    Policy allowAll = rule("ethereum", "*", "ALLOW", "[]");
    Policy deny = rule("ethereum", "eth_signTransaction", "DENY",
        calldata("disperse.recipients", "eq", "\"" + MIXER + "\"", BATCH_ABI));
    assertTrue(eval(List.of(allowAll, deny), "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, twoAlice)).allowed());
    assertFalse(eval(List.of(allowAll, deny), "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, aliceAndMixer)).allowed());
    assertTrue(eval(List.of(allowAll, deny), "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, empty)).allowed());

    // one element by index
    Policy first = rule("ethereum", "eth_signTransaction", "ALLOW",
        calldata("disperse.recipients[1]", "eq", "\"" + MIXER + "\"", BATCH_ABI));
    assertTrue(eval(first, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, aliceAndMixer)).allowed());
    assertFalse(eval(first, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, twoAlice)).allowed());
    assertFalse(eval(first, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, empty)).allowed());

    // tuple[]: a component of every element
    Function multi = Function.parse("multiTransfer((address,uint256)[])");
    byte[] small = multi.encodeCallWithArgs((Object) new Tuple[] {Tuple.of(a, BigInteger.ONE), Tuple.of(m, BigInteger.TEN)}).array();
    byte[] large = multi.encodeCallWithArgs((Object) new Tuple[] {Tuple.of(a, BigInteger.ONE), Tuple.of(m, BigInteger.valueOf(1000))}).array();
    Policy cap = rule("ethereum", "eth_signTransaction", "ALLOW",
        calldata("multiTransfer.transfers.amount", "lte", "\"100\"", BATCH_ABI));
    assertTrue(eval(cap, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, small)).allowed());
    assertFalse(eval(cap, "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, large)).allowed());
    Policy denyLarge = rule("ethereum", "eth_signTransaction", "DENY",
        calldata("multiTransfer.transfers[1].amount", "gt", "\"100\"", BATCH_ABI));
    assertFalse(eval(List.of(allowAll, denyLarge), "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, large)).allowed());
    assertTrue(eval(List.of(allowAll, denyLarge), "eth_signTransaction", "ethereum", tx(USDC, BigInteger.ZERO, small)).allowed());
  }

  @Test
  void conditionSetsLookUpLowerCaseAddresses() {
    String setId = T.id();
    Policy p = rule("ethereum", "eth_signTransaction", "ALLOW", """
        [{"field_source": "ethereum_transaction", "field": "to", "operator": "in_condition_set", "value": "%s"}]
        """.formatted(setId));
    PolicyContext ctx = T.context(Map.of(setId, Set.of(Values.normalizeItem(USDC))), Map.of());
    assertEquals(Set.of(setId), PolicyEngine.referencedConditionSets(List.of(p)));
    assertTrue(PolicyEngine.evaluate(List.of(p), new PolicyRequest("eth_signTransaction", "ethereum",
        tx(USDC, BigInteger.ZERO, null), T.NOW), ctx).allowed());
    assertFalse(PolicyEngine.evaluate(List.of(p), new PolicyRequest("eth_signTransaction", "ethereum",
        tx(ALICE, BigInteger.ZERO, null), T.NOW), ctx).allowed());
  }

  @Test
  void referenceAndSystemConditions() {
    String agg = T.id();
    Policy p = rule("ethereum", "eth_signTransaction", "ALLOW", """
        [{"field_source": "reference", "field": "aggregation.%s", "operator": "lte", "value": "1000000000000000000"},
         {"field_source": "system", "field": "current_unix_timestamp", "operator": "lt", "value": "%d"}]
        """.formatted(agg, T.NOW + 1));
    assertEquals(Set.of(agg), PolicyEngine.referencedAggregations(List.of(p)));
    PolicyRequest r = new PolicyRequest("eth_signTransaction", "ethereum", tx(ALICE, BigInteger.ONE, null), T.NOW);
    assertTrue(PolicyEngine.evaluate(List.of(p), r, T.context(Map.of(),
        Map.of(agg, new BigInteger("1000000000000000000")))).allowed());
    assertFalse(PolicyEngine.evaluate(List.of(p), r, T.context(Map.of(),
        Map.of(agg, new BigInteger("1000000000000000001")))).allowed());
    // unknown total: the condition does not hold
    assertFalse(PolicyEngine.evaluate(List.of(p), r, PolicyContext.EMPTY).allowed());
    // expired
    assertFalse(PolicyEngine.evaluate(List.of(p), new PolicyRequest("eth_signTransaction", "ethereum",
        tx(ALICE, BigInteger.ONE, null), T.NOW + 1), T.context(Map.of(), Map.of(agg, BigInteger.ONE))).allowed());
  }

  @Test
  void legacyTransactionWithoutChainIdIsUndecidable() {
    EthTransactionPayload legacy = new EthTransactionPayload("rlp", 0, null, BigInteger.ZERO, ALICE,
        BigInteger.ONE, BigInteger.valueOf(21000), BigInteger.TEN, null, null, null, 0, BigInteger.TEN,
        new byte[0], 0, null, new HashMap<>());
    Policy allowAll = rule("ethereum", "*", "ALLOW", "[]");
    Policy denyMainnet = rule("ethereum", "eth_signTransaction", "DENY", """
        [{"field_source": "ethereum_transaction", "field": "chain_id", "operator": "eq", "value": "1"}]""");
    Policy allowBase = rule("ethereum", "eth_signTransaction", "ALLOW", """
        [{"field_source": "ethereum_transaction", "field": "chain_id", "operator": "eq", "value": "8453"}]""");
    assertFalse(eval(List.of(allowAll, denyMainnet), "eth_signTransaction", "ethereum", legacy).allowed());
    assertFalse(eval(allowBase, "eth_signTransaction", "ethereum", legacy).allowed());
    // gas_price is absent on a type-2 transaction: a DENY on it does not apply
    Policy denyGas = rule("ethereum", "eth_signTransaction", "DENY", """
        [{"field_source": "ethereum_transaction", "field": "gas_price", "operator": "gt", "value": "1"}]""");
    assertTrue(eval(List.of(allowAll, denyGas), "eth_signTransaction", "ethereum", tx(ALICE, BigInteger.ONE, null)).allowed());
    assertFalse(eval(List.of(allowAll, denyGas), "eth_signTransaction", "ethereum", legacy).allowed());
  }

  @Test
  void eip7702AuthorizationsAndType4Lists() {
    String delegate = "0x63c0c19a282a1b52b07dd5a65b58948a07dae32b";
    String other = "0x2222222222222222222222222222222222222222";
    Eip7702AuthorizationPayload good = new Eip7702AuthorizationPayload(Address.toChecksumAddress(delegate),
        BigInteger.ONE, BigInteger.ZERO, new HashMap<>());
    Eip7702AuthorizationPayload bad = new Eip7702AuthorizationPayload(other, BigInteger.ZERO, BigInteger.ONE,
        new HashMap<>());
    Policy p = rule("ethereum", "*", "ALLOW", """
        [{"field_source": "ethereum_7702_authorization", "field": "contract", "operator": "eq", "value": "%s"}]
        """.formatted(delegate));
    assertTrue(eval(p, "eth_sign7702Authorization", "ethereum", good).allowed());
    assertFalse(eval(p, "eth_sign7702Authorization", "ethereum", bad).allowed());
    assertTrue(eval(p, "eth_signTransaction", "ethereum", T.tx4(ALICE, List.of(good, good))).allowed());
    assertFalse(eval(p, "eth_signTransaction", "ethereum", T.tx4(ALICE, List.of(good, bad))).allowed());
    assertFalse(eval(p, "eth_signTransaction", "ethereum", T.tx4(ALICE, List.of())).allowed());
    // not a type-4 transaction: absent
    assertFalse(eval(p, "eth_signTransaction", "ethereum", tx(ALICE, BigInteger.ONE, null)).allowed());

    Policy denyChainZero = rule("ethereum", "*", "DENY", """
        [{"field_source": "ethereum_7702_authorization", "field": "chain_id", "operator": "eq", "value": "0"}]""");
    Policy allowAll = rule("ethereum", "*", "ALLOW", "[]");
    Decision d = eval(List.of(allowAll, denyChainZero), "eth_signTransaction", "ethereum", T.tx4(ALICE, List.of(good, bad)));
    assertFalse(d.allowed());
    assertTrue(d.reason().contains("ethereum_7702_authorization.chain_id eq 0"), d.reason());
    assertTrue(eval(List.of(allowAll, denyChainZero), "eth_signTransaction", "ethereum", T.tx4(ALICE, List.of(good))).allowed());
  }

  @Test
  void personalSignMessageConditions() {
    Policy p = rule("ethereum", "personal_sign", "ALLOW", """
        [{"field_source": "message", "field": "content", "operator": "starts_with", "value": "Sign in to example.com"},
         {"field_source": "message", "field": "byte_length", "operator": "lte", "value": "200"}]""");
    var ok = new io.nitrosign.policy.payload.MessagePayload(
        "Sign in to example.com\nNonce: 1".getBytes(java.nio.charset.StandardCharsets.UTF_8), new HashMap<>());
    var notText = new io.nitrosign.policy.payload.MessagePayload(new byte[] {(byte) 0xff, (byte) 0xfe}, new HashMap<>());
    assertTrue(eval(p, "personal_sign", "ethereum", ok).allowed());
    assertFalse(eval(p, "personal_sign", "ethereum", notText).allowed());
    Policy deny = rule("ethereum", "personal_sign", "DENY", """
        [{"field_source": "message", "field": "content", "operator": "contains", "value": "transfer"}]""");
    Policy allowAll = rule("ethereum", "*", "ALLOW", "[]");
    // bytes that are not text: a content DENY cannot rule them out
    assertFalse(eval(List.of(allowAll, deny), "personal_sign", "ethereum", notText).allowed());
    assertTrue(eval(List.of(allowAll, deny), "personal_sign", "ethereum", ok).allowed());
  }

  @Test
  void conditionsRoundTripExactlyAsWritten() {
    String body = """
        {"version": "1.0", "name": "Treasury", "chain_type": "ethereum", "rules": [
          {"name": "USDC to Alice", "method": "eth_signTransaction", "action": "ALLOW", "conditions": [
            {"field_source": "ethereum_transaction", "field": "to", "operator": "eq", "value": "%s"},
            {"field_source": "ethereum_calldata", "field": "transfer.value", "operator": "lte", "value": "0x3B9ACA00", "abi": %s}]}]}
        """.formatted(USDC, ERC20_ABI);
    Policy p = PolicyParser.policy("pppppppppppppppppppppppp", T.json(body), T.ids());
    Map<String, Object> j = p.toJson();
    assertEquals("pppppppppppppppppppppppp", j.get("id"));
    assertEquals("1.0", j.get("version"));
    assertEquals("ethereum", j.get("chain_type"));
    @SuppressWarnings("unchecked")
    Map<String, Object> rule = (Map<String, Object>) ((List<Object>) j.get("rules")).get(0);
    assertEquals(p.rules().get(0).id(), rule.get("id"));
    assertEquals("ALLOW", rule.get("action"));
    @SuppressWarnings("unchecked")
    List<Object> conditions = (List<Object>) rule.get("conditions");
    @SuppressWarnings("unchecked")
    List<Object> written = (List<Object>) ((Map<String, Object>) ((List<Object>) T.json(body).get("rules")).get(0)).get("conditions");
    assertEquals(written, conditions);
    // the written value is kept (checksummed, hex), the parsed one is used to match
    assertEquals(USDC, ((Map<?, ?>) conditions.get(0)).get("value"));
    // and re-parsing what was returned gives the same policy
    Policy again = PolicyParser.policy(p.id(), p.toJson().entrySet().stream()
        .filter(e -> !e.getKey().equals("id")).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), T.ids());
    assertEquals(p.toJson(), again.toJson());
    assertArrayEquals(new Object[] {"to", "transfer.value"},
        p.rules().get(0).conditions().stream().map(Condition::field).toArray());
  }
}
