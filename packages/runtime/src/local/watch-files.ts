/**
 * `watch` globs: a change to a matching file under the stack dir restarts that
 * component. One recursive watcher for the stack; node_modules, .git and
 * .cryptokube are never watched (our own log writes would trigger restarts);
 * bursts of events are debounced per component.
 */
import { type FSWatcher, watch } from "node:fs";
import { sep } from "node:path";
import type { Component } from "@cryptokube/plan/types";
import picomatch from "picomatch";
import { STATE_DIR_NAME } from "./state-layout.ts";

const IGNORED_DIRS = new Set(["node_modules", ".git", STATE_DIR_NAME]);

export interface StackWatcher {
  close(): void;
}

export interface WatchOptions {
  stackDir: string;
  components: Component[];
  debounceMs: number;
  /** Called once per burst of changes with the component and the first changed file. */
  onChange: (component: string, file: string) => void;
  onError: (error: Error) => void;
}

export function isIgnoredPath(relativePath: string): boolean {
  return relativePath.split(sep).some((segment) => IGNORED_DIRS.has(segment));
}

export function watchStackFiles(options: WatchOptions): StackWatcher {
  const matchers = options.components
    .filter((component) => component.watch.length > 0)
    .map((component) => ({
      name: component.name,
      match: picomatch(component.watch, { dot: true }),
    }));
  if (matchers.length === 0) return { close() {} };
  const timers = new Map<string, NodeJS.Timeout>();
  let watcher: FSWatcher;
  try {
    watcher = watch(options.stackDir, { recursive: true, ignore: isIgnoredPath });
  } catch (error) {
    options.onError(error as Error);
    return { close() {} };
  }
  watcher.on("error", (error) => options.onError(error));
  watcher.on("change", (_event, filename) => {
    if (filename === null) return;
    const file = filename.toString();
    // The ignore option is recent; filtering here keeps older Node versions correct too.
    if (isIgnoredPath(file)) return;
    const posix = file.split(sep).join("/");
    for (const { name, match } of matchers) {
      if (!match(posix) || timers.has(name)) continue;
      timers.set(
        name,
        setTimeout(() => {
          timers.delete(name);
          options.onChange(name, posix);
        }, options.debounceMs),
      );
    }
  });
  return {
    close() {
      watcher.close();
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
