/**
 * Where the process target finds node software (geth, ipfs, btcd…): the
 * directories of `--bin-dir` / `CRYPTOKUBE_BIN_PATH` first, then PATH. A
 * component started through a shell script (`sh -c "geth init … && exec geth …"`)
 * needs the programs its script runs, so those are found (or reported missing)
 * before anything starts, and the script's PATH gets the same directories.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { CryptoKubeError } from "@cryptokube/core";
import type { Component } from "@cryptokube/plan/types";

/** Colon-separated directories searched before PATH. */
export const BIN_PATH_ENV = "CRYPTOKUBE_BIN_PATH";

const SHELLS = new Set(["sh", "bash", "dash", "ash"]);
/** Shell builtins and keywords: never looked up on PATH. */
const BUILTINS = new Set([
  "export",
  "exec",
  "[",
  "test",
  "cd",
  "echo",
  "set",
  "true",
  "false",
  "if",
  "then",
  "else",
  "fi",
  "for",
  "do",
  "done",
  "while",
  "read",
  "unset",
  "printf",
  ":",
  ".",
  "{",
  "}",
  "!",
]);

/** Words that start a command without being its program. */
const PREFIXES = new Set(["exec", "!", "{", "(", "then", "else", "do"]);

/** How to get the node software the catalog runs, for the missing-program error. */
const HOW_TO_GET: Readonly<Record<string, string>> = {
  geth: "go-ethereum",
  ipfs: "kubo",
  btcd: "btcd",
  btcctl: "btcd",
  lnd: "lnd",
  lncli: "lnd",
};

/** The extra directories from the environment (`CRYPTOKUBE_BIN_PATH`). */
export function binPathOf(env: Record<string, string | undefined>): string[] {
  return (env[BIN_PATH_ENV] ?? "").split(delimiter).filter((dir) => dir !== "");
}

/** PATH for a component: the bin path directories, then the parent's PATH. */
export function componentPath(env: Record<string, string | undefined>): string | undefined {
  const extra = binPathOf(env);
  if (extra.length === 0) return env.PATH;
  return [...extra, ...(env.PATH ?? "").split(delimiter).filter((dir) => dir !== "")].join(
    delimiter,
  );
}

export function findProgram(
  program: string,
  stackDir: string,
  env: Record<string, string | undefined>,
): string | undefined {
  const candidates = program.includes("/")
    ? [isAbsolute(program) ? program : resolve(stackDir, program)]
    : (componentPath(env) ?? "")
        .split(delimiter)
        .filter((dir) => dir !== "")
        .map((dir) => join(dir, program));
  return candidates.find((file) => {
    try {
      accessSync(file, constants.X_OK);
      return statSync(file).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * The programs a binary run needs: the binary itself, or for a shell script the
 * first word of each command in it (`exec geth …` → geth).
 */
export function programsOf(binary: string, args: string[]): string[] {
  const name = binary.split("/").pop() ?? binary;
  if (!SHELLS.has(name) || args[0] !== "-c" || args[1] === undefined) return [binary];
  const programs = new Set<string>();
  for (const command of args[1].split(/&&|\|\||;|\|/)) {
    const words = command.trim().split(/\s+/);
    let index = 0;
    // `exec prog`, `VAR=x prog`, `! prog`, `{ prog`: the program is the first other word.
    while (PREFIXES.has(words[index] ?? "") || /^[A-Za-z_]\w*=/.test(words[index] ?? ""))
      index += 1;
    const word = words[index];
    if (word === undefined || word === "" || BUILTINS.has(word)) continue;
    if (/^[\w.+/-]+$/.test(word)) programs.add(word);
  }
  return [binary, ...programs];
}

export function missingProgramError(
  component: Component,
  program: string,
  binPath: string[],
): CryptoKubeError {
  const project = HOW_TO_GET[program];
  const get =
    project === undefined
      ? `install ${program}`
      : `build it with \`bash scripts/fixtures/build.sh\` (prints the directory it puts ${program} in), or install ${project}`;
  const searched = binPath.length === 0 ? "on PATH" : `in ${binPath.join(delimiter)} or on PATH`;
  return new CryptoKubeError(
    `${component.name} needs the program '${program}', which is not ${searched}`,
    {
      code: "BINARY_NOT_FOUND",
      hint: `${get}; then pass \`--bin-dir DIR\` or set ${BIN_PATH_ENV}=DIR (or put it on PATH), or run the stack with --target embedded`,
    },
  );
}
