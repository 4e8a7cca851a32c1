/**
 * `cryptokube lightning` without a running stack: its usage errors, the errors
 * that say how to start one, and the faucet's transaction surgery. The whole
 * flow against real btcd + lnd is examples/bitcoin-lightning/test.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { faucetScriptPubKey, withFaucetScriptSigs } from "../src/lightning/regtest-faucet.ts";
import { runCapture } from "./run-cli.ts";

const scratch = mkdtempSync(join(tmpdir(), "ck-ln-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
writeFileSync(
  join(scratch, "cryptokube.yaml"),
  "name: ln-test\nchains:\n  btc:\n    type: bitcoin\n    lightning: { nodes: 2 }\n",
);

describe("cryptokube lightning", () => {
  it("is listed with its subcommands, also as `ln`", async () => {
    const help = await runCapture(["ln", "--help"], { cwd: scratch });
    assert.equal(help.code, 0);
    for (const sub of ["info", "fund", "open", "invoice", "pay"]) {
      assert.match(help.stdout, new RegExp(`^  ${sub}\\b`, "m"), `missing ${sub}`);
    }
  });

  it("rejects amounts that are not amounts (usage error, exit 2)", async () => {
    const sats = await runCapture(["ln", "invoice", "2", "12.5"], { cwd: scratch });
    assert.equal(sats.code, 2);
    assert.match(sats.stderr, /positive whole number of satoshis, got '12.5'/);
    const btc = await runCapture(["ln", "fund", "1", "0.123456789"], { cwd: scratch });
    assert.equal(btc.code, 2);
    assert.match(btc.stderr, /amount in BTC/);
  });

  it("says how to start the stack when it is not running", async () => {
    const result = await runCapture(["ln", "info"], { cwd: scratch });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /no stack has been started in .*ck-ln-/);
    assert.match(result.stderr, /hint: start it with `cryptokube up --detach --target process`/);
  });

  it("pays from P2SH(OP_TRUE), the address btcd mines to on regtest", () => {
    // hash160(0x51): the script behind the catalog's REGTEST_FAUCET_ADDRESS 2ND8PB9Rrf…
    assert.equal(faucetScriptPubKey(), "a914da1745e9b549bd0bfa1a569971c77eba30cd5a4b87");
  });

  it("puts the faucet scriptSig into every input of an unsigned transaction", () => {
    // Serialized pieces: version, input count, inputs (outpoint, scriptSig, sequence), outputs, locktime.
    const outpoint = (n: number): string => `${String(n).repeat(64)}0${n}000000`;
    const output = ["00e1f50500000000", "17", `a914${"ab".repeat(20)}87`].join("");
    const tx = (scriptSig: string): string =>
      ["02000000", "02", outpoint(1), scriptSig, "ffffffff", outpoint(2), scriptSig, "ffffffff"]
        .concat(["01", output, "00000000"])
        .join("");
    assert.equal(withFaucetScriptSigs(tx("00")), tx("020151"));
    assert.throws(() => withFaucetScriptSigs("0200000000"), /0 inputs/);
  });
});
