/**
 * The policy engine: Privy-compatible policies, rules, conditions, condition sets and
 * aggregations, evaluated on the typed payloads of {@link io.nitrosign.policy.payload}.
 *
 * <p>Writing: {@link io.nitrosign.policy.PolicyParser} validates everything when a policy, rule
 * or aggregation is written (field source fits the chain and the rule's method, field exists,
 * operator fits the field's type, value parses in the field's range, ABI and EIP-712 types are
 * well formed and contain the field) and compiles each condition into a matcher, so evaluating
 * parses nothing. What was written is returned as written.
 *
 * <p>Evaluating ({@link io.nitrosign.policy.PolicyEngine}): default deny with policies, DENY wins,
 * {@code "*"} matches every method. The decisions this engine makes where Privy's documentation
 * leaves room, all of them toward refusal:
 * <ul>
 *   <li><b>Absent vs unknown.</b> A field the payload does not have (calldata of another function,
 *       an instruction of another program, a fee field the transaction type lacks) makes its
 *       condition not hold, in ALLOW and DENY rules alike. A field the payload has but whose value
 *       cannot be known (calldata with the function's selector that does not decode strictly, a
 *       Solana account from a lookup table, a legacy transaction or a typed-data domain without
 *       chain id, a PSBT fee with an unknown input, an output script without address, a message
 *       that is not UTF-8 for {@code content}) holds in a DENY rule and does not hold in an ALLOW
 *       rule.</li>
 *   <li><b>Several values in one field</b> (a whole calldata or typed-data array, a path through an
 *       array without index, the authorization list of a type-4 transaction): an ALLOW condition
 *       holds only if the list is non-empty and every value satisfies it; a DENY condition holds
 *       if any value does. An attacker can therefore neither add an element to widen an ALLOW nor
 *       hide a denied value among others. An explicit index ({@code recipients[0]}) reads exactly
 *       that element. Conditions of one rule on arrays are quantified independently.</li>
 *   <li><b>Element-wise payloads</b> (Solana instructions, Stellar operations, Bitcoin outputs that
 *       are not change to the wallet): every element must be allowed by some ALLOW rule and no
 *       element may match a DENY rule; one rule's element conditions are checked against the same
 *       element; the decision names the element ({@code instruction 2}, {@code operation 0},
 *       {@code output 1}).</li>
 *   <li><b>Typed-data message paths</b> are relative to the message ({@code to.wallet}), as in
 *       Privy's examples; the condition applies only when the request's primary type and its
 *       EIP-712 {@code encodeType} (the types the primary type reaches) equal the condition's.</li>
 *   <li><b>Comparison:</b> integers exactly ({@link java.math.BigInteger}); Ethereum addresses
 *       case-insensitively; bech32 Bitcoin addresses case-insensitively; a muxed Stellar account as
 *       its {@code G…} account; hex byte strings byte by byte.</li>
 * </ul>
 */
package io.nitrosign.policy;
