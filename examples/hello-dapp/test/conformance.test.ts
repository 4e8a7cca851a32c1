/**
 * The example's test, and target conformance: the same hello-dapp flow on the
 * embedded, process and docker targets, through the real `cryptokube` command. The app deploys its
 * contract signed with the devnet mnemonic, adds a file to IPFS and serves it by
 * reading the CID back from the chain; a killed node is restarted; state
 * survives down/up; down leaves no process, port or container behind.
 *
 * Real node software is needed: geth and ipfs for `process` (from
 * CRYPTOKUBE_BIN_PATH, or the fixtures' bin dir, or PATH), a Docker engine with
 * the local images for `docker`. When one is missing the test fails with the
 * command's own message saying how to get it; it never skips.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { copyExample } from "./example-copy.ts";

const sourceDir = join(import.meta.dirname, "..");
const repoDir = join(sourceDir, "..", "..");
const cliMain = join(repoDir, "packages", "cli", "src", "main.ts");
/**
 * The example runs from a copy under another stack name: a stack started here
 * never touches one started from the example's own directory (its state, its
 * ports, its containers), so both tests may run at once: the app's fixed port moves
 * too.
 */
const STACK = "hello-dapp-targets";
const exampleDir = copyExample({ stack: STACK, prefix: "ck-conformance-", appPort: 3180 });
const expected = readFileSync(join(sourceDir, "content", "hello.txt"), "utf8");
const cache = process.env.CRYPTOKUBE_CACHE ?? join(homedir(), ".cache", "cryptokube");
const fixturesBin = join(cache, "fixtures", "bin");
/** The devnet's first funded account (the well-known test mnemonic). */
const FIRST_ACCOUNT = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

type Target = "embedded" | "process" | "docker";

function cryptokube(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliMain, ...args], {
    cwd: exampleDir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 180_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `up` options per target: the process target looks in the fixtures' bin dir when it exists. */
function targetArgs(target: Target): string[] {
  const args = ["--target", target];
  if (target === "process" && existsSync(fixturesBin)) args.push("--bin-dir", fixturesBin);
  return args;
}

interface Status {
  running: boolean;
  target?: string;
  components: {
    name: string;
    state: string;
    pid?: number;
    containerId?: string;
    restarts: number;
    endpoints: { name: string; url: string }[];
  }[];
}

function status(): Status {
  const result = cryptokube("status", "--json");
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as Status;
}

function endpoint(s: Status, component: string, name: string): string {
  const url = s.components
    .find((c) => c.name === component)
    ?.endpoints.find((e) => e.name === name)?.url;
  assert.ok(url, `no ${component}.${name} endpoint`);
  return url;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once("error", () => resolvePort(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolvePort(true)));
  });
}

async function waitFor<T>(what: string, check: () => T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A new connection per request: the test spans restarts. */
function fetchFresh(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    keepalive: false,
    headers: { ...(init.headers as Record<string, string>), connection: "close" },
  });
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const response = await fetchFresh(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: unknown };
  if (body.error !== undefined) throw new Error(JSON.stringify(body.error));
  return body.result;
}

