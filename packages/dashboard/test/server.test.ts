/**
 * The dashboard's server against a real EDR devnet and a real Helia IPFS node:
 * pages render, wallet actions need the token and CSRF, login off-loopback, bad
 * input gives a clear error page, and no secret reaches any response or log.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import { createDashboard, parsePrometheusText } from "@cryptokube/dashboard";
import { type Devnet, startDevnet } from "@cryptokube/runtime/devnet";
import { type IpfsNode, startIpfsNode } from "@cryptokube/runtime/ipfs";
import { pino } from "pino";
import { bytesToHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";

const MNEMONIC = "test test test test test test test test test test test junk";
const TOKEN = "9f2c1d7e5b3a46e8a1c0d2f4b6e8a0c2d4f6b8e0a2c4d6f8b0e2a4c6d8f0b2e4";
const KEY0 = bytesToHex(mnemonicToAccount(MNEMONIC).getHdKey().privateKey as Uint8Array);
const KEY9 = bytesToHex(
  mnemonicToAccount(MNEMONIC, { addressIndex: 9 }).getHdKey().privateKey as Uint8Array,
);
const ACCOUNT1 = mnemonicToAccount(MNEMONIC, { addressIndex: 1 }).address;
const SECRETS = [MNEMONIC, TOKEN, KEY0, KEY0.slice(2), KEY9.slice(2)];

let dir: string;
let devnet: Devnet;
let ipfs: IpfsNode;
let logs = "";
const closers: Array<() => Promise<void>> = [];

function assertNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) {
    assert.ok(!text.includes(secret), `${where} contains a secret (${secret.slice(0, 6)}…)`);
  }
}

async function startDashboard(extra: Record<string, unknown> = {}) {
  const logger = pino(
    { level: "debug" },
    new Writable({
      write(chunk, _enc, done) {
        logs += String(chunk);
        done();
      },
    }),
  );
  const dashboard = createDashboard(
    {
      host: "127.0.0.1",
      port: 0,
      stack: "test-stack",
      target: "embedded",
      components: [
        {
          name: "eth",
          kind: "chain",
          package: "ethereum",
          variant: "edr",
          endpoints: { rpc: devnet.url },
        },
      ],
      tokenFile: join(dir, "secrets", "token"),
      stateDir: join(dir, "stack", ".cryptokube"),
      chain: { name: "eth", rpc: devnet.url },
      ipfs: { api: ipfs.apiUrl, gateway: ipfs.gatewayUrl },
      wallet: { chain: "eth", chainId: 31337, rpc: devnet.url, faucet: true, mnemonic: MNEMONIC },
      metricsIntervalMs: 200,
      ...extra,
    },
    { logger },
  );
  const { url } = await dashboard.listen();
  closers.push(() => dashboard.close());
  return url;
}

/** A cookie-keeping client: one browser session. */
function session(base: string) {
  let cookie = "";
  const request = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(base + path, {
      redirect: "manual",
      ...init,
      headers: { ...(init.headers as Record<string, string>), cookie },
    });
    const set = response.headers.get("set-cookie");
    if (set !== null) cookie = set.split(";")[0] ?? "";
    const text = await response.text();
    assertNoSecret(text, `response to ${path}`);
    assertNoSecret(JSON.stringify([...response.headers]), `headers of ${path}`);
    return { status: response.status, text, location: response.headers.get("location") };
  };
  const csrf = async (path = "/wallet") => {
    const page = await request(path);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
    assert.ok(match, `no CSRF field on ${path}`);
    return match[1] as string;
  };
  const post = (path: string, fields: Record<string, string>) =>
    request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  return { request, csrf, post };
}

async function balances(base: string): Promise<string[]> {
  const body = (await (await fetch(`${base}/api/wallet/accounts`)).json()) as {
    accounts: { balance: string }[];
  };
  return body.accounts.map((a) => a.balance);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "ck-dashboard-"));
  mkdirSync(join(dir, "secrets"));
  writeFileSync(join(dir, "secrets", "token"), `${TOKEN}\n`);
  // A supervisor log that echoes secrets, as a launch line could: the stack page must redact it.
  mkdirSync(join(dir, "stack", ".cryptokube", "logs"), { recursive: true });
  writeFileSync(
    join(dir, "stack", ".cryptokube", "logs", "eth.log"),
    `2026-01-01T00:00:00.000Z starting devnet --mnemonic ${MNEMONIC}\n2026-01-01T00:00:00.001Z key ${KEY0}\n`,
  );
  devnet = await startDevnet({ port: 0, mnemonic: MNEMONIC });
  ipfs = await startIpfsNode({ repo: join(dir, "ipfs"), apiPort: 0, gatewayPort: 0 });
});

