import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { type IpfsNode, startIpfsNode } from "@cryptokube/runtime/ipfs";
import { create as createKuboClient } from "kubo-rpc-client";

// CIDs `ipfs add` on Kubo gives "hello world" (no newline): default CIDv0, and --cid-version=1.
const HELLO = new TextEncoder().encode("hello world");
const HELLO_V0 = "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD";
const HELLO_V1 = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
// A valid CID that this node has never seen.
const UNKNOWN = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

function tempRepo(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "ck-ipfs-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startNode(
  t: { after(fn: () => Promise<void>): void },
  repo: string,
): Promise<IpfsNode> {
  const node = await startIpfsNode({ repo, apiPort: 0, gatewayPort: 0 });
  t.after(() => node.close());
  return node;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

test("kubo-rpc-client: add, cat, pin add/ls/rm, id, version", async (t) => {
  const repo = tempRepo(t);
  const started = performance.now();
  const node = await startNode(t, repo);
  t.diagnostic(`startIpfsNode ready in ${(performance.now() - started).toFixed(0)} ms`);
  assert.match(node.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  const kubo = createKuboClient({ url: `${node.apiUrl}/api/v0` });

  const added = await kubo.add(HELLO);
  assert.equal(added.cid.toString(), HELLO_V0); // same CID as Kubo
  assert.equal(added.size, 19);
  const addedV1 = await kubo.add(HELLO, { cidVersion: 1, pin: false });
  assert.equal(addedV1.cid.toString(), HELLO_V1);
  assert.equal(await collect(kubo.cat(added.cid)), "hello world");
  assert.equal(await collect(kubo.cat(HELLO_V1, { offset: 6, length: 3 })), "wor");

  // A file bigger than one 256 KiB chunk builds a multi-block DAG.
  const big = new Uint8Array(700_000).map((_, i) => i % 251);
  const bigAdded = await kubo.add(big);
  const bigBack: Uint8Array[] = [];
  for await (const chunk of kubo.cat(bigAdded.cid)) bigBack.push(chunk);
  assert.deepEqual(new Uint8Array(Buffer.concat(bigBack)), big);

  const pins = async (options = {}) => {
    const found: Record<string, string> = {};
    for await (const pin of kubo.pin.ls(options)) found[pin.cid.toString()] = pin.type;
    return found;
  };
  const recursive = await pins({ type: "recursive" });
  assert.equal(recursive[HELLO_V0], "recursive"); // add pins by default
  assert.equal(recursive[bigAdded.cid.toString()], "recursive");
  assert.equal(recursive[HELLO_V1], undefined); // pin=false honoured
  const indirect = await pins({ type: "indirect" });
  assert.equal(Object.keys(indirect).length, 3); // the big file's three leaf chunks

  assert.equal((await kubo.pin.add(HELLO_V1)).toString(), HELLO_V1);
  assert.equal((await pins({ paths: [HELLO_V1] }))[HELLO_V1], "recursive");
  assert.equal((await kubo.pin.rm(HELLO_V1)).toString(), HELLO_V1);
  await assert.rejects(pins({ paths: [HELLO_V1] }), /is not pinned/);
  await assert.rejects(kubo.pin.rm(HELLO_V1), /not pinned/);

  const id = await kubo.id();
  assert.match(id.id.toString(), /^12D3KooW/);
  assert.deepEqual(id.addresses, []);
  const version = await kubo.version();
  assert.match(String(version.version), /^helia-/);

  // The identity is stable across restarts of the same repo.
  await node.close();
  const again = await startNode(t, repo);
  const id2 = await createKuboClient({ url: `${again.apiUrl}/api/v0` }).id();
  assert.equal(id2.id.toString(), id.id.toString());
});

test("directories, the gateway and persistence across restart", async (t) => {
  const repo = tempRepo(t);
  const first = await startIpfsNode({ repo, apiPort: 0, gatewayPort: 0 });
  let root: string;
  try {
    const kubo = createKuboClient({ url: `${first.apiUrl}/api/v0` });
    const entries = [];
    for await (const entry of kubo.addAll(
      [
        {
          path: "site/index.html",
          content: new TextEncoder().encode("<!doctype html><h1>hi</h1>"),
        },
        {
          path: "site/data.bin",
          content: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0]),
        },
        { path: "site/notes", content: new TextEncoder().encode("just some words") },
      ],
      { cidVersion: 1 },
    )) {
      entries.push(entry);
    }
    const site = entries.find((entry) => entry.path === "site");
    assert.ok(site, "the directory itself is reported");
    root = site.cid.toString();
  } finally {
    await first.close();
  }

  // Everything below is served by a new node on the same repo.
  const node = await startNode(t, repo);
  const gateway = node.gatewayUrl;
  const index = await fetch(`${gateway}/ipfs/${root}/`);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(await index.text(), "<!doctype html><h1>hi</h1>");
  const redirect = await fetch(`${gateway}/ipfs/${root}`, { redirect: "manual" });
  assert.equal(redirect.status, 301);
  const png = await fetch(`${gateway}/ipfs/${root}/data.bin`);
  assert.equal(png.headers.get("content-type"), "image/png"); // sniffed from magic bytes
  assert.equal(png.headers.get("content-length"), "9");
  await png.arrayBuffer();
  const notes = await fetch(`${gateway}/ipfs/${root}/notes`);
  assert.equal(notes.headers.get("content-type"), "text/plain; charset=utf-8");
  assert.equal(notes.headers.get("etag")?.startsWith('"bafkrei'), true);
  assert.equal(await notes.text(), "just some words");

  const kubo = createKuboClient({ url: `${node.apiUrl}/api/v0` });
  assert.equal(await collect(kubo.cat(`/ipfs/${root}/notes`)), "just some words");
  const pinned: string[] = [];
  for await (const pin of kubo.pin.ls({ type: "recursive" })) pinned.push(pin.cid.toString());
  assert.deepEqual(pinned, [root]); // pins persisted with the blocks

  assert.equal((await fetch(`${gateway}/ipfs/${UNKNOWN}`)).status, 404);
  assert.equal((await fetch(`${gateway}/ipfs/${root}/missing.txt`)).status, 404);
  assert.equal((await fetch(`${gateway}/ipfs/not-a-cid`)).status, 400);
  assert.equal((await fetch(`${gateway}/elsewhere`)).status, 404);
  assert.equal((await fetch(`${gateway}/ipfs/${root}/`, { method: "POST" })).status, 405);
});