/** The stack's containers and volumes, by the labels the docker target puts on them. */
function dockerObjects(kind: "container" | "volume"): string[] {
  const dirHash = createHash("sha256").update(resolve(exampleDir)).digest("hex").slice(0, 12);
  const filters = [
    "--filter",
    `label=dev.cryptokube.stack=${STACK}`,
    "--filter",
    `label=dev.cryptokube.stack-dir=${dirHash}`,
  ];
  const args =
    kind === "container" ? ["ps", "-a", "-q", ...filters] : ["volume", "ls", "-q", ...filters];
  const result = spawnSync("docker", args, { encoding: "utf8" });
  assert.equal(result.status, 0, `docker ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.split("\n").filter((line) => line !== "");
}

function plannedComponents(target: Target): number {
  const plan = cryptokube("plan", "--target", target, "--json");
  assert.equal(plan.code, 0, plan.stderr);
  return (JSON.parse(plan.stdout) as { components: unknown[] }).components.length;
}

after(() => {
  const down = cryptokube("down", "--volumes");
  if (down.code !== 0) {
    // The command itself is broken: stop the stack's supervisor directly, never leave it running.
    try {
      const state = JSON.parse(
        readFileSync(join(exampleDir, ".cryptokube", "state.json"), "utf8"),
      ) as { supervisor?: { pid: number } };
      if (state.supervisor !== undefined) process.kill(state.supervisor.pid, "SIGTERM");
    } catch {
      // No state, or the supervisor is gone already.
    }
  }
  rmSync(exampleDir, { recursive: true, force: true });
});

async function conformance(target: Target): Promise<void> {
  // A previous run interrupted half-way must not leak into this one.
  cryptokube("down", "--volumes");
  const count = plannedComponents(target);
  const up = cryptokube("up", "--detach", "--fresh", ...targetArgs(target));
  assert.equal(up.code, 0, `up --target ${target} failed:\n${up.stdout}\n${up.stderr}`);
  assert.match(up.stdout, new RegExp(`${STACK} is up: ${count} components ready`));

  // 1. Served through chain + IPFS; the contract was signed with a funded mnemonic account.
  let s = status();
  assert.equal(s.target, target);
  const web = endpoint(s, "web", "http");
  const first = await fetchFresh(web);
  assert.equal(first.status, 200);
  assert.equal(await first.text(), expected);
  const cid = first.headers.get("x-cid");
  const registry = first.headers.get("x-registry");
  assert.ok(cid && registry);
  const ethRpc = endpoint(s, "eth", "rpc");
  assert.equal(await rpc(ethRpc, "eth_chainId"), "0x7a69", "the stack's chain id");
  const code = (await rpc(ethRpc, "eth_getCode", [registry, "latest"])) as string;
  assert.ok(code.length > 2, "registry contract has code");
  const balance = BigInt(
    (await rpc(ethRpc, "eth_getBalance", [FIRST_ACCOUNT, "latest"])) as string,
  );
  assert.ok(balance > 10n ** 21n, `first mnemonic account is funded (${balance})`);
  if (target === "docker") {
    const ipfsRecord = s.components.find((c) => c.name === "ipfs");
    assert.ok(ipfsRecord?.containerId, "ipfs runs in a container");
  }

  // 2. Kill -9 of the IPFS node (its container's main process on docker): restarted, the chain keeps serving.
  const ipfs = s.components.find((c) => c.name === "ipfs");
  assert.ok(ipfs?.pid, "ipfs has a pid");
  process.kill(ipfs.pid, "SIGKILL");
  assert.equal(await rpc(ethRpc, "eth_chainId"), "0x7a69", "eth keeps serving");
  await waitFor("ipfs restarted and ready", () => {
    const now = status().components.find((c) => c.name === "ipfs");
    return now && now.state === "ready" && now.restarts >= 1 && now.pid !== ipfs.pid
      ? now
      : undefined;
  });
  const again = await fetchFresh(web);
  assert.equal(await again.text(), expected, "content still served after the IPFS node's restart");
  const logs = cryptokube("logs", "supervisor");
  assert.equal(logs.code, 0, logs.stderr);
  assert.match(logs.stdout, /ipfs exited \(signal SIGKILL\)/, "the merged log says what happened");

  // 3. down: no process (or container) of the stack left, ports free; data kept.
  s = status();
  const pids = s.components.flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  const ports = s.components.flatMap((c) => c.endpoints.map((e) => Number(new URL(e.url).port)));
  assert.equal(pids.length, count);
  const down = cryptokube("down");
  assert.equal(down.code, 0, down.stderr);
  for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still alive after down`);
  for (const port of new Set(ports))
    assert.equal(await portFree(port), true, `port ${port} still taken`);
  if (target === "docker") {
    assert.deepEqual(dockerObjects("container"), [], "no container of the stack after down");
    assert.ok(dockerObjects("volume").length >= 2, "the volumes are kept after down");
  }

  // 4. up again: the contract and the file from before are still there.
  const upAgain = cryptokube("up", "--detach", ...targetArgs(target));
  assert.equal(upAgain.code, 0, `${upAgain.stdout}\n${upAgain.stderr}`);
  s = status();
  const codeAfter = (await rpc(endpoint(s, "eth", "rpc"), "eth_getCode", [
    registry,
    "latest",
  ])) as string;
  assert.equal(codeAfter, code, "contract survived down/up");
  const old = await fetchFresh(`${endpoint(s, "ipfs", "gateway")}/ipfs/${cid}`);
  assert.equal(old.status, 200);
  assert.equal(await old.text(), expected, "file added before down still served");

  // 5. down --volumes: nothing of the stack remains.
  const wipe = cryptokube("down", "--volumes");
  assert.equal(wipe.code, 0, wipe.stderr);
  if (target === "docker") {
    assert.deepEqual(dockerObjects("container"), [], "no container after down --volumes");
    assert.deepEqual(dockerObjects("volume"), [], "no volume after down --volumes");
  }
}

test("hello-dapp conforms on the embedded target", () => conformance("embedded"));
test("hello-dapp conforms on the process target (geth, kubo)", () => conformance("process"));
test("hello-dapp conforms on the docker target (containers on the host network)", () =>
  conformance("docker"));
