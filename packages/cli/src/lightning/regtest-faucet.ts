/**
 * Coins on regtest without a wallet: btcd mines to P2SH(OP_TRUE) (the catalog's
 * REGTEST_FAUCET_ADDRESS), which anyone can spend by pushing the redeem script.
 * Paying an address means: mine coinbases to the faucet until they cover the
 * amount, mine 100 blocks so they mature, spend them with btcd's
 * createrawtransaction + the faucet scriptSig, and mine one block to confirm.
 */
import { createHash } from "node:crypto";
import { CryptoKubeError } from "@cryptokube/core";
import type { BtcdRpc } from "./btcd-rpc.ts";

/** Blocks before a coinbase may be spent (consensus rule). */
const COINBASE_MATURITY = 100;
/** Fee of the faucet's transaction: far above btcd's minimum relay fee for its size. */
const FEE_SATS = 10_000;
/** Below this a change output would be dust: it goes to the fee instead. */
const DUST_SATS = 1_000;
/** Bounds the coinbases one payment may collect (regtest's subsidy halves every 150 blocks). */
const MAX_COINBASES = 200;
/** OP_TRUE, and the scriptSig that spends P2SH(OP_TRUE): a push of that one-byte script. */
const REDEEM_SCRIPT = Buffer.from([0x51]);
const SCRIPT_SIG = Buffer.concat([Buffer.from([REDEEM_SCRIPT.length]), REDEEM_SCRIPT]);

export interface FaucetPayment {
  txid: string;
  amountSats: number;
  /** Blocks mined for it (coinbases, maturity, confirmation). */
  blocksMined: number;
  /** Chain height once the payment is confirmed. */
  height: number;
}

interface Outpoint {
  txid: string;
  vout: number;
  sats: number;
  address: string;
}

interface VerboseTx {
  vout: { n: number; value: number; scriptPubKey: { hex: string; addresses?: string[] } }[];
}

export function faucetScriptPubKey(): string {
  const sha = createHash("sha256").update(REDEEM_SCRIPT).digest();
  const hash160 = createHash("ripemd160").update(sha).digest("hex");
  return `a914${hash160}87`;
}

export async function mine(rpc: BtcdRpc, blocks: number): Promise<string[]> {
  return await rpc.call<string[]>("generate", [blocks]);
}

export async function payFromFaucet(
  rpc: BtcdRpc,
  address: string,
  amountSats: number,
): Promise<FaucetPayment> {
  if (!Number.isSafeInteger(amountSats) || amountSats <= DUST_SATS) {
    throw new CryptoKubeError(`cannot pay ${amountSats} sats: give more than ${DUST_SATS}`, {
      code: "FAUCET_AMOUNT_INVALID",
    });
  }
  const script = faucetScriptPubKey();
  const inputs: Outpoint[] = [];
  let total = 0;
  let mined = 0;
  while (total < amountSats + FEE_SATS) {
    if (inputs.length >= MAX_COINBASES) {
      throw new CryptoKubeError(
        `${MAX_COINBASES} coinbases do not cover ${amountSats} sats on this regtest chain`,
        { code: "FAUCET_AMOUNT_TOO_LARGE", hint: "ask for less" },
      );
    }
    const [hash] = await mine(rpc, 1);
    mined += 1;
    const block = await rpc.call<{ tx: string[] }>("getblock", [hash, 1]);
    const coinbase = block.tx[0];
    if (coinbase === undefined)
      throw new CryptoKubeError("btcd mined a block without transactions", {
        code: "FAUCET_FAILED",
      });
    const tx = await rpc.call<VerboseTx>("getrawtransaction", [coinbase, 1]);
    const out = tx.vout.find((o) => o.scriptPubKey.hex === script);
    if (out === undefined) {
      throw new CryptoKubeError(
        "btcd pays its coinbases to another address than the regtest faucet",
        {
          code: "FAUCET_UNAVAILABLE",
          hint: "the stack's btcd must run with the catalog's --miningaddr (restart it with the current cryptokube)",
        },
      );
    }
    const sats = Math.round(out.value * 1e8);
    inputs.push({
      txid: coinbase,
      vout: out.n,
      sats,
      address: out.scriptPubKey.addresses?.[0] ?? "",
    });
    total += sats;
  }
  await mine(rpc, COINBASE_MATURITY);
  mined += COINBASE_MATURITY;

  const change = total - amountSats - FEE_SATS;
  const outputs: Record<string, number> = { [address]: btc(amountSats) };
  const faucetAddress = inputs[0]?.address ?? "";
  if (change > DUST_SATS && faucetAddress !== "" && faucetAddress !== address) {
    outputs[faucetAddress] = btc(change);
  }
  const unsigned = await rpc.call<string>("createrawtransaction", [
    inputs.map((i) => ({ txid: i.txid, vout: i.vout })),
    outputs,
  ]);
  const txid = await rpc.call<string>("sendrawtransaction", [withFaucetScriptSigs(unsigned)]);
  await mine(rpc, 1);
  mined += 1;
  const info = await rpc.call<{ blocks: number }>("getblockchaininfo");
  return { txid, amountSats, blocksMined: mined, height: info.blocks };
}

function btc(sats: number): number {
  return Number((sats / 1e8).toFixed(8));
}

/**
 * Puts the faucet scriptSig into every input of an unsigned legacy-serialized
 * transaction (what createrawtransaction returns: no witness, empty scriptSigs).
 */
export function withFaucetScriptSigs(unsignedHex: string): string {
  const tx = Buffer.from(unsignedHex, "hex");
  const parts: Buffer[] = [tx.subarray(0, 4)];
  let at = 4;
  const count = tx[at];
  if (count === undefined || count === 0 || count >= 0xfd) {
    throw new CryptoKubeError(
      `unexpected transaction from createrawtransaction (${count ?? "no"} inputs)`,
      {
        code: "FAUCET_FAILED",
      },
    );
  }
  parts.push(tx.subarray(at, at + 1));
  at += 1;
  for (let i = 0; i < count; i++) {
    parts.push(tx.subarray(at, at + 36)); // previous output: txid + index
    at += 36;
    if (tx[at] !== 0) {
      throw new CryptoKubeError("createrawtransaction returned an input with a scriptSig", {
        code: "FAUCET_FAILED",
      });
    }
    at += 1;
    parts.push(Buffer.from([SCRIPT_SIG.length]), SCRIPT_SIG, tx.subarray(at, at + 4)); // + sequence
    at += 4;
  }
  parts.push(tx.subarray(at));
  return Buffer.concat(parts).toString("hex");
}
