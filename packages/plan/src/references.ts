/**
 * `${section.name.endpoint}` references: where each one points (for
 * dependencies, before ports exist) and what it resolves to (after). Generic
 * over the drafts: an entry's components are the drafts whose source is the
 * entry's path; a gateway's routes win over the node's own endpoint.
 */
import type { ComponentDraft } from "@cryptokube/catalog";
import { type PathProblem, PlanError } from "@cryptokube/core";
import type { Stack } from "@cryptokube/spec";
import { endpointsOf, type Reference, replaceReferences, scanReferences } from "@cryptokube/spec";
import type { Endpoint } from "./types.ts";

export type Location =
  | { kind: "fact"; component: string; value: string | number }
  | { kind: "endpoint"; component: string; endpoint: string; suffix: string };

export interface ReferenceGraph {
  stack: Stack;
  drafts: readonly ComponentDraft[];
}

function entryDrafts(graph: ReferenceGraph, source: string): ComponentDraft[] {
  return graph.drafts.filter((d) => d.source === source);
}

function firstEndpoint(draft: ComponentDraft): string | undefined {
  return draft.endpoints[0]?.name;
}

/** Where `source`'s `endpoint` is served: through a route when a component fronts it. */
export function locateEndpoint(
  graph: ReferenceGraph,
  source: string,
  endpoint: string,
): Location | undefined {
  for (const d of graph.drafts) {
    const route = d.routes.find((r) => r.source === source && r.endpoint === endpoint);
    if (route !== undefined) {
      return { kind: "endpoint", component: d.name, endpoint: route.via, suffix: route.path };
    }
  }
  const drafts = entryDrafts(graph, source);
  const primary = drafts[0];
  if (primary === undefined) return undefined;
  const fact = primary.facts[endpoint];
  if (fact !== undefined && !primary.endpoints.some((e) => e.name === endpoint)) {
    return { kind: "fact", component: primary.name, value: fact };
  }
  if (primary.endpoints.some((e) => e.name === endpoint)) {
    return { kind: "endpoint", component: primary.name, endpoint, suffix: "" };
  }
  const first = firstEndpoint(primary);
  if (endpoint === "url" && first !== undefined) {
    return { kind: "endpoint", component: primary.name, endpoint: first, suffix: "" };
  }
  if (endpoint === "graphql" && first !== undefined) {
    return { kind: "endpoint", component: primary.name, endpoint: first, suffix: "/graphql" };
  }
  // An entry with several components names one of them (services.monitoring.grafana).
  const named = drafts.find((d) => d.name === endpoint);
  const namedFirst = named === undefined ? undefined : firstEndpoint(named);
  if (named !== undefined && namedFirst !== undefined) {
    return { kind: "endpoint", component: named.name, endpoint: namedFirst, suffix: "" };
  }
  // A sub-entry (chains.btc.lightning → its first node).
  const sub = graph.drafts.find((d) => d.source === `${source}.${endpoint}`);
  const subFirst = sub === undefined ? undefined : firstEndpoint(sub);
  if (sub !== undefined && subFirst !== undefined) {
    return { kind: "endpoint", component: sub.name, endpoint: subFirst, suffix: "" };
  }
  return undefined;
}

function locate(graph: ReferenceGraph, ref: Reference, path: string): Location | PathProblem {
  const source = `${ref.section}.${ref.name}`;
  const known = endpointsOf(graph.stack, ref.section, ref.name);
  if (known === undefined || entryDrafts(graph, source).length === 0) {
    const section: Record<string, unknown> = graph.stack[ref.section] ?? {};
    const names = Object.keys(section);
    return {
      path,
      message: `${ref.text} refers to ${source}, which the stack does not declare`,
      ...(names.length > 0
        ? { suggestion: `declared in ${ref.section}: ${names.join(", ")}` }
        : {}),
    };
  }
  const location = locateEndpoint(graph, source, ref.endpoint);
  if (location === undefined) {
    return {
      path,
      message: `${ref.text}: ${source} has no endpoint '${ref.endpoint}'`,
      ...(known.length > 0 ? { suggestion: `available: ${known.join(", ")}` } : {}),
    };
  }
  return location;
}

export interface LocatedText {
  locations: Location[];
  problems: PathProblem[];
}

/** Every reference in a stack value, located, with syntax and lookup problems at `path`. */
export function locateReferences(graph: ReferenceGraph, text: string, path: string): LocatedText {
  const { references, errors } = scanReferences(text);
  const problems: PathProblem[] = errors.map((e) => ({
    path,
    message: `${e.text} ${e.problem}`,
    ...(e.suggestion === undefined ? {} : { suggestion: e.suggestion }),
  }));
  const locations: Location[] = [];
  for (const ref of references) {
    const located = locate(graph, ref, path);
    if ("kind" in located) locations.push(located);
    else problems.push(located);
  }
  return { locations, problems };
}

/** The value a location stands for once endpoints are assigned. */
export function locationValue(
  location: Location,
  endpoints: ReadonlyMap<string, Endpoint[]>,
): string {
  if (location.kind === "fact") return String(location.value);
  const e = endpoints.get(location.component)?.find((x) => x.name === location.endpoint);
  return e === undefined ? "" : `${e.url}${location.suffix}`;
}

/** A stack value with every reference replaced by its value and `$${` by `${`. */
export function resolveText(
  graph: ReferenceGraph,
  text: string,
  path: string,
  endpoints: ReadonlyMap<string, Endpoint[]>,
): string {
  const { problems } = locateReferences(graph, text, path);
  if (problems.length > 0) throw new PlanError(problems);
  return replaceReferences(text, (ref) => {
    const loc = locate(graph, ref, path);
    return "kind" in loc ? locationValue(loc, endpoints) : ref.text;
  });
}
