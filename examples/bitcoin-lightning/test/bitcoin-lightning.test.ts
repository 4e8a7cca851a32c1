/**
 * The bitcoin-lightning flow through the real `cryptokube` command, with real btcd
 * and lnd, on the process and the docker target: up --detach, fund both nodes from
 * the regtest faucet, open a channel 1 → 2, node 2 invoices, node 1 pays, both
 * channel balances show it, down --volumes leaves nothing running.
 *
 * Needs the fixtures (never skipped: a missing one fails with how to get it):
 * `bash scripts/fixtures/build.sh` (binaries), and for docker also
 * `bash scripts/fixtures/docker-engine.sh` and `bash scripts/fixtures/images.sh`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

const exampleDir = join(import.meta.dirname, "..");
const repoDir = join(exampleDir, "..", "..");
const cliMain = join(repoDir, "packages", "cli", "src", "main.ts");
const binDir = join(
  process.env.CRYPTOKUBE_CACHE ?? join(homedir(), ".cache", "cryptokube"),
  "fixtures",
  "bin",
);

const CHANNEL_SATS = 500_000;
const INVOICE_SATS = 12_345;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cryptokube(...args: string[]): Result {
  const result = spawnSync(process.execPath, [cliMain, ...args], {
    cwd: exampleDir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 180_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function ok(...args: string[]): string {
  const result = cryptokube(...args);
  assert.equal(
    result.code,
    0,
    `cryptokube ${args.join(" ")} failed:\n${result.stderr}\n${result.stdout}`,
  );
  return result.stdout;
}

function json<T>(...args: string[]): T {
  return JSON.parse(ok(...args, "--json")) as T;
}

interface NodeInfo {
  name: string;
  state: string;
  pubkey?: string;
  walletConfirmedSats?: number;
  channelLocalSats?: number;
  channelRemoteSats?: number;
  activeChannels?: number;
}

function assertFixtures(target: "process" | "docker"): void {
  for (const binary of ["btcd", "lnd"]) {
    assert.ok(
      existsSync(join(binDir, binary)),
      `${binary} is missing from ${binDir}: run \`bash scripts/fixtures/build.sh\``,
    );
  }
  if (target === "docker") {
    const info = spawnSync("docker", ["image", "inspect", "cryptokube/btcd:v0.26.2"], {
      encoding: "utf8",
    });
    assert.equal(
      info.status,
      0,
      "the docker images are missing: run `bash scripts/fixtures/docker-engine.sh && bash scripts/fixtures/images.sh`",
    );
  }
}

for (const target of ["process", "docker"] as const) {
  test(`bitcoin + lightning on the ${target} target: fund, open a channel, pay an invoice`, async (t) => {
    assertFixtures(target);
    cryptokube("down", "--volumes");
    // Safety net when an assertion fails midway; the happy path checks its own down below.
    t.after(() => cryptokube("down", "--volumes"));

    ok("up", "--detach", "--target", target, "--bin-dir", binDir, "--timeout", "120s");

    const funded = json<{ walletConfirmedSats: number }>("lightning", "fund", "1", "1");
    assert.ok(funded.walletConfirmedSats >= 100_000_000, "node 1 has its 1 BTC confirmed");
    json("ln", "fund", "ln-2", "0.5");

    const channel = json<{ channelPoint: string; capacitySats: number }>(
      "ln",
      "open",
      "1",
      "2",
      String(CHANNEL_SATS),
    );
    assert.match(channel.channelPoint, /^[0-9a-f]{64}:\d+$/);
    assert.equal(channel.capacitySats, CHANNEL_SATS);

    const invoice = json<{ paymentRequest: string; amountSats: number }>(
      "ln",
      "invoice",
      "2",
      String(INVOICE_SATS),
      "--memo",
      "conformance",
    );
    assert.match(invoice.paymentRequest, /^lnbcrt/);

    const paid = json<{ status: string; amountSats: number }>(
      "ln",
      "pay",
      "1",
      invoice.paymentRequest,
    );
    assert.equal(paid.status, "SUCCEEDED");
    assert.equal(paid.amountSats, INVOICE_SATS);

    const { nodes } = json<{ nodes: NodeInfo[] }>("ln", "info");
    const [alice, bob] = nodes;
    assert.ok(alice !== undefined && bob !== undefined, "two nodes reported");
    assert.equal(alice.activeChannels, 1);
    assert.equal(bob.activeChannels, 1);
    // Node 2 funded nothing in the channel: all it holds there is what it was paid.
    assert.equal(bob.channelLocalSats, INVOICE_SATS);
    assert.equal(alice.channelRemoteSats, INVOICE_SATS);
    // Node 1's side is the capacity less the payment and the commitment fee/anchors it pays.
    assert.ok(
      alice.channelLocalSats !== undefined &&
        alice.channelLocalSats < CHANNEL_SATS - INVOICE_SATS &&
        alice.channelLocalSats > CHANNEL_SATS - INVOICE_SATS - 20_000,
      `node 1 local balance ${alice.channelLocalSats}`,
    );
    // Funding the channel spent from node 1's wallet.
    assert.ok((alice.walletConfirmedSats ?? 0) < 100_000_000 - CHANNEL_SATS);

    // Macaroons stay secret: nothing the commands print contains one (hex, "0201…").
    for (const output of [ok("ln", "info"), ok("ln", "info", "--json")]) {
      assert.doesNotMatch(output, /0201036c6e64/);
    }

    ok("down", "--volumes");
    const after = json<{ components: { state: string; pid?: number }[] }>("status");
    for (const component of after.components) assert.equal(component.pid, undefined);
    if (target === "docker") {
      const left = spawnSync(
        "docker",
        ["ps", "-aq", "--filter", "label=dev.cryptokube.stack=bitcoin-lightning"],
        { encoding: "utf8" },
      );
      assert.equal(left.stdout.trim(), "", "no container of the stack is left");
    }
  });
}
