/**
 * Acceptance in headless Chromium (Debian's, driven by playwright-core) against
 * the hello-dapp example run with `cryptokube up --detach`: the app's
 * transaction found and its event decoded; ETH sent from the wallet page with
 * both balances changing; a file uploaded on the IPFS page and read back.
 * Screenshots go to test-artifacts/dashboard/.
 *
 * The example is copied (renamed, another app port) so this test never shares
 * state or ports with the example's own test when both run at once.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";

const root = join(import.meta.dirname, "..", "..", "..");
const artifacts = join(root, "test-artifacts", "dashboard");
const stackDir = join(artifacts, "hello-dapp-ui");
const cliMain = join(root, "packages", "cli", "src", "main.ts");
const MNEMONIC = "test test test test test test test test test test test junk";

function cryptokube(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cliMain, ...args], {
    cwd: stackDir,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

let context: BrowserContext;
let page: Page;
let dashboard: string;
let token: string;
let userDataDir: string;

function assertNoSecret(text: string, where: string): void {
  assert.ok(!text.includes(MNEMONIC), `${where} shows the mnemonic`);
  assert.ok(!text.includes(token), `${where} shows the access token`);
  assert.ok(
    !text.includes("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"),
    `${where} shows account 0's private key`,
  );
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  assertNoSecret(await page.content(), `the ${name} page`);
}

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  if (existsSync(stackDir)) {
    cryptokube("down", "--volumes");
    rmSync(stackDir, { recursive: true, force: true });
  }
  const example = join(root, "examples", "hello-dapp");
  mkdirSync(stackDir, { recursive: true });
  for (const entry of ["app", "content", "contracts", "cryptokube.yaml"]) {
    cpSync(join(example, entry), join(stackDir, entry), { recursive: true });
  }
  const yaml = readFileSync(join(stackDir, "cryptokube.yaml"), "utf8")
    .replace(/^name: hello-dapp$/m, "name: hello-dapp-ui")
    .replace("http: 3000", "http: 3170");
  writeFileSync(join(stackDir, "cryptokube.yaml"), yaml);
  const up = cryptokube("up", "--detach", "--fresh");
  assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
  assert.match(up.stdout, /hello-dapp-ui is up: 6 components ready/);
  const url = /dashboard\s+http\s+(http:\/\/\S+)/.exec(up.stdout)?.[1];
  assert.ok(url, `no dashboard URL in:\n${up.stdout}`);
  dashboard = url;
  token = readFileSync(
    join(stackDir, ".cryptokube", "secrets", "dashboard-token", "token"),
    "utf8",
  ).trim();
  userDataDir = mkdtempSync(join(tmpdir(), "ck-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: 30_000,
  });
  context.setDefaultTimeout(15_000);
  page = context.pages()[0] ?? (await context.newPage());
});

after(async () => {
  await context?.close();
  const logs = cryptokube("logs", "dashboard");
  cryptokube("down", "--volumes");
  if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  if (token !== undefined) assertNoSecret(logs.stdout, "the dashboard's log");
  rmSync(stackDir, { recursive: true, force: true });
});

test("find the transaction the app made and see its decoded CidRecorded event", async () => {
  const logs = cryptokube("logs", "web");
  const match = /registry (0x[0-9a-f]{40}) records (\S+) \(tx (0x[0-9a-f]{64})\)/.exec(logs.stdout);
  assert.ok(match, `the app did not log its transaction:\n${logs.stdout}`);
  const [, registry, cid, hash] = match as unknown as [string, string, string, string];

  await page.goto(`${dashboard}/explorer`);
  await page
    .getByRole("searchbox", { name: "search the chain" })
    .or(page.locator("input[name=q]"))
    .fill(hash);
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(`**/explorer/tx/${hash}`);
  assert.equal(await page.locator("#tx-status").textContent(), "success");
  assert.equal((await page.locator("#decoded-input").textContent())?.trim(), "CidRegistry.record");
  const event = page.locator("article.event").first();
  assert.equal(
    (await event.locator(".event-name").textContent())?.trim(),
    "CidRegistry.CidRecorded",
  );
  assert.match((await event.textContent()) ?? "", new RegExp(cid));
  await shot("explorer-tx");

  // The contract's address page lists the same transaction from the indexer.
  await page.goto(`${dashboard}/explorer/address/${registry}`);
  await page.locator(`a[href="/explorer/tx/${hash}"]`).first().waitFor();
  await shot("explorer-address");
});

test("wallet: log in with the token, send ETH from account 0 to 1, both balances change", async () => {
  await page.goto(`${dashboard}/wallet`);
  assert.ok(await page.locator("#send-form button").isDisabled(), "send is locked before login");
  await page.getByRole("link", { name: "log in", exact: true }).click();
  const tokenFile = (await page.locator("#token-file").textContent()) ?? "";
  assert.match(
    tokenFile,
    /secrets\/dashboard-token\/token$/,
    "the login page says where the token is",
  );
  await page.locator("#login-form input[name=token]").fill(token);
  await page.locator("#login-form button").click();
  await page.waitForURL("**/wallet");

  const eth = async (i: number) =>
    Number(((await page.locator(`#balance-${i}`).textContent()) ?? "").replace(" ETH", ""));
  const [before0, before1] = [await eth(0), await eth(1)];
  const to = ((await page.locator('tr[data-account="1"] a').textContent()) ?? "").trim();
  await page.locator("#send-form select[name=from]").selectOption("0");
  await page.locator("#send-form input[name=to]").fill(to);
  await page.locator("#send-form input[name=amount]").fill("1.5");
  await page.locator("#send-form button").click();
  await page.waitForURL(/\/wallet\?what=sent&tx=0x[0-9a-f]{64}$/);
  await page.locator(".notice.ok").waitFor();
  const [after0, after1] = [await eth(0), await eth(1)];
  assert.ok(Math.abs(after1 - before1 - 1.5) < 1e-9, `account 1: ${before1} → ${after1}`);
  assert.ok(
    before0 - after0 >= 1.5 && before0 - after0 < 1.51,
    `account 0: ${before0} → ${after0}`,
  );
  await shot("wallet-sent");

  // The registered contract's forms, generated from its ABI: a call and a transaction.
  const contract = page.locator("details.contract", { hasText: "CidRegistry" });
  await contract.locator("summary").click();
  await contract
    .locator('form[action="/wallet/call"]', { hasText: "cid" })
    .locator("button")
    .click();
  const recorded = ((await page.locator("#call-result").textContent()) ?? "").trim();
  assert.match(recorded, /^baf[a-z0-9]+$/, "cid() returns the CID the app recorded");
  const again = page.locator("details.contract", { hasText: "CidRegistry" });
  await again.locator("summary").click();
  const record = again.locator('form[action="/wallet/transact"]', { hasText: "record" });
  await record.locator("input[name=arg0]").fill("bafy-from-the-wallet-page");
  await record.locator("button").click();
  await page.waitForURL(/\/wallet\?what=transaction&tx=0x[0-9a-f]{64}$/);
  await page.locator(".notice.ok a").click();
  await page.waitForURL(/\/explorer\/tx\/0x[0-9a-f]{64}$/);
  assert.match(
    (await page.locator("article.event").first().textContent()) ?? "",
    /CidRecorded[\s\S]*bafy-from-the-wallet-page/,
  );
  await shot("wallet-transact-event");
});