test("bad input gets Kubo-style errors and the node keeps serving", async (t) => {
  const node = await startNode(t, tempRepo(t));
  const api = `${node.apiUrl}/api/v0`;
  const post = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${api}/${path}`, { method: "POST", ...init });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const garbage = await post("add", {
    headers: { "content-type": "multipart/form-data; boundary=xyz" },
    body: "this is not multipart at all",
  });
  assert.equal(garbage.status, 400);
  assert.equal(garbage.body.Type, "error");
  assert.equal(garbage.body.Code, 1);
  assert.match(String(garbage.body.Message), /multipart/);

  const notMultipart = await post("add", { body: "plain" });
  assert.equal(notMultipart.status, 400);

  const unknown = await post(`cat?arg=${UNKNOWN}`);
  assert.equal(unknown.status, 500);
  assert.deepEqual(unknown.body, {
    Message: `block was not found locally (offline): ipld: could not find ${UNKNOWN}`,
    Code: 0,
    Type: "error",
  });
  const badCid = await post("cat?arg=not-a-cid");
  assert.equal(badCid.status, 500);
  assert.match(String(badCid.body.Message), /^invalid path "not-a-cid"/);
  const missingArg = await post("cat");
  assert.deepEqual(missingArg, {
    status: 400,
    body: { Message: 'argument "ipfs-path" is required', Code: 1, Type: "error" },
  });
  const pinUnknown = await post(`pin/add?arg=${UNKNOWN}`);
  assert.equal(pinUnknown.status, 500);
  assert.match(String(pinUnknown.body.Message), /not found locally/);
  const badType = await post("pin/ls?type=sideways");
  assert.equal(badType.status, 400);
  const noSuchCommand = await post("swarm/peers");
  assert.equal(noSuchCommand.status, 404);
  assert.equal(noSuchCommand.body.Type, "error");
  const get = await fetch(`${api}/version`);
  assert.equal(get.status, 405);
  await get.body?.cancel();

  // Still serving after all that.
  const kubo = createKuboClient({ url: api });
  assert.equal((await kubo.add(HELLO)).cid.toString(), HELLO_V0);
  await assert.rejects(collect(kubo.cat(UNKNOWN)), /not found locally/);
});

test("main.ts prints its URLs, serves, and exits 0 on SIGTERM", async (t) => {
  const repo = tempRepo(t);
  const mainPath = fileURLToPath(import.meta.resolve("@cryptokube/runtime/ipfs/main"));
  const child = spawn(
    process.execPath,
    [mainPath, "--repo", repo, "--api-port", "0", "--gateway-port", "0"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  t.after(() => child.kill("SIGKILL"));
  let api: string | undefined;
  let gateway: string | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    api ??= /^RPC API: (\S+)$/.exec(line)?.[1];
    gateway ??= /^Gateway: (\S+)$/.exec(line)?.[1];
    if (api && gateway) break;
  }
  assert.ok(api && gateway);
  const kubo = createKuboClient({ url: api });
  const { cid } = await kubo.add(HELLO);
  const served = await fetch(`${gateway}${cid}`);
  assert.equal(await served.text(), "hello world");
  child.kill("SIGTERM");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);

  const bad = spawn(process.execPath, [mainPath, "--api-port", "x"], { stdio: "ignore" });
  const [badCode] = await once(bad, "exit");
  assert.equal(badCode, 2);
});
