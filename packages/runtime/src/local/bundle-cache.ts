/**
 * Single-file bundles of our Node.js servers (devnet, IPFS, gateway, indexer, dashboard),
 * built with esbuild and cached, the way Vite pre-bundles dependencies.
 *
 * Why: loading modules is most of a server's start. Node resolves, reads and links each
 * file of an ES module graph one by one, and viem alone is about a thousand files (a third
 * of a second here, even with the compile cache). One bundled file loads in a fraction of
 * that time and memory, and only what the server imports from a library is in it.
 *
 * Bundles live in `node_modules/.cache/cryptokube/bundles`, beside the packages they leave
 * out (those with native code or files of their own, such as EDR and PGlite), so that these
 * and `import.meta.resolve` resolve exactly as they do from the sources. A bundle is rebuilt
 * when any file that went into it changed (size or modification time). When esbuild is
 * missing, the cache cannot be written or a build fails, the server runs from its sources.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Part of every bundle's key: this file's own text, so that bundles built by an older
 * version of it (other options, other plugins) are never reused.
 */
const BUILDER = createHash("sha256")
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .digest("hex");

/**
 * Packages that stay outside the bundles: native add-ons, and packages that read files
 * beside their own modules at run time (PGlite's WebAssembly and data files).
 */
const EXTERNAL = [
  "@electric-sql/pglite",
  "@nomicfoundation/edr",
  "cpu-features",
  "ssh2",
  "playwright-core",
  "pg-native",
  "esbuild",
  "*.node",
];

interface Manifest {
  entry: string;
  bundle: string;
  /** Absolute path → [size, mtimeMs] of every file that went into the bundle. */
  inputs: Record<string, [number, number]>;
}

export interface BundleResult {
  /** The file to run instead of `entry`, or undefined to run the sources. */
  file: string | undefined;
  /** True when this call built the bundle (the first start after a change). */
  built: boolean;
  /** Why the sources run instead (esbuild missing, build error), for a log line. */
  reason?: string;
}

export interface BundleOptions {
  /** Called when the bundle must be built (seconds of work), before building it. */
  onBuild?: () => void;
}

/**
 * The bundle of `entry` (an absolute path to a .ts or .js module), built when missing or
 * stale. Never throws: any problem means the sources run.
 */
export async function bundleEntry(
  entry: string,
  options: BundleOptions = {},
): Promise<BundleResult> {
  if (process.env.CRYPTOKUBE_NO_BUNDLE === "1") return { file: undefined, built: false };
  let installed: { cacheDir: string; version: string };
  try {
    installed = esbuildInstall();
  } catch (error) {
    return { file: undefined, built: false, reason: `esbuild unavailable: ${message(error)}` };
  }
  const { cacheDir } = installed;
  const key = createHash("sha256")
    .update(`${BUILDER}\n${installed.version}\n${entry}`)
    .digest("hex")
    .slice(0, 16);
  const dir = basename(dirname(entry)) === "src" ? dirname(dirname(entry)) : dirname(entry);
  const name = `${basename(dir)}-${basename(entry).replace(/\.[cm]?[jt]s$/, "")}-${key}`;
  const manifestFile = join(cacheDir, `${name}.json`);
  const fresh = freshBundle(manifestFile);
  if (fresh !== undefined) return { file: fresh, built: false };
  options.onBuild?.();
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Loaded only to build: a fresh bundle is found without it.
    const esbuild = await import("esbuild");
    const startedAt = Date.now();
    const result = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node22",
      // Class and function names stay as written: errors and logs show them.
      keepNames: true,
      external: EXTERNAL,
      // CommonJS dependencies call require() for Node's built-in modules.
      banner: {
        js: 'import { createRequire as __cryptokubeCreateRequire } from "node:module"; const require = __cryptokubeCreateRequire(import.meta.url);',
      },
      plugins: [keepDynamicImportsLazy, keepModuleLocations],
      absWorkingDir: sep,
      metafile: true,
      write: false,
      logLevel: "silent",
    });
    const [output] = result.outputFiles;
    if (output === undefined) throw new Error("esbuild wrote nothing");
    const inputs: Manifest["inputs"] = {};
    for (const input of Object.keys(result.metafile.inputs)) {
      const file = join(sep, input);
      const stat = statSync(file, { throwIfNoEntry: false });
      // A file changed while esbuild read it may be in the bundle as it was before: the
      // impossible mtime makes the next start bundle again.
      if (stat !== undefined)
        inputs[file] = [stat.size, stat.mtimeMs < startedAt ? stat.mtimeMs : -1];
    }
    const bundle = `${name}.mjs`;
    writeAtomically(join(cacheDir, bundle), output.contents);
    const manifest: Manifest = { entry, bundle, inputs };
    writeAtomically(manifestFile, JSON.stringify(manifest));
    removeOlderBundles(cacheDir, entry, manifestFile);
    return { file: join(cacheDir, bundle), built: true };
  } catch (error) {
    return { file: undefined, built: false, reason: `bundling failed: ${message(error)}` };
  }
}

