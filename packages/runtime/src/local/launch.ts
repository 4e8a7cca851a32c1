/**
 * Turns a component's RunSpec into a concrete command line for this machine:
 * which file to execute, its arguments, working directory and environment.
 * Problems that would make `up` fail half-way (a missing binary, an image-only
 * component) are raised here, before anything starts.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CryptoKubeError } from "@cryptokube/core";
import type { Component, SecretDecl } from "@cryptokube/plan/types";
import {
  binPathOf,
  componentPath,
  findProgram,
  missingProgramError,
  programsOf,
} from "./program-path.ts";
import { hostTokenPaths, resolveTokens } from "./resolve-tokens.ts";
import { readSecret } from "./secrets.ts";

export interface Launch {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Human-readable, for logs ("node …/devnet/main.ts --port 8545"). Contains no secret values. */
  display: string;
}

export type Executable =
  | {
      available: true;
      file: string;
      argsPrefix: string[];
      shellCommand?: string;
      /** For one of our Node.js servers: its module and the Node flags before it. */
      node?: { module: string; options: string[] };
    }
  | { available: false; reason: string };

/** Parent variables that must not leak into components (they configure Node's own IPC/test runner). */
const PRIVATE_ENV = [
  "NODE_TEST_CONTEXT",
  "NODE_CHANNEL_FD",
  "NODE_CHANNEL_SERIALIZATION_MODE",
  "NODE_UNIQUE_ID",
];

export function resolveExecutable(
  component: Component,
  stackDir: string,
  parentEnv: Record<string, string | undefined>,
): Executable {
  const run = component.run;
  switch (run.type) {
    case "node": {
      const file = resolveModule(run.module);
      if (file === undefined) {
        return {
          available: false,
          reason: `not available yet in this version (module ${run.module} is not installed)`,
        };
      }
      const options = run.nodeOptions ?? [];
      return {
        available: true,
        file: process.execPath,
        argsPrefix: [...options, file],
        node: { module: file, options },
      };
    }
    case "command":
      return { available: true, file: "/bin/sh", argsPrefix: ["-c"], shellCommand: run.command };
    case "binary": {
      const [file, ...others] = programsOf(run.binary, run.args).map((program) => ({
        program,
        file: findProgram(program, stackDir, parentEnv),
      }));
      const missing = [file, ...others].find((entry) => entry?.file === undefined);
      if (file?.file === undefined || missing !== undefined) {
        throw missingProgramError(component, missing?.program ?? run.binary, binPathOf(parentEnv));
      }
      return { available: true, file: file.file, argsPrefix: [] };
    }
    case "image":
      throw new CryptoKubeError(
        `${component.name} runs as the container image '${run.image}', which needs the docker target`,
        {
          code: "TARGET_NEEDS_DOCKER",
          hint: `run the stack with --target docker, or give ${component.source} a \`command\` to run it as a process`,
        },
      );
  }
}

export interface BuildLaunchContext {
  stackDir: string;
  stackName: string;
  secrets: SecretDecl[];
  parentEnv: Record<string, string | undefined>;
}

export function buildLaunch(
  component: Component,
  executable: Extract<Executable, { available: true }>,
  ctx: BuildLaunchContext,
): Launch {
  const paths = hostTokenPaths(component, ctx.stackDir);
  const token = (text: string): string => resolveTokens(text, component, ctx.secrets, paths);
  const run = component.run;
  const runArgs = run.type === "command" ? [] : run.args.map(token);
  const args =
    executable.shellCommand === undefined
      ? [...executable.argsPrefix, ...runArgs]
      : [...executable.argsPrefix, token(executable.shellCommand)];
  const cwd = run.type === "command" ? resolve(ctx.stackDir, run.cwd) : ctx.stackDir;
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    throw new CryptoKubeError(`${component.name}: working directory ${cwd} does not exist`, {
      code: "CWD_NOT_FOUND",
      hint: `fix the cwd of ${component.source} in the stack file`,
    });
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.parentEnv)) {
    if (value !== undefined && !PRIVATE_ENV.includes(name)) env[name] = value;
  }
  const path = componentPath(ctx.parentEnv);
  if (path !== undefined) env.PATH = path;
  env.CRYPTOKUBE_STACK = ctx.stackName;
  env.CRYPTOKUBE_COMPONENT = component.name;
  for (const [name, value] of Object.entries(component.env)) {
    env[name] =
      typeof value === "string" ? token(value) : readSecret(ctx.stackDir, value.secret, value.key);
  }
  return { file: executable.file, args, cwd, env, display: [executable.file, ...args].join(" ") };
}

/** Resolves a package specifier to a file, or undefined if that package/export does not exist. */
export function resolveModule(specifier: string): string | undefined {
  try {
    const url = import.meta.resolve(specifier);
    const file = url.startsWith("file:") ? fileURLToPath(url) : undefined;
    return file !== undefined && existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}
