// Recovers the signer address of an EIP-191 personal_sign signature with ethers.js, a library
// independent of this project. Usage: node verify-personal-sign.mjs <message-utf8|0xhex> <0xsignature>
// A message starting with "0x" is treated as hex bytes. Prints the EIP-55 address.
import { verifyMessage, getBytes } from "ethers";

const [, , message, signature] = process.argv;
if (message === undefined || signature === undefined) {
  console.error("usage: node verify-personal-sign.mjs <message|0xhex> <0xsignature>");
  process.exit(2);
}
const payload = message.startsWith("0x") ? getBytes(message) : message;
console.log(verifyMessage(payload, signature));
