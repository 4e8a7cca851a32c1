/**
 * Dependency order: dependencies first, ties broken by name, so the order is
 * the same on every run. A cycle is a PlanError naming its members.
 */
import { PlanError } from "@cryptokube/core";

export interface SortNode {
  name: string;
  source: string;
  dependsOn: readonly string[];
}

export function sortComponents<T extends SortNode>(nodes: readonly T[]): T[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const remaining = new Map(nodes.map((n) => [n.name, new Set(n.dependsOn)]));
  const sorted: T[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.entries()]
      .filter(([, deps]) => deps.size === 0)
      .map(([name]) => name)
      .sort();
    const next = ready[0];
    if (next === undefined) throw cycleError(remaining, byName);
    remaining.delete(next);
    for (const deps of remaining.values()) deps.delete(next);
    const node = byName.get(next);
    if (node !== undefined) sorted.push(node);
  }
  return sorted;
}

function cycleError(remaining: Map<string, Set<string>>, byName: Map<string, SortNode>): PlanError {
  // Walk from the smallest stuck name until a name repeats: that loop is the cycle.
  const start = [...remaining.keys()].sort()[0] ?? "";
  const path: string[] = [];
  let current = start;
  while (!path.includes(current)) {
    path.push(current);
    current = [...(remaining.get(current) ?? [])].sort()[0] ?? start;
  }
  const cycle = [...path.slice(path.indexOf(current)), current];
  const first = byName.get(cycle[0] ?? start);
  return new PlanError([
    {
      path: first?.source ?? "",
      message: `dependency cycle: ${cycle.join(" → ")}`,
      suggestion: "remove one of these depends_on entries or references",
    },
  ]);
}