after(async () => {
  for (const close of closers.reverse()) await close();
  await ipfs?.close();
  await devnet?.close();
  rmSync(dir, { recursive: true, force: true });
  assertNoSecret(logs, "the dashboard's log");
});

test("every page renders on loopback without login, and none carries a secret", async () => {
  const base = await startDashboard();
  const client = session(base);
  for (const path of [
    "/",
    "/explorer",
    "/wallet",
    "/ipfs",
    "/metrics-charts",
    "/login",
    "/api/stack",
    "/api/wallet/accounts",
  ]) {
    const page = await client.request(path);
    assert.equal(page.status, 200, `${path}: ${page.text.slice(0, 300)}`);
  }
  const stack = await client.request("/");
  assert.match(
    stack.text,
    /starting devnet --mnemonic \[redacted\]/,
    "the log line is shown, redacted",
  );
  const explorer = await client.request("/explorer");
  assert.match(
    explorer.text,
    /No indexer in this stack: the explorer shows what the chain RPC alone gives/,
  );
  const login = await client.request("/login");
  assert.ok(login.text.includes(join(dir, "secrets", "token")), "login page names the token file");
  const metrics = await fetch(`${base}/metrics`);
  assert.match(await metrics.text(), /cryptokube_dashboard_http_requests_total/);
});

test("wallet actions need the token and the session's CSRF token; with both, ETH moves", async () => {
  const base = await startDashboard();
  const client = session(base);
  const before = await balances(base);
  const csrf = await client.csrf();

  const denied = await client.post("/wallet/send", {
    _csrf: csrf,
    from: "0",
    to: ACCOUNT1,
    amount: "2",
  });
  assert.equal(denied.status, 401);
  assert.match(denied.text, /need the access token/);

  const wrong = await client.post("/login", {
    _csrf: csrf,
    token: "not-the-token",
    next: "/wallet",
  });
  assert.equal(wrong.status, 401);
  assert.match(wrong.text, /That token is not right/);

  const login = await client.post("/login", { _csrf: csrf, token: TOKEN, next: "/wallet" });
  assert.equal(login.status, 303);
  assert.equal(login.location, "/wallet");

  const stale = await client.post("/wallet/send", {
    _csrf: csrf,
    from: "0",
    to: ACCOUNT1,
    amount: "2",
  });
  assert.equal(stale.status, 403, "the pre-login CSRF token is void after login (session rotated)");
  const noCsrf = await client.post("/wallet/send", { from: "0", to: ACCOUNT1, amount: "2" });
  assert.equal(noCsrf.status, 403);

  const fresh = await client.csrf();
  const sent = await client.post("/wallet/send", {
    _csrf: fresh,
    from: "0",
    to: ACCOUNT1,
    amount: "2",
  });
  assert.equal(sent.status, 303, sent.text);
  assert.match(sent.location ?? "", /^\/wallet\?what=sent&tx=0x[0-9a-f]{64}$/);
  const afterSend = await balances(base);
  assert.equal(BigInt(afterSend[1] ?? 0) - BigInt(before[1] ?? 0), 2n * 10n ** 18n);
  assert.ok(BigInt(afterSend[0] ?? 0) < BigInt(before[0] ?? 0) - 2n * 10n ** 18n + 1n);

  const dripped = await client.post("/wallet/faucet", { _csrf: fresh, to: ACCOUNT1, amount: "1" });
  assert.equal(dripped.status, 303, dripped.text);
  const afterDrip = await balances(base);
  assert.equal(BigInt(afterDrip[1] ?? 0) - BigInt(afterSend[1] ?? 0), 10n ** 18n);

  // A different Origin is refused even with a valid session and CSRF token.
  const cross = await client.request("/wallet/send", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.example" },
    body: new URLSearchParams({ _csrf: fresh, from: "0", to: ACCOUNT1, amount: "1" }).toString(),
  });
  assert.equal(cross.status, 403);
});

