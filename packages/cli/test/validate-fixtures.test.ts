/**
 * `cryptokube validate` on every broken stack file of the spec's fixtures prints
 * exactly the expected diagnostics (positions, messages, suggestions, excerpts)
 * followed by the count, and exits 2.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCapture } from "./run-cli.ts";

const fixtures = join(import.meta.dirname, "..", "..", "spec", "test", "fixtures", "invalid");
const cases = readdirSync(fixtures)
  .filter((name) => name.endsWith(".yaml"))
  .sort();
const scratch = mkdtempSync(join(tmpdir(), "ck-validate-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("validate on broken stack files", () => {
  it("has at least 20 of them", () => assert.ok(cases.length >= 20, `${cases.length} fixtures`));
  for (const name of cases) {
    it(name, async () => {
      const dir = mkdtempSync(join(scratch, "case-"));
      copyFileSync(join(fixtures, name), join(dir, "cryptokube.yaml"));
      const expected = readFileSync(
        join(fixtures, name.replace(/\.yaml$/, ".expected.txt")),
        "utf8",
      );
      const result = await runCapture(["validate"], { cwd: dir, env: { NO_COLOR: "1" } });
      assert.equal(result.code, 2);
      assert.equal(result.stdout, "");
      const count = (expected.match(/^cryptokube\.yaml:\d+:\d+ /gm) ?? []).length;
      assert.ok(count > 0);
      assert.equal(result.stderr, `${expected}\n${count} error${count === 1 ? "" : "s"}\n`);
    });
  }
});
