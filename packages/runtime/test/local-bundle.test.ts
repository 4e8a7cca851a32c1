import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { createSupervisor, type ProgressEvent } from "../src/index.ts";
import { bundleEntry } from "../src/local/bundle-cache.ts";
import {
  freePort,
  HTTP_FIXTURE,
  httpComponent,
  makePlan,
  teardown,
  tempStackDir,
} from "./fixtures/local-stack.ts";

// Inside the repository, so that the fixture resolves packages from its node_modules.
const dir = mkdtempSync(join(import.meta.dirname, "tmp-bundle-"));
const built: string[] = [];
after(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const file of built) {
    rmSync(file, { force: true });
    rmSync(file.replace(/\.mjs$/, ".json"), { force: true });
  }
});

writeFileSync(join(dir, "data.txt"), "beside the module\n");
writeFileSync(
  join(dir, "where.cjs"),
  // A directive without its semicolon, as in pino's modules.
  "'use strict'\nmodule.exports = { dir: __dirname, file: __filename, obj: { __dirname: 'a property' }, strict: this === undefined || (function () { return this === undefined; })() };\n",
);
writeFileSync(
  join(dir, "main.ts"),
  [
    'import { readFileSync } from "node:fs";',
    'import { join } from "node:path";',
    'import { fileURLToPath } from "node:url";',
    'import { parse } from "yaml";',
    'import where from "./where.cjs";',
    "const label: string = 'v1';",
    "console.log(JSON.stringify({",
    "  label,",
    '  data: readFileSync(join(import.meta.dirname, "data.txt"), "utf8"),',
    "  url: fileURLToPath(import.meta.url) === import.meta.filename,",
    "  file: import.meta.filename,",
    "  where,",
    '  yaml: parse("a: 1"),',
    '  resolved: import.meta.resolve("yaml").startsWith("file:"),',
    "}));",
    "",
  ].join("\n"),
);
const entry = join(dir, "main.ts");
const run = (file: string): unknown =>
  JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8" }));

test("a bundle runs like its sources: module locations, CommonJS __dirname, packages, import.meta.resolve", async () => {
  const result = await bundleEntry(entry);
  assert.ok(result.file, `no bundle: ${result.reason}`);
  built.push(result.file);
  assert.equal(result.built, true);
  assert.match(
    result.file,
    /node_modules\/\.cache\/cryptokube\/bundles\/tmp-bundle-\w+-main-[0-9a-f]{16}\.mjs$/,
  );
  const fromSources = run(entry);
  assert.deepEqual(run(result.file), fromSources);
  assert.deepEqual(fromSources, {
    label: "v1",
    data: "beside the module\n",
    url: true,
    file: entry,
    where: { dir, file: join(dir, "where.cjs"), obj: { __dirname: "a property" }, strict: true },
    yaml: { a: 1 },
    resolved: true,
  });
});

test("a fresh bundle is reused; a changed input file is bundled again, older bundles of it go", async () => {
  const builds: string[] = [];
  const first = await bundleEntry(entry, { onBuild: () => builds.push("first") });
  assert.equal(first.built, false, "unchanged sources: the cached bundle is used");
  assert.ok(first.file);
  // What an older version of the bundler (another key) left for the same entry.
  const older = join(dirname(first.file), "tmp-bundle-older-main-0000000000000000");
  writeFileSync(`${older}.mjs`, "");
  writeFileSync(
    `${older}.json`,
    JSON.stringify({ entry, bundle: `${basename(older)}.mjs`, inputs: {} }),
  );
  writeFileSync(join(dir, "main.ts"), readFileSync(entry, "utf8").replace("'v1'", "'v2'"));
  // Same size, so only the modification time tells the change.
  utimesSync(entry, new Date(), new Date(Date.now() + 2000));
  const second = await bundleEntry(entry, { onBuild: () => builds.push("second") });
  assert.equal(second.built, true);
  assert.deepEqual(builds, ["second"], "told before building, and only then");
  assert.equal(second.file, first.file);
  assert.equal((run(second.file ?? "") as { label: string }).label, "v2");
  assert.equal(existsSync(`${older}.mjs`), false);
  assert.equal(existsSync(`${older}.json`), false);
});

test("a module esbuild cannot bundle runs from its sources, with the reason", async () => {
  const broken = join(dir, "broken.ts");
  writeFileSync(broken, 'import { nothing } from "./no-such-file.ts";\nconsole.log(nothing);\n');
  const result = await bundleEntry(broken);
  assert.equal(result.file, undefined);
  assert.equal(result.built, false);
  assert.match(result.reason ?? "", /bundling failed: .*no-such-file/);
});

test("CRYPTOKUBE_NO_BUNDLE=1 runs the sources", async () => {
  process.env.CRYPTOKUBE_NO_BUNDLE = "1";
  try {
    assert.deepEqual(await bundleEntry(entry), { file: undefined, built: false });
  } finally {
    delete process.env.CRYPTOKUBE_NO_BUNDLE;
  }
});

test("every server the catalog runs, the supervisor and the CLI bundle without errors", async () => {
  const modules = [
    "@cryptokube/runtime/devnet/main",
    "@cryptokube/runtime/ipfs/main",
    "@cryptokube/gateway/main",
    "@cryptokube/indexer/main",
    "@cryptokube/dashboard/main",
  ].map((specifier) => fileURLToPath(import.meta.resolve(specifier)));
  modules.push(
    join(import.meta.dirname, "..", "src", "local", "supervisor-main.ts"),
    join(import.meta.dirname, "..", "..", "cli", "src", "main.ts"),
  );
  for (const module of modules) {
    const result = await bundleEntry(module);
    assert.ok(result.file, `${module}: ${result.reason}`);
  }
});

test("the supervisor shows a component's bundling as progress, then runs it from the bundle", async (t) => {
  // A copy of the HTTP fixture at a new path: no bundle of it exists yet.
  const module = join(dir, "web-server.mjs");
  copyFileSync(HTTP_FIXTURE, module);
  const stackDir = tempStackDir(t);
  const events: ProgressEvent[] = [];
  const port = await freePort();
  const supervisor = createSupervisor({
    plan: makePlan([
      httpComponent("web", { port, run: { type: "node", module, args: ["--port", String(port)] } }),
    ]),
    stackDir,
    onLog: () => {},
    onProgress: (event) => events.push(event),
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const bundled = (await bundleEntry(module)).file;
  assert.ok(bundled);
  built.push(bundled);
  assert.deepEqual(events[0], {
    type: "preparing",
    component: "web",
    what: "bundling, first start after a change",
  });
  const pid = supervisor.status().find((record) => record.name === "web")?.pid;
  assert.ok(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(bundled));
});
