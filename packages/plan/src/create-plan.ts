/**
 * Stack + catalog → plan. Pure and deterministic: the same stack gives a
 * byte-identical `JSON.stringify(plan, null, 2)`. Steps: entries → drafts
 * (packages) → checks → dependencies → order → ports/URLs → build (packages)
 * → conventional env → plan.
 */
import {
  type BuildContext,
  CATALOG,
  type Catalog,
  type ComponentDraft,
  type ResolvedComponent,
  resolveResources,
} from "@cryptokube/catalog";
import { CryptoKubeError, type PathProblem, PlanError } from "@cryptokube/core";
import type { Stack } from "@cryptokube/spec";
import { assignEndpoints, instanceUrls, LOOPBACK } from "./assign-endpoints.ts";
import { checkVariants } from "./check-variants.ts";
import { conventionalEnv } from "./conventional-env.ts";
import { defaultPortBase } from "./port-base.ts";
import { locateEndpoint, locateReferences, locationValue, resolveText } from "./references.ts";
import { sortComponents } from "./sort-components.ts";
import { type StackEntry, stackEntries } from "./stack-entries.ts";
import {
  type Component,
  type Endpoint,
  type EnvValue,
  PLAN_API_VERSION,
  type Plan,
  type Resources,
  type Scaling,
  type SecretDecl,
  type TargetName,
  type Volume,
} from "./types.ts";

export interface CreatePlanOptions {
  target: TargetName;
  catalog?: Catalog;
}

/** Fields every sizable stack entry may carry (the schema's shared vocabulary). */
interface EntryOverrides {
  resources?: { cpu?: string | number; memory?: string };
  storage?: { size?: string; class?: string };
  replicas?: number;
  autoscaling?: { min: number; max: number; cpu: number };
}

interface PlannedDraft {
  draft: ComponentDraft;
  entry: StackEntry;
  resources: Resources;
  volumes: Volume[];
  scaling: Scaling;
}

const LOCAL_TARGETS: readonly TargetName[] = ["embedded", "process", "docker"];

function collect<T>(problems: PathProblem[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof PlanError) {
      problems.push(...error.problems);
      return undefined;
    }
    throw error;
  }
}

function expandEntries(
  stack: Stack,
  target: TargetName,
  namespace: string,
  catalog: Catalog,
  problems: PathProblem[],
): Array<{ draft: ComponentDraft; entry: StackEntry }> {
  const out: Array<{ draft: ComponentDraft; entry: StackEntry }> = [];
  const owners = new Map<string, string>();
  for (const entry of stackEntries(stack)) {
    const pkg = catalog.get(entry.packageId);
    if (pkg === undefined) {
      problems.push({
        path: entry.source,
        message: `no catalog package '${entry.packageId}' to plan ${entry.source}`,
        suggestion: `known packages: ${catalog.packages.map((p) => p.id).join(", ")}`,
      });
      continue;
    }
    const drafts = collect(problems, () =>
      pkg.expand({ ...entry, target, stack, namespace, catalog }),
    );
    for (const draft of drafts ?? []) {
      const owner = owners.get(draft.name);
      if (owner !== undefined) {
        problems.push({
          path: draft.source,
          message: `component name '${draft.name}' is used by both ${owner} and ${draft.source}`,
          suggestion: `rename one of them (e.g. ${draft.name}-2)`,
        });
        continue;
      }
      owners.set(draft.name, draft.source);
      out.push({ draft, entry });
    }
  }
  return out;
}

function sizeDraft(
  draft: ComponentDraft,
  entry: StackEntry,
  stack: Stack,
  target: TargetName,
  problems: PathProblem[],
): PlannedDraft {
  const primary = draft.source === entry.source;
  // The stack schema validated the entry; these fields are shared by every sizable entry.
  const overrides = (primary ? entry.config : {}) as EntryOverrides;
  const cluster = target === "kubernetes";
  const volumes: Volume[] = draft.volumes.map((v, i) => {
    const own = i === 0 ? overrides.storage : undefined;
    const storageClass = own?.class ?? stack.kubernetes?.storageClass;
    return {
      name: v.name,
      mountPath: v.mountPath,
      size: own?.size ?? v.size,
      ...(cluster && storageClass !== undefined ? { storageClass } : {}),
      persistent: v.persistent,
    };
  });
  let scaling: Scaling = { ...draft.scaling };
  if (primary && overrides.replicas !== undefined) scaling = { replicas: overrides.replicas };
  const auto = primary ? overrides.autoscaling : undefined;
  if (auto !== undefined) {
    if (auto.min > auto.max) {
      problems.push({
        path: `${entry.source}.autoscaling`,
        message: `autoscaling min (${auto.min}) is above max (${auto.max})`,
      });
    }
    scaling.autoscaling = { min: auto.min, max: auto.max, targetCPUUtilization: auto.cpu };
  }
  if (LOCAL_TARGETS.includes(target)) {
    if (draft.workload === "stateful" && scaling.replicas > 1) {
      problems.push({
        path: `${entry.source}.replicas`,
        message: `${draft.name} keeps state on disk and runs as one instance on target '${target}'`,
        suggestion: "remove replicas, or use the kubernetes target",
      });
    }
    // One local process per component: replicas and autoscaling are cluster concepts.
    scaling = { replicas: 1 };
  }
  return {
    draft,
    entry,
    resources: resolveResources(draft.resources, overrides.resources),
    volumes,
    scaling,
  };
}

