/**
 * The driver of the embedded and process targets: every component is a host
 * process. Data directories live under `.cryptokube/volumes/<component>/<volume>`,
 * generated files (`{{file:…}}`) under `.cryptokube/files/<component>/`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Component } from "@cryptokube/plan/types";
import { bundleEntry } from "./bundle-cache.ts";
import { processLauncher } from "./component-process.ts";
import { buildLaunch, type Executable, resolveExecutable } from "./launch.ts";
import type { ComponentLauncher, DriverContext, Resolution, TargetDriver } from "./launcher.ts";
import { componentFiles } from "./resolve-tokens.ts";
import { stateLayout } from "./state-layout.ts";

export function createProcessDriver(ctx: DriverContext): TargetDriver {
  const layout = stateLayout(ctx.stackDir);
  const executables = new Map<string, Executable>();
  return {
    async resolve(components) {
      const result = new Map<string, Resolution>();
      for (const component of components) {
        const executable = resolveExecutable(component, ctx.stackDir, ctx.env);
        executables.set(component.name, executable);
        result.set(
          component.name,
          executable.available
            ? { available: true }
            : { available: false, reason: executable.reason },
        );
      }
      return result;
    },
    async prepare(components, options) {
      if (options.fresh) rmSync(layout.volumesDir, { recursive: true, force: true });
      for (const component of components) {
        if (!executables.has(component.name)) {
          executables.set(component.name, resolveExecutable(component, ctx.stackDir, ctx.env));
        }
      }
      await runFromBundles(executables, ctx);
      const launchers = new Map<string, ComponentLauncher>();
      for (const component of components) {
        const executable = executables.get(component.name);
        if (executable === undefined || !executable.available) continue;
        for (const volume of component.volumes) {
          mkdirSync(layout.volumeDir(component.name, volume.name), { recursive: true });
        }
        writeComponentFiles(component, ctx.stackDir);
        const launch = buildLaunch(component, executable, {
          stackDir: ctx.stackDir,
          stackName: ctx.plan.stack,
          secrets: ctx.plan.secrets,
          parentEnv: ctx.env,
        });
        launchers.set(component.name, processLauncher(launch));
      }
      return launchers;
    },
  };
}

/**
 * Our Node.js servers start from single-file bundles (see bundle-cache.ts), built in parallel
 * when missing or stale; the sources run when a bundle cannot be had.
 */
async function runFromBundles(
  executables: Map<string, Executable>,
  ctx: DriverContext,
): Promise<void> {
  const users = new Map<string, string[]>();
  for (const [name, executable] of executables) {
    if (!executable.available || executable.node === undefined) continue;
    users.set(executable.node.module, [...(users.get(executable.node.module) ?? []), name]);
  }
  const bundles = new Map<string, string>();
  await Promise.all(
    [...users].map(async ([module, components]) => {
      const result = await bundleEntry(module, {
        onBuild: () => {
          for (const name of components)
            ctx.preparing(name, "bundling, first start after a change");
        },
      });
      if (result.file !== undefined) bundles.set(module, result.file);
      if (result.built) ctx.event(`bundled ${module}`);
      if (result.reason !== undefined)
        ctx.warn(`${module} runs from its sources: ${result.reason}`);
    }),
  );
  for (const [name, executable] of executables) {
    const bundle = executable.available ? bundles.get(executable.node?.module ?? "") : undefined;
    if (!executable.available || executable.node === undefined || bundle === undefined) continue;
    executables.set(name, { ...executable, argsPrefix: [...executable.node.options, bundle] });
  }
}

/** Writes `settings.files` where `{{file:name}}` points on the host; returns name → path. */
export function writeComponentFiles(component: Component, stackDir: string): Map<string, string> {
  const layout = stateLayout(stackDir);
  const written = new Map<string, string>();
  for (const [name, content] of Object.entries(componentFiles(component))) {
    const file = layout.componentFile(component.name, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    written.set(name, file);
  }
  return written;
}