/** Bundles of `entry` built by other versions of this file or of esbuild are never used again. */
function removeOlderBundles(cacheDir: string, entry: string, current: string): void {
  for (const name of readdirSync(cacheDir)) {
    const file = join(cacheDir, name);
    if (!name.endsWith(".json") || file === current) continue;
    try {
      const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
      if (manifest.entry !== entry) continue;
      rmSync(join(cacheDir, manifest.bundle), { force: true });
      rmSync(file, { force: true });
    } catch {
      // Being written by another process, or already removed: not ours to judge.
    }
  }
}

/** The bundle a manifest describes, if it exists and none of its inputs changed. */
function freshBundle(manifestFile: string): string | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
  const bundle = join(dirname(manifestFile), manifest.bundle);
  if (!existsSync(bundle)) return undefined;
  for (const [file, [size, mtimeMs]] of Object.entries(manifest.inputs)) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat === undefined || stat.size !== size || stat.mtimeMs !== mtimeMs) return undefined;
  }
  return bundle;
}

/**
 * esbuild's version (part of a bundle's key) and the cache directory:
 * `node_modules/.cache/cryptokube/bundles` of the node_modules that holds esbuild.
 */
function esbuildInstall(): { cacheDir: string; version: string } {
  const main = import.meta.resolve("esbuild"); // <package>/lib/main.js
  const { version } = JSON.parse(readFileSync(new URL("../package.json", main), "utf8")) as {
    version: string;
  };
  const file = fileURLToPath(main);
  const marker = `${sep}node_modules${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) throw new Error(`esbuild is not inside a node_modules directory (${file})`);
  return {
    cacheDir: join(file.slice(0, at + marker.length), ".cache", "cryptokube", "bundles"),
    version,
  };
}

/** Written beside the target and renamed: a reader never sees half a file. */
function writeAtomically(file: string, contents: string | Uint8Array): void {
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, contents);
  renameSync(staging, file);
}

/**
 * A package a server imports with `await import()` is one it may never need (the Kubernetes
 * client in the dashboard, helia's full node in the IPFS node): it stays out of the bundle
 * and loads from node_modules when asked for, as from the sources.
 */
const keepDynamicImportsLazy: import("esbuild").Plugin = {
  name: "keep-dynamic-imports-lazy",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined,
    );
  },
};

/**
 * A module's own location stays what it was in the sources: `import.meta.url`, `dirname`
 * and `filename` (ES modules), `__dirname` and `__filename` (CommonJS) are replaced by the
 * original file's values. Servers find files beside their modules this way (the dashboard's
 * static assets, the indexer's migrations).
 */
const keepModuleLocations: import("esbuild").Plugin = {
  name: "keep-module-locations",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const loader = /\.[cm]?ts$/.test(args.path) ? "ts" : "js";
      if (loader === "js" && isCommonJs(args.path)) {
        if (!/\b__(dirname|filename)\b/.test(source)) return { contents: source, loader };
        // esbuild wraps each CommonJS module in a function, so these declarations shadow
        // the free names for this module only. They go after a "use strict" directive, behind
        // a semicolon (the directive may have none), on the same line (line numbers stay).
        const declarations = `var __dirname = ${JSON.stringify(dirname(args.path))}, __filename = ${JSON.stringify(args.path)};`;
        const prologue =
          /^(?:#![^\n]*\n)?(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:(['"])use strict\1;?)?/.exec(
            source,
          )?.[0] ?? "";
        return {
          contents: `${prologue};${declarations}${source.slice(prologue.length)}`,
          loader,
        };
      }
      if (!/\bimport\.meta\.(url|dirname|filename)\b/.test(source))
        return { contents: source, loader };
      const values = {
        url: JSON.stringify(pathToFileURL(args.path).href),
        dirname: JSON.stringify(dirname(args.path)),
        filename: JSON.stringify(args.path),
      };
      const contents = source.replace(
        /\bimport\.meta\.(url|dirname|filename)\b/g,
        (_, which: "url" | "dirname" | "filename") => values[which],
      );
      return { contents, loader };
    });
  },
};

const packageTypes = new Map<string, boolean>();

/** A .cjs file, or a .js file whose nearest package.json does not say "type": "module". */
function isCommonJs(file: string): boolean {
  if (file.endsWith(".cjs")) return true;
  if (file.endsWith(".mjs")) return false;
  let dir = dirname(file);
  const visited: string[] = [];
  for (;;) {
    const known = packageTypes.get(dir);
    if (known !== undefined) return remember(visited, known);
    visited.push(dir);
    const packageJson = join(dir, "package.json");
    if (existsSync(packageJson)) {
      try {
        const { type } = JSON.parse(readFileSync(packageJson, "utf8")) as { type?: string };
        return remember(visited, type !== "module");
      } catch {
        return remember(visited, true);
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return remember(visited, true);
    dir = parent;
  }
}

function remember(dirs: string[], commonJs: boolean): boolean {
  for (const dir of dirs) packageTypes.set(dir, commonJs);
  return commonJs;
}

/** esbuild's first error with its place ("/file:line: text"), or the error's first line. */
function message(error: unknown): string {
  const [first] = (error as { errors?: import("esbuild").Message[] }).errors ?? [];
  if (first !== undefined) {
    const where = first.location ? `${sep}${first.location.file}:${first.location.line}: ` : "";
    return `${where}${first.text}`;
  }
  return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
}
