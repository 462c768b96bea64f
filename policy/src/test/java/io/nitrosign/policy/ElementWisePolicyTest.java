package io.nitrosign.policy;

import static io.nitrosign.policy.T.eval;
import static io.nitrosign.policy.T.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nitrosign.chains.solana.SolanaAddress;
import io.nitrosign.chains.stellar.StrKey;
import io.nitrosign.policy.payload.PsbtPayload;
import io.nitrosign.policy.payload.SolanaTransactionPayload;
import io.nitrosign.policy.payload.SolanaTransactionPayload.Instruction;
import io.nitrosign.policy.payload.StellarTransactionPayload;
import io.nitrosign.policy.payload.StellarTransactionPayload.Operation;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Solana instructions, Stellar operations and Bitcoin outputs, each evaluated on its own. */
class ElementWisePolicyTest {

  static final String SYSTEM = "11111111111111111111111111111111";
  static final String TOKEN = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
  static final String MEMO = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr";
  static final String USDC_MINT = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

  static String solana(int seed) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) seed);
    return SolanaAddress.fromPublicKey(b);
  }

  static String stellar(int seed) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) seed);
    return StrKey.encodeAccountId(b);
  }

  static Instruction transfer(int index, String from, String to, long lamports) {
    Map<String, Object> f = new HashMap<>();
    f.put("from", from);
    f.put("to", to);
    f.put("lamports", BigInteger.valueOf(lamports));
    return new Instruction(index, SYSTEM, "system", "Transfer", f, Map.of());
  }

  static Instruction memo(int index) {
    return new Instruction(index, MEMO, null, null, Map.of(), Map.of());
  }

  static SolanaTransactionPayload sol(Instruction... instructions) {
    return new SolanaTransactionPayload("legacy", solana(1), List.of(solana(1)), solana(9),
        List.of(solana(1)), List.of(instructions), 0, Map.of(), new HashMap<>());
  }

  static final String ALLOW_SMALL_TRANSFERS_TO_2 = """
      [{"field_source": "solana_system_program_instruction", "field": "Transfer.to", "operator": "eq", "value": "%s"},
       {"field_source": "solana_system_program_instruction", "field": "Transfer.lamports", "operator": "lte", "value": "1000000000"}]
      """.formatted(solana(2));

  @Test
  void solanaEveryInstructionNeedsAnAllow() {
    Policy transfers = rule("solana", "signTransaction", "ALLOW", ALLOW_SMALL_TRANSFERS_TO_2);
    Policy memos = rule("solana", "signTransaction", "ALLOW", """
        [{"field_source": "solana_program_instruction", "field": "programId", "operator": "eq", "value": "%s"}]""".formatted(MEMO));
    assertTrue(eval(List.of(transfers), "signTransaction", "solana", sol(transfer(0, solana(1), solana(2), 5))).allowed());
    // a memo beside the transfer needs its own ALLOW
    Decision d = eval(List.of(transfers), "signTransaction", "solana", sol(transfer(0, solana(1), solana(2), 5), memo(1)));
    assertFalse(d.allowed());
    assertTrue(d.reason().startsWith("no rule of policies [" + transfers.id() + "] allowed signTransaction for instruction 1"), d.reason());
    Decision both = eval(List.of(transfers, memos), "signTransaction", "solana", sol(transfer(0, solana(1), solana(2), 5), memo(1)));
    assertTrue(both.allowed());
    assertEquals(transfers.rules().get(0).id(), both.ruleId());
    assertTrue(both.reason().contains("instruction 1"), both.reason());
    // a second transfer to someone else: that instruction is not allowed
    Decision two = eval(List.of(transfers, memos), "signTransaction", "solana",
        sol(transfer(0, solana(1), solana(2), 5), transfer(1, solana(1), solana(3), 5)));
    assertFalse(two.allowed());
    assertTrue(two.reason().contains("for instruction 1"), two.reason());
    // conditions of one rule hold on the same instruction: to 2 (small) and a large one to 2 elsewhere
    assertFalse(eval(List.of(transfers), "signTransaction", "solana",
        sol(transfer(0, solana(1), solana(2), 5), transfer(1, solana(1), solana(2), 2_000_000_000L))).allowed());
    // no instructions: element conditions do not hold
    assertFalse(eval(List.of(transfers), "signTransaction", "solana", sol()).allowed());
    Policy timeOnly = rule("solana", "signTransaction", "ALLOW", """
        [{"field_source": "system", "field": "current_unix_timestamp", "operator": "gt", "value": "0"}]""");
    assertTrue(eval(List.of(timeOnly), "signTransaction", "solana", sol()).allowed());
  }

  @Test
  void solanaDenyNamesTheInstruction() {
    Policy all = rule("solana", "*", "ALLOW", "[]");
    Policy deny = T.policy("""
        {"version": "1.0", "name": "no burns", "chain_type": "solana", "rules": [
          {"name": "Block burns", "method": "signTransaction", "action": "DENY", "conditions": [
            {"field_source": "solana_token_program_instruction", "field": "instructionName", "operator": "eq", "value": "Burn"}]}]}""");
    Instruction burn = new Instruction(2, TOKEN, "token", "Burn",
        Map.of("account", solana(4), "mint", USDC_MINT, "authority", solana(1), "amount", BigInteger.TEN), Map.of());
    Decision d = eval(List.of(all, deny), "signTransaction", "solana", sol(memo(0), transfer(1, solana(1), solana(2), 1), burn));
    assertFalse(d.allowed());
    assertEquals("rule \"Block burns\" (DENY) matched instruction 2: solana_token_program_instruction.instructionName eq Burn",
        d.reason());
    assertEquals(deny.id(), d.policyId());
  }

  @Test
  void solanaLookupTableAccountsFailClosed() {
    Map<String, Object> f = new HashMap<>();
    f.put("source", solana(5));
    f.put("destination", null); // loaded from an address lookup table
    f.put("authority", solana(1));
    f.put("mint", USDC_MINT);
    f.put("amount", BigInteger.valueOf(100));
    Instruction tc = new Instruction(0, TOKEN, "token", "TransferChecked", f, Map.of());
    Policy allow = rule("solana", "signTransaction", "ALLOW", """
        [{"field_source": "solana_token_program_instruction", "field": "TransferChecked.destination", "operator": "eq", "value": "%s"}]"""
        .formatted(solana(6)));
    Policy all = rule("solana", "*", "ALLOW", "[]");
    Policy deny = rule("solana", "signTransaction", "DENY", """
        [{"field_source": "solana_token_program_instruction", "field": "TransferChecked.destination", "operator": "eq", "value": "%s"}]"""
        .formatted(solana(7)));
    assertFalse(eval(allow, "signTransaction", "solana", sol(tc)).allowed());
    assertFalse(eval(List.of(all, deny), "signTransaction", "solana", sol(tc)).allowed());
    Policy mint = rule("solana", "signTransaction", "ALLOW", """
        [{"field_source": "solana_token_program_instruction", "field": "TransferChecked.mint", "operator": "eq", "value": "%s"},
         {"field_source": "solana_token_program_instruction", "field": "TransferChecked.amount", "operator": "lt", "value": "101"}]"""
        .formatted(USDC_MINT));
    assertTrue(eval(mint, "signTransaction", "solana", sol(tc)).allowed());
  }

  static StellarTransactionPayload xlm(Operation... ops) {
    return new StellarTransactionPayload("tx", "Public Global Stellar Network ; September 2015", stellar(1), 100,
        List.of(ops), Map.of(), new HashMap<>());
  }

  @Test
  void stellarOperations() {
    Policy p = rule("stellar", "signTransaction", "ALLOW", """
        [{"field_source": "stellar_operation", "field": "type", "operator": "eq", "value": "payment"},
         {"field_source": "stellar_operation", "field": "destination", "operator": "in", "value": ["%s", "%s"]},
         {"field_source": "stellar_operation", "field": "asset", "operator": "eq", "value": "native"},
         {"field_source": "stellar_operation", "field": "amount", "operator": "lte", "value": "1000000000"},
         {"field_source": "stellar_transaction", "field": "network", "operator": "eq", "value": "Public Global Stellar Network ; September 2015"},
         {"field_source": "stellar_transaction", "field": "fee", "operator": "lte", "value": "1000"}]
        """.formatted(stellar(2), stellar(3)));
    Operation pay2 = new Operation(0, "payment", null, stellar(2), "native", 50_000_000L, Map.of());
    byte[] key3 = new byte[32];
    Arrays.fill(key3, (byte) 3);
    // a muxed account of 3 is account 3
    Operation payMuxed3 = new Operation(1, "payment", null, StrKey.encodeMuxedAccount(key3, 42), "native", 1L, Map.of());
    Operation pay4 = new Operation(2, "payment", null, stellar(4), "native", 1L, Map.of());
    Operation trust = new Operation(3, "change_trust", null, null, "USDC:" + stellar(8), null, Map.of());
    assertTrue(eval(p, "signTransaction", "stellar", xlm(pay2, payMuxed3)).allowed());
    Decision d = eval(p, "signTransaction", "stellar", xlm(pay2, pay4));
    assertFalse(d.allowed());
    assertTrue(d.reason().contains("for operation 2"), d.reason());
    assertFalse(eval(p, "signTransaction", "stellar", xlm(pay2, trust)).allowed());
    StellarTransactionPayload testnet = new StellarTransactionPayload("tx", "Test SDF Network ; September 2015",
        stellar(1), 100, List.of(pay2), Map.of(), new HashMap<>());
    assertFalse(eval(p, "signTransaction", "stellar", testnet).allowed());

    Policy all = rule("stellar", "*", "ALLOW", "[]");
    Policy denyMuxed = rule("stellar", "signTransaction", "DENY", """
        [{"field_source": "stellar_operation", "field": "destination", "operator": "eq", "value": "%s"}]""".formatted(stellar(3)));
    Decision dm = eval(List.of(all, denyMuxed), "signTransaction", "stellar", xlm(pay2, payMuxed3));
    assertFalse(dm.allowed());
    assertTrue(dm.reason().contains("matched operation 1"), dm.reason());
    // an operation's source defaults to the transaction's
    Policy fromOne = rule("stellar", "signTransaction", "ALLOW", """
        [{"field_source": "stellar_operation", "field": "source_account", "operator": "eq", "value": "%s"}]""".formatted(stellar(1)));
    assertTrue(eval(fromOne, "signTransaction", "stellar", xlm(pay2)).allowed());
    assertFalse(eval(fromOne, "signTransaction", "stellar",
        xlm(new Operation(0, "payment", stellar(5), stellar(2), "native", 1L, Map.of()))).allowed());
  }

  static final String BC_DEST = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq";
  static final String BC_OTHER = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy";

  static PsbtPayload psbt(Long fee, PsbtPayload.Output... outputs) {
    long total = Arrays.stream(outputs).mapToLong(PsbtPayload.Output::value).sum();
    return new PsbtPayload("bitcoin", "00".repeat(32), List.of(outputs), fee == null ? null : total + fee, total, fee,
        Map.of(), new HashMap<>());
  }

  @Test
  void bitcoinOutputsChangeIsNotAnElement() {
    Policy p = rule("bitcoin", "signPsbt", "ALLOW", """
        [{"field_source": "bitcoin_output", "field": "address", "operator": "eq", "value": "%s"},
         {"field_source": "bitcoin_output", "field": "value", "operator": "lte", "value": "100000"},
         {"field_source": "bitcoin_transaction", "field": "fee", "operator": "lte", "value": "5000"}]
        """.formatted(BC_DEST.toUpperCase()));
    PsbtPayload.Output pay = new PsbtPayload.Output(0, BC_DEST, 50_000, false, Map.of());
    PsbtPayload.Output change = new PsbtPayload.Output(1, "bc1qchangechangechangechangechangechange0", 9_000_000, true, Map.of());
    PsbtPayload.Output other = new PsbtPayload.Output(2, BC_OTHER, 1, false, Map.of());
    PsbtPayload.Output opReturn = new PsbtPayload.Output(3, null, 0, false, Map.of());
    assertTrue(eval(p, "signPsbt", "bitcoin", psbt(1000L, pay, change)).allowed());
    Decision d = eval(p, "signPsbt", "bitcoin", psbt(1000L, pay, change, other));
    assertFalse(d.allowed());
    assertTrue(d.reason().contains("for output 2"), d.reason());
    assertFalse(eval(p, "signPsbt", "bitcoin", psbt(9000L, pay, change)).allowed());
    // an unknown fee is undecidable: not allowed
    assertFalse(eval(p, "signPsbt", "bitcoin", psbt(null, pay, change)).allowed());

    Policy all = rule("bitcoin", "*", "ALLOW", "[]");
    Policy denyOther = rule("bitcoin", "signPsbt", "DENY", """
        [{"field_source": "bitcoin_output", "field": "address", "operator": "eq", "value": "%s"}]""".formatted(BC_OTHER));
    assertTrue(eval(List.of(all, denyOther), "signPsbt", "bitcoin", psbt(1L, pay, change)).allowed());
    Decision dd = eval(List.of(all, denyOther), "signPsbt", "bitcoin", psbt(1L, pay, other));
    assertFalse(dd.allowed());
    assertTrue(dd.reason().contains("matched output 2"), dd.reason());
    // an output without an address: an address DENY cannot rule it out
    assertFalse(eval(List.of(all, denyOther), "signPsbt", "bitcoin", psbt(1L, pay, opReturn)).allowed());
    // only change: no elements, element conditions do not hold
    assertFalse(eval(p, "signPsbt", "bitcoin", psbt(1L, change)).allowed());
    Policy fee = rule("bitcoin-testnet", "signPsbt", "ALLOW", """
        [{"field_source": "bitcoin_transaction", "field": "fee", "operator": "lt", "value": "2000"},
         {"field_source": "bitcoin_transaction", "field": "network", "operator": "eq", "value": "bitcoin"}]""");
    assertTrue(eval(fee, "signPsbt", "bitcoin-testnet", psbt(1L, change)).allowed());
  }
}
