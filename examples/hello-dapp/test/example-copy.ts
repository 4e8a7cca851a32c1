/**
 * A copy of the example under another stack name, in a temp dir: a stack started from
 * it never touches one started from the example's own directory (state, ports,
 * containers). Used by the conformance test and bench/targets.
 */
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";

const exampleDir = join(import.meta.dirname, "..");
const repoDir = join(exampleDir, "..", "..");

export function copyExample(options: { stack: string; prefix: string; appPort?: number }): string {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  cpSync(exampleDir, dir, {
    recursive: true,
    filter: (path) => ![".cryptokube", "node_modules", "test"].includes(basename(path)),
  });
  symlinkSync(join(repoDir, "node_modules"), join(dir, "node_modules"));
  const stackFile = join(dir, "cryptokube.yaml");
  let text = readFileSync(stackFile, "utf8").replace(/^name: .*$/m, `name: ${options.stack}`);
  if (options.appPort !== undefined) text = text.replace("http: 3000", `http: ${options.appPort}`);
  writeFileSync(stackFile, text);
  return dir;
}
