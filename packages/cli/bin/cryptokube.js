#!/usr/bin/env node
// Launcher in plain JavaScript so that it runs on any Node.js: CryptoKube itself is
// TypeScript run by Node's type stripping (Node >= 22.18). On an older Node (the
// machine's end-of-life default) it re-executes itself under the pinned Node 24
// that scripts/provision-node.sh installs from the npm registry.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, "..", "src", "main.ts");
const [major, minor] = process.versions.node.split(".").map(Number);
const supported = major > 22 || (major === 22 && minor >= 18);

if (supported) {
  await import(main);
} else {
  const provision = join(here, "..", "..", "..", "scripts", "provision-node.sh");
  if (!existsSync(provision)) {
    process.stderr.write(
      `cryptokube: needs Node.js >= 22.18 (found ${process.versions.node}); install Node.js 22 or 24 LTS\n`,
    );
    process.exit(1);
  }
  const bin = execFileSync("bash", [provision], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  }).trim();
  const result = spawnSync(join(bin, "node"), [main, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  process.exit(result.status ?? 1);
}