test("bad input gives a clear error page, never a crash", async () => {
  const base = await startDashboard();
  const client = session(base);
  const cases: Array<[string, number, RegExp]> = [
    ["/explorer/tx/0x1234", 400, /not a transaction hash; expected 0x followed by 64 hex digits/],
    [`/explorer/tx/0x${"ab".repeat(32)}`, 404, /is not on this chain/],
    ["/explorer/address/0xnothex", 400, /not an address; expected 0x followed by 40 hex digits/],
    ["/explorer/block/abc", 400, /not a block; expected a block number/],
    ["/explorer/block/999999", 404, /block 999999 is not on this chain/],
    [
      "/explorer/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
      400,
      /&lt;script&gt;alert\(1\)&lt;\/script&gt;/,
    ],
    ["/ipfs/view/..%2F..%2Fetc", 400, /is not a CID/],
    ["/no/such/page", 404, /there is no page at/],
  ];
  for (const [path, status, message] of cases) {
    const page = await client.request(path);
    assert.equal(page.status, status, `${path}: ${page.text.slice(0, 400)}`);
    assert.match(page.text, message, path);
    assert.ok(!page.text.includes("<script>alert"), `${path} reflects markup unescaped`);
  }
  const csrf = await client.csrf();
  await client.post("/login", { _csrf: csrf, token: TOKEN, next: "/" });
  const fresh = await client.csrf();
  const amounts: Array<[Record<string, string>, RegExp]> = [
    [{ from: "0", to: ACCOUNT1, amount: "abc" }, /amount: &#39;abc&#39; is not an amount of ETH/],
    [{ from: "0", to: ACCOUNT1, amount: "0" }, /more than 0 ETH/],
    [{ from: "0", to: "0x12", amount: "1" }, /to: &#39;0x12&#39; is not an address/],
    [{ from: "42", to: ACCOUNT1, amount: "1" }, /not one of the wallet&#39;s 10 accounts/],
    [{ from: "0", to: ACCOUNT1, amount: "99999999" }, /Transaction failed|insufficient|exceeds/i],
  ];
  for (const [fields, message] of amounts) {
    const page = await client.post("/wallet/send", { _csrf: fresh, ...fields });
    assert.equal(page.status, 400, JSON.stringify(fields));
    assert.match(page.text, message);
  }
  const api = await fetch(`${base}/api/wallet/accounts`, {
    headers: { authorization: "Bearer wrong" },
  });
  assert.equal(api.status, 401);
  assert.match(((await api.json()) as { error: string }).error, /bearer token/);
});

test("off loopback (login required) every page needs the token; health and metrics stay open", async () => {
  const base = await startDashboard({});
  // The access rule keys on the bind address; a second dashboard with requireLogin exercises it here.
  const guarded = await startDashboard({ requireLogin: true });
  assert.ok(base);
  const client = session(guarded);
  for (const path of ["/", "/explorer", "/wallet", "/ipfs", "/metrics-charts"]) {
    const page = await client.request(path);
    assert.equal(page.status, 303, path);
    assert.equal(page.location, `/login?next=${encodeURIComponent(path)}`);
  }
  const api = await client.request("/api/wallet/accounts");
  assert.equal(api.status, 401);
  assert.equal((await fetch(`${guarded}/healthz`)).status, 200);
  assert.equal((await fetch(`${guarded}/metrics`)).status, 200);
  const login = await client.request("/login");
  assert.equal(login.status, 200);
  assert.match(login.text, /every page needs the access token/);
  const csrf = await client.csrf("/login");
  const ok = await client.post("/login", { _csrf: csrf, token: TOKEN, next: "/explorer" });
  assert.equal(ok.location, "/explorer");
  assert.equal((await client.request("/explorer")).status, 200);
  const bearer = await fetch(`${guarded}/api/wallet/accounts`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(bearer.status, 200);
});

test("IPFS upload through the dashboard, then read back through the gateway proxy", async () => {
  const base = await startDashboard();
  const client = session(base);
  const csrf = await client.csrf("/ipfs");
  const form = new FormData();
  form.append("_csrf", csrf);
  form.append("file", new Blob(["hello from the dashboard test\n"]), "note.txt");
  const added = await client.request("/ipfs/upload", { method: "POST", body: form });
  assert.equal(added.status, 303, added.text);
  const cid = new URL(added.location ?? "", base).searchParams.get("added");
  assert.ok(cid);
  const page = await client.request(`/ipfs?added=${cid}&name=note.txt`);
  assert.ok(page.text.includes(`/ipfs/view/${cid}`), "the pin list links the new CID");
  const content = await fetch(`${base}/ipfs/view/${cid}`);
  assert.equal(await content.text(), "hello from the dashboard test\n");
  assert.match(content.headers.get("content-security-policy") ?? "", /sandbox/);
});

test("metrics history samples the chain head; the Prometheus parser reads labels and values", async () => {
  const base = await startDashboard();
  await new Promise((r) => setTimeout(r, 700));
  const body = (await (await fetch(`${base}/api/metrics`)).json()) as {
    samples: { chainHead?: number }[];
  };
  assert.ok(body.samples.length >= 2, "samples accumulate on the interval");
  assert.ok(body.samples.every((s) => typeof s.chainHead === "number"));
  const parsed = parsePrometheusText(
    '# HELP x y\n# TYPE a counter\na_total{chain="eth",method="eth_call"} 12\nb 3.5 1700000000\nc{l="q\\"uote"} +Inf\nbroken{ 1\n',
  );
  assert.deepEqual(parsed, [
    { name: "a_total", labels: { chain: "eth", method: "eth_call" }, value: 12 },
    { name: "b", labels: {}, value: 3.5 },
    { name: "c", labels: { l: 'q"uote' }, value: Number.POSITIVE_INFINITY },
  ]);
});
