/** The stack page's log tail reads only the end of each file and merges sources by time. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { tailLogs } from "../src/sources/log-tail.ts";

test("tailLogs: last lines of all sources in time order, from a bounded read of each file", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ck-log-tail-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const logs = join(dir, ".cryptokube", "logs");
  mkdirSync(logs, { recursive: true });
  const at = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString();
  // 20,000 lines (~900 KB): only the tail may be read.
  const big = Array.from({ length: 20_000 }, (_, i) => `${at(i * 2)} eth line ${i}`).join("\n");
  writeFileSync(join(logs, "eth.log"), `${big}\n`);
  writeFileSync(join(logs, "web.log"), `${at(39_997)} web late\nstack trace without a time\n`);

  const tail = tailLogs(dir, { lines: 4, bytesPerFile: 4096 });
  assert.deepEqual(
    tail.map((l) => `${l.source}: ${l.text}`),
    [
      "eth: eth line 19998",
      "web: web late",
      "web: stack trace without a time",
      "eth: eth line 19999",
    ],
  );
  const one = tailLogs(dir, { lines: 1000, source: "eth", bytesPerFile: 2048 });
  assert.ok(one.length < 60 && one.length > 40, "bounded by the bytes read, not the whole file");
  assert.ok(
    one.every((l) => /^eth line \d+$/.test(l.text)),
    "the cut first line is dropped",
  );
  assert.deepEqual(tailLogs(join(dir, "nothing"), { lines: 5 }), []);
});
