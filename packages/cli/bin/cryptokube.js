#!/usr/bin/env node
// Launcher in plain JavaScript so that it runs on any Node.js: CryptoKube itself is
// TypeScript run by Node's type stripping (Node >= 22.18). On an older Node (the
// machine's end-of-life default) it re-executes itself under the pinned Node 24
// that scripts/provision-node.sh installs from the npm registry.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as nodeModule from "node:module";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, "..", "src", "main.ts");
const [major, minor] = process.versions.node.split(".").map(Number);
const supported = major > 22 || (major === 22 && minor >= 18);

if (supported) {
  enableCompileCache();
  await import(await bundled(main));
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
  // The pinned Node goes first on PATH too, so `node` in the stack's app commands is
  // the same Node.js (the machine's old one cannot run TypeScript).
  const result = spawnSync(join(bin, "node"), [main, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` },
  });
  process.exit(result.status ?? 1);
}

/**
 * The CLI runs from a single-file bundle, as the stack's servers do: loading its few
 * hundred modules one by one was most of a command's time. Built on the first run after a
 * change; the sources run when it cannot be built.
 */
async function bundled(entry) {
  try {
    const { bundleEntry } = await import("@cryptokube/runtime/bundle-cache");
    return (await bundleEntry(entry)).file ?? entry;
  } catch {
    return entry;
  }
}

/**
 * V8's on-disk compile cache, type-stripped TypeScript included: every Node.js
 * process of a stack (supervisor, devnet, IPFS, gateway…) inherits the variable, so
 * a warm start skips most parsing and compiling (about a fifth of a devnet's start
 * and 20 MB of its memory). The user's own NODE_COMPILE_CACHE or
 * NODE_DISABLE_COMPILE_CACHE wins.
 */
function enableCompileCache() {
  if (process.env.NODE_DISABLE_COMPILE_CACHE !== undefined) return;
  if (process.env.NODE_COMPILE_CACHE === undefined) {
    const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
    process.env.NODE_COMPILE_CACHE = join(cacheHome, "cryptokube", "compile-cache");
  }
  nodeModule.enableCompileCache?.(process.env.NODE_COMPILE_CACHE);
}
