/**
 * `depends_on`: every entry names something the stack defines (an app, or
 * chains.X / storage.ipfs / services.X), and apps do not depend on each other
 * in a loop.
 */
import { oneOf as listOneOf } from "../describe-value.ts";
import { didYouMean } from "../did-you-mean.ts";
import type { Problem } from "../problem.ts";
import { asRecord, entriesOf, has, type RawRecord, SERVICE_NAMES } from "./raw.ts";

const ANY_TARGET = "an app name, chains.<name>, storage.ipfs or services.<name>";

interface Targets {
  /** Every valid entry, for the common case of an entry that is fine. */
  defined: Set<string>;
  apps: string[];
  chains: string[];
  storage: string[];
  services: string[];
}

function targetsOf(stack: RawRecord): Targets {
  const storage = asRecord(stack.storage);
  const services = asRecord(stack.services);
  const apps = entriesOf(stack.apps).map(([name]) => name);
  const chains = entriesOf(stack.chains).map(([name]) => `chains.${name}`);
  const storageTargets = has(storage, "ipfs") ? ["storage.ipfs"] : [];
  const serviceTargets = SERVICE_NAMES.filter((s) => has(services, s)).map((s) => `services.${s}`);
  return {
    defined: new Set([...apps, ...chains, ...storageTargets, ...serviceTargets]),
    apps,
    chains,
    storage: storageTargets,
    services: serviceTargets,
  };
}

function oneOf(list: readonly string[], otherwise: string): string {
  return list.length > 0 ? listOneOf(list) : otherwise;
}

export function checkDependencies(stack: RawRecord): Problem[] {
  const targets = targetsOf(stack);
  const problems: Problem[] = [];
  for (const [app, spec] of entriesOf(stack.apps)) {
    const dependsOn = asRecord(spec)?.depends_on;
    if (!Array.isArray(dependsOn)) continue;
    dependsOn.forEach((entry, index) => {
      if (typeof entry !== "string" || entry === "") return;
      const problem = checkTarget(entry, app, targets);
      if (problem !== undefined) {
        problems.push({ ...problem, path: ["apps", app, "depends_on", index], found: entry });
      }
    });
  }
  return [...problems, ...findCycles(stack)];
}

function checkTarget(
  entry: string,
  app: string,
  targets: Targets,
): Omit<Problem, "path"> | undefined {
  if (targets.defined.has(entry)) return undefined;
  // Only now, for an entry that is wrong: suggestions cost an edit distance per candidate.
  // Lazy, so huge stacks only pay for the candidates actually read.
  const otherApps = function* () {
    for (const a of targets.apps) if (a !== app) yield a;
  };
  const all = function* () {
    yield* otherApps();
    yield* targets.chains;
    yield* targets.storage;
    yield* targets.services;
  };
  const suggestion = didYouMean(entry, all());
  const [section, name, ...rest] = entry.split(".");
  if (name === undefined) {
    const others = targets.apps.length - 1;
    return {
      message: `refers to app '${entry}', which is not defined in apps`,
      expected: others > 0 ? listOneOf(otherApps(), others) : ANY_TARGET,
      suggestion,
    };
  }
  if (rest.length > 0) return unknownTarget(entry, suggestion);
  if (section === "chains") {
    return {
      message: `refers to chain '${name}', which is not defined in chains`,
      expected: oneOf(targets.chains, "a chain defined under chains"),
      suggestion,
    };
  }
  if (section === "storage") {
    return name === "ipfs"
      ? {
          message: "refers to storage.ipfs, which is not defined in storage",
          expected: oneOf(targets.storage, ANY_TARGET),
          suggestion: suggestion ?? "add 'ipfs: {}' under storage",
        }
      : {
          message: `refers to storage '${name}', which does not exist (the only storage is ipfs)`,
          expected: "storage.ipfs",
          suggestion,
        };
  }
  if (section === "services") {
    const known = (SERVICE_NAMES as readonly string[]).includes(name);
    return {
      message: known
        ? `refers to service '${name}', which is not defined in services`
        : `refers to service '${name}', which does not exist`,
      expected: oneOf(targets.services, "a service defined under services"),
      suggestion: suggestion ?? (known ? `add '${name}: {}' under services` : undefined),
    };
  }
  return unknownTarget(entry, suggestion);
}

function unknownTarget(entry: string, suggestion: string | undefined): Omit<Problem, "path"> {
  return {
    message: `'${entry}' is neither an app name nor chains.<name>, storage.ipfs or services.<name>`,
    expected: ANY_TARGET,
    suggestion,
  };
}

/** Depth-first search over app -> app edges; each loop is reported once, at the edge closing it. */
function findCycles(stack: RawRecord): Problem[] {
  const apps = new Map(
    entriesOf(stack.apps).map(([name, spec]) => {
      const dependsOn = asRecord(spec)?.depends_on;
      return [name, Array.isArray(dependsOn) ? (dependsOn as unknown[]) : []] as const;
    }),
  );
  const done = new Set<string>();
  const onPath: string[] = [];
  const depthOnPath = new Map<string, number>();
  const reported = new Set<string>();
  const problems: Problem[] = [];

  // Iterative, so a long chain of apps cannot overflow the call stack.
  const visit = (root: string): void => {
    const frames: { app: string; next: number }[] = [{ app: root, next: 0 }];
    onPath.push(root);
    depthOnPath.set(root, 0);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      const deps = apps.get(frame.app) ?? [];
      if (frame.next >= deps.length) {
        frames.pop();
        onPath.pop();
        depthOnPath.delete(frame.app);
        done.add(frame.app);
        continue;
      }
      const index = frame.next++;
      const dep = deps[index];
      if (typeof dep !== "string" || !apps.has(dep) || done.has(dep)) continue;
      const loopStart = depthOnPath.get(dep);
      if (loopStart === undefined) {
        frames.push({ app: dep, next: 0 });
        depthOnPath.set(dep, onPath.length);
        onPath.push(dep);
        continue;
      }
      const loop = [...onPath.slice(loopStart), dep];
      const key = [...new Set(loop)].sort().join(" ");
      if (reported.has(key)) continue;
      reported.add(key);
      problems.push({
        path: ["apps", frame.app, "depends_on", index],
        message: `dependency cycle: ${loop.join(" -> ")}`,
        expected: "apps that do not depend on each other in a loop",
        found: dep,
        suggestion: "remove one of the depends_on entries that form the loop",
      });
    }
  };

  for (const app of apps.keys()) if (!done.has(app)) visit(app);
  return problems;
}