test("IPFS: upload a file and read it back", async () => {
  const content = `uploaded from headless Chromium at ${new Date().toISOString()}\n`;
  await page.goto(`${dashboard}/ipfs`);
  await page.locator("#upload-form input[type=file]").setInputFiles({
    name: "browser-note.txt",
    mimeType: "text/plain",
    buffer: Buffer.from(content),
  });
  await page.locator("#upload-form button").click();
  const link = page.locator("#added-cid");
  await link.waitFor();
  const cid = ((await link.textContent()) ?? "").trim();
  assert.match(cid, /^baf[a-z0-9]+$/);
  await shot("ipfs-uploaded");
  assert.ok(
    await page.locator(`.pins a[href="/ipfs/view/${cid}"]`).count(),
    "listed among the pins",
  );
  await link.click();
  await page.waitForURL(`**/ipfs/view/${cid}`);
  assert.equal(((await page.locator("body").textContent()) ?? "").trim(), content.trim());
});

test("the stack and metrics pages show every component and the chain head", async () => {
  await page.goto(`${dashboard}/`);
  for (const name of ["eth", "gateway", "indexer", "ipfs", "dashboard", "web"]) {
    assert.equal(
      (await page.locator(`tr[data-component="${name}"] td.state`).textContent())?.trim(),
      "ready",
      name,
    );
  }
  await shot("stack");
  await page.goto(`${dashboard}/metrics-charts`);
  await page.locator('figure[data-chart="Chain head"] svg').waitFor();
  await shot("metrics");
});
