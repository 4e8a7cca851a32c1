/**
 * The whole hello-dapp flow through the real `cryptokube` command: up --detach,
 * content served by reading the CID back from the chain, a kill -9 survived,
 * state kept across down/up, and nothing left behind after down.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";

const exampleDir = join(import.meta.dirname, "..");
const cliMain = join(exampleDir, "..", "..", "packages", "cli", "src", "main.ts");
const expected = readFileSync(join(exampleDir, "content", "hello.txt"), "utf8");

function cryptokube(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliMain, ...args], {
    cwd: exampleDir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

interface Status {
  running: boolean;
  components: {
    name: string;
    state: string;
    pid?: number;
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
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
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

/** A new connection per request: a test spanning restarts must not reuse a pooled socket. */
function fetchFresh(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, {
    ...init,
    keepalive: false,
    headers: { ...(init.headers as Record<string, string>), connection: "close" },
  });
}

before(() => {
  // A previous run interrupted half-way must not leak into this one.
  cryptokube("down", "--volumes");
});
after(() => {
  cryptokube("down", "--volumes");
});

test("up, serve through chain + IPFS, survive kill -9, keep state across down/up, leave nothing behind", async () => {
  const up = cryptokube("up", "--detach", "--fresh");
  assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
  assert.match(up.stdout, /hello-dapp is up: 6 components ready/);

  // 1. The app serves the content it reads back through chain + IPFS.
  let s = status();
  const web = endpoint(s, "web", "http");
  const first = await fetchFresh(web);
  assert.equal(first.status, 200);
  assert.equal(await first.text(), expected);
  const cid = first.headers.get("x-cid");
  const registry = first.headers.get("x-registry");
  assert.ok(cid && registry);
  const ethRpc = endpoint(s, "eth", "rpc");
  const code = (await rpc(ethRpc, "eth_getCode", [registry, "latest"])) as string;
  assert.ok(code.length > 2, "registry contract has code");

  // 2. kill -9 of one component: restarted, the others keep serving, the log says so.
  const ipfs = s.components.find((c) => c.name === "ipfs");
  assert.ok(ipfs?.pid);
  process.kill(ipfs.pid, "SIGKILL");
  assert.equal((await rpc(ethRpc, "eth_chainId")) as string, "0x7a69", "eth keeps serving");
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
  assert.match(logs.stdout, /ipfs exited \(signal SIGKILL\)/);

  // 3. down: no process of the stack left, ports free.
  s = status();
  const pids = s.components.flatMap((c) => (c.pid === undefined ? [] : [c.pid]));
  const ports = s.components.flatMap((c) => c.endpoints.map((e) => Number(new URL(e.url).port)));
  assert.equal(pids.length, 6);
  const down = cryptokube("down");
  assert.equal(down.code, 0, down.stderr);
  for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still alive after down`);
  for (const port of new Set(ports))
    assert.equal(await portFree(port), true, `port ${port} still taken`);

  // 4. up again: the contract deployed before down is still there, the file added before still served.
  const upAgain = cryptokube("up", "--detach");
  assert.equal(upAgain.code, 0, `${upAgain.stdout}\n${upAgain.stderr}`);
  s = status();
  const codeAfter = (await rpc(endpoint(s, "eth", "rpc"), "eth_getCode", [
    registry,
    "latest",
  ])) as string;
  assert.equal(codeAfter, code, "contract survived down/up");
  const gatewayUrl = endpoint(s, "ipfs", "gateway");
  const old = await fetchFresh(`${gatewayUrl}/ipfs/${cid}`);
  assert.equal(old.status, 200);
  assert.equal(await old.text(), expected, "file added before down still served");
});