function addDependencies(
  planned: PlannedDraft[],
  stack: Stack,
  problems: PathProblem[],
): Map<string, Set<string>> {
  const drafts = planned.map((p) => p.draft);
  const graph = { stack, drafts };
  const names = new Set(drafts.map((d) => d.name));
  const deps = new Map<string, Set<string>>();
  for (const { draft } of planned) {
    const set = new Set(draft.dependsOn);
    for (const site of draft.stackDependsOn) {
      const target = dependencyTarget(graph, site.text, names);
      if (target === undefined) {
        problems.push({
          path: site.path,
          message: `depends on '${site.text}', which the stack does not declare`,
          suggestion: "name an app, or chains.<name> / storage.ipfs / services.<name>",
        });
      } else {
        set.add(target);
      }
    }
    for (const site of draft.references) {
      const { locations, problems: found } = locateReferences(graph, site.text, site.path);
      problems.push(...found);
      for (const loc of locations) if (loc.kind === "endpoint") set.add(loc.component);
    }
    set.delete(draft.name);
    for (const dep of set) {
      if (!names.has(dep)) {
        throw new CryptoKubeError(`${draft.name} depends on unknown component '${dep}'`, {
          code: "CATALOG_BUG",
          hint: `catalog package '${draft.package}' named a component the plan does not have`,
        });
      }
    }
    deps.set(draft.name, set);
  }
  return deps;
}

/** `api` (an app) or `chains.eth` / `storage.ipfs` / `services.gateway` → a component name. */
function dependencyTarget(
  graph: { stack: Stack; drafts: readonly ComponentDraft[] },
  text: string,
  names: ReadonlySet<string>,
): string | undefined {
  if (!text.includes(".")) {
    return graph.stack.apps?.[text] !== undefined && names.has(text) ? text : undefined;
  }
  const [section, name, ...rest] = text.split(".");
  if (rest.length > 0 || section === undefined || name === undefined) return undefined;
  const source = `${section}.${name}`;
  const owner =
    graph.drafts.find((d) => d.source === source) ??
    // services.dashboard when only services.wallet planned it.
    (source === "services.dashboard"
      ? graph.drafts.find((d) => d.source === "services.wallet")
      : undefined);
  return owner?.name;
}

function mergeSecrets(
  planned: readonly PlannedDraft[],
  components: readonly Component[],
): SecretDecl[] {
  const byName = new Map<string, SecretDecl>();
  for (const { draft } of planned) {
    for (const s of draft.secrets) {
      const known = byName.get(s.name);
      if (known === undefined) {
        byName.set(s.name, { ...structuredClone(s), usedBy: [draft.name] });
      } else if (!known.usedBy.includes(draft.name)) {
        known.usedBy.push(draft.name);
      }
    }
  }
  // A component reading a secret through its env uses it too (the indexer and postgres' password).
  for (const c of components) {
    for (const value of Object.values(c.env)) {
      const known = typeof value === "string" ? undefined : byName.get(value.secret);
      if (known !== undefined && !known.usedBy.includes(c.name)) known.usedBy.push(c.name);
    }
  }
  return [...byName.values()]
    .map((s) => ({ ...s, usedBy: [...s.usedBy].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function sortedEnv(env: Record<string, EnvValue>): Record<string, EnvValue> {
  return Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function createPlan(stack: Stack, options: CreatePlanOptions): Plan {
  const { target } = options;
  const catalog = options.catalog ?? CATALOG;
  const cluster = target === "kubernetes";
  const namespace = cluster ? (stack.kubernetes?.namespace ?? stack.name) : stack.name;
  const problems: PathProblem[] = [];

  const expanded = expandEntries(stack, target, namespace, catalog, problems);
  problems.push(
    ...checkVariants(
      expanded.map((e) => e.draft),
      target,
      catalog,
    ),
  );
  const sized = expanded.map(({ draft, entry }) =>
    sizeDraft(draft, entry, stack, target, problems),
  );
  if (problems.length > 0) throw new PlanError(problems);

  const deps = addDependencies(sized, stack, problems);
  if (problems.length > 0) throw new PlanError(problems);
  const ordered = sortComponents(
    sized.map((p) => ({
      ...p,
      name: p.draft.name,
      source: p.draft.source,
      dependsOn: [...(deps.get(p.draft.name) ?? [])],
    })),
  );

  const endpoints = assignEndpoints(
    ordered.map((p) => p.draft),
    {
      target,
      namespace,
      portBase: stack.local?.portBase ?? defaultPortBase(stack.name),
      portBaseSource: stack.local?.portBase === undefined ? "name" : "local.portBase",
    },
  );
  const resolved: ResolvedComponent[] = ordered.map(({ draft, scaling }) => ({
    name: draft.name,
    kind: draft.kind,
    package: draft.package,
    variant: draft.variant.name,
    source: draft.source,
    endpoints: endpoints.get(draft.name) ?? [],
    ...(draft.metrics === undefined ? {} : { metrics: draft.metrics }),
    replicas: scaling.replicas,
    facts: draft.facts,
    routes: draft.routes,
  }));
  const byName = new Map(resolved.map((c) => [c.name, c]));
  const drafts = ordered.map((p) => p.draft);
  const graph = { stack, drafts };
  const endpointUrlOf = (source: string, endpoint: string): string | undefined => {
    const loc = locateEndpoint(graph, source, endpoint);
    return loc === undefined || loc.kind !== "endpoint" ? undefined : locationValue(loc, endpoints);
  };
  const resolveReferences = (text: string, path: string): string =>
    resolveText(graph, text, path, endpoints);

  const components: Component[] = [];
  for (const p of ordered) {
    const { draft } = p;
    const self = byName.get(draft.name);
    if (self === undefined) continue;
    const ctx: BuildContext = {
      target,
      stack,
      namespace,
      bindHost: cluster ? "0.0.0.0" : LOOPBACK,
      self,
      components: resolved,
      component: (name) => byName.get(name),
      endpointUrl: endpointUrlOf,
      resolveReferences,
      instanceUrls: (name, endpointName) => {
        const other = drafts.find((d) => d.name === name);
        const e = byName.get(name)?.endpoints.find((x) => x.name === endpointName);
        if (other === undefined || e === undefined) return [];
        return instanceUrls(other, e, byName.get(name)?.replicas ?? 1, target, namespace);
      },
    };
    const built = collect(problems, () => draft.build(ctx));
    if (built === undefined) continue;
    const env: Record<string, EnvValue> =
      draft.kind === "app"
        ? {
            ...conventionalEnv({
              stack,
              target,
              app: self,
              component: ctx.component,
              endpointUrl: endpointUrlOf,
            }),
            ...built.env,
          }
        : { ...built.env };
    components.push(
      assembleComponent(p, built.run, sortedEnv(env), endpoints.get(draft.name) ?? [], {
        dependsOn: [...(deps.get(draft.name) ?? [])].sort(),
        settings: built.settings ?? {},
      }),
    );
  }
  if (problems.length > 0) throw new PlanError(problems);

  return {
    apiVersion: PLAN_API_VERSION,
    stack: stack.name,
    target,
    namespace,
    components,
    secrets: mergeSecrets(ordered, components),
  };
}

/** Key order here is the plan's key order: keep it stable. */
function assembleComponent(
  p: PlannedDraft,
  run: Component["run"],
  env: Record<string, EnvValue>,
  endpoints: Endpoint[],
  rest: { dependsOn: string[]; settings: Record<string, unknown> },
): Component {
  const { draft } = p;
  return {
    name: draft.name,
    kind: draft.kind,
    package: draft.package,
    variant: draft.variant.name,
    version: draft.version,
    source: draft.source,
    workload: draft.workload,
    run,
    env,
    endpoints,
    volumes: p.volumes,
    dependsOn: rest.dependsOn,
    health: draft.health,
    ...(draft.metrics === undefined ? {} : { metrics: draft.metrics }),
    resources: p.resources,
    scaling: p.scaling,
    watch: draft.watch,
    restart: draft.restart,
    ...(draft.variant.startsWithDependencies === true ? { startsWithDependencies: true } : {}),
    settings: rest.settings,
  };
}
