/**
 * Field-level diff between the live object and what a server-side dry run says it
 * would become. Server-owned bookkeeping (status, managedFields, resourceVersion…) is
 * ignored; Secret values are never shown, only that a key is added, changed or removed.
 */
import { isDeepStrictEqual } from "node:util";

export type DiffChange =
  | { op: "add"; path: string; value: unknown }
  | { op: "remove"; path: string; value: unknown }
  | { op: "change"; path: string; from: unknown; to: unknown };

export interface ObjectDiff {
  /** "Kind/name". */
  object: string;
  action: "create" | "update" | "unchanged" | "delete";
  changes: DiffChange[];
}

const IGNORED_METADATA = [
  "managedFields",
  "resourceVersion",
  "uid",
  "creationTimestamp",
  "generation",
  "selfLink",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
];

const HIDDEN = "(hidden)";

/** The comparable part of an object: no status, no server bookkeeping, secrets masked. */
export function comparable(object: unknown): Record<string, unknown> {
  const copy = structuredClone(toPlain(object)) as Record<string, unknown>;
  delete copy.status;
  const metadata = copy.metadata as Record<string, unknown> | undefined;
  if (metadata !== undefined) {
    for (const key of IGNORED_METADATA) delete metadata[key];
    const annotations = metadata.annotations as Record<string, string> | undefined;
    if (annotations !== undefined) {
      delete annotations["deployment.kubernetes.io/revision"];
      if (Object.keys(annotations).length === 0) delete metadata.annotations;
    }
  }
  if (copy.kind === "Secret") {
    for (const field of ["data", "stringData"]) {
      const values = copy[field] as Record<string, unknown> | undefined;
      if (values === undefined) continue;
      // A marker plus a short hash so a changed value shows as a change; the hash is
      // dropped again before a diff leaves this module.
      copy[field] = Object.fromEntries(
        Object.entries(values).map(([key, value]) => [key, `${HIDDEN}#${fingerprint(value)}`]),
      );
    }
  }
  return copy;
}

/** Stable, non-reversible change marker for a secret value (not shown, only compared). */
function fingerprint(value: unknown): string {
  let hash = 0x811c9dc5;
  for (const char of String(value)) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36);
}

function toPlain(object: unknown): unknown {
  // The client returns class instances with Date fields; JSON round-trip gives plain data.
  return JSON.parse(JSON.stringify(object ?? {}));
}

export function diffObject(name: string, live: unknown, next: unknown): ObjectDiff {
  const diff = rawDiff(name, live, next);
  // Fingerprints only served the comparison; the result never carries them.
  diff.changes = diff.changes.map(
    (change) => JSON.parse(JSON.stringify(change), (_key, value) => masked(value)) as DiffChange,
  );
  return diff;
}

function masked(value: unknown): unknown {
  return typeof value === "string" && value.startsWith(HIDDEN) ? HIDDEN : value;
}

function rawDiff(name: string, live: unknown, next: unknown): ObjectDiff {
  if (live === undefined) {
    return { object: name, action: "create", changes: flatten(comparable(next)).map(add) };
  }
  if (next === undefined) {
    return { object: name, action: "delete", changes: flatten(comparable(live)).map(remove) };
  }
  const before = new Map(flatten(comparable(live)));
  const after = new Map(flatten(comparable(next)));
  const changes: DiffChange[] = [];
  for (const [path, value] of after) {
    if (!before.has(path)) changes.push({ op: "add", path, value });
    else if (!isDeepStrictEqual(before.get(path), value))
      changes.push({ op: "change", path, from: before.get(path), to: value });
  }
  for (const [path, value] of before) {
    if (!after.has(path)) changes.push({ op: "remove", path, value });
  }
  changes.sort((a, b) => a.path.localeCompare(b.path));
  return { object: name, action: changes.length === 0 ? "unchanged" : "update", changes };
}

function add([path, value]: [string, unknown]): DiffChange {
  return { op: "add", path, value };
}
function remove([path, value]: [string, unknown]): DiffChange {
  return { op: "remove", path, value };
}

/** Leaves of a JSON value as [path, value]; arrays of scalars stay whole, other arrays index by position. */
export function flatten(value: unknown, prefix = ""): [string, unknown][] {
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== "object")) return [[prefix, value]];
    return value.flatMap((item, index) => flatten(item, `${prefix}[${index}]`));
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [[prefix, value]];
    return entries.flatMap(([key, item]) =>
      flatten(item, prefix === "" ? key : `${prefix}.${/^[\w-]+$/.test(key) ? key : `"${key}"`}`),
    );
  }
  return [[prefix, value]];
}

/** `kubectl diff`-like text: one line per changed field. */
export function formatDiff(diffs: ObjectDiff[]): string {
  const lines: string[] = [];
  for (const diff of diffs) {
    if (diff.action === "unchanged") {
      lines.push(`  ${diff.object} (unchanged)`);
      continue;
    }
    const sign = { create: "+", delete: "-", update: "~" }[diff.action];
    lines.push(`${sign} ${diff.object} (${diff.action})`);
    if (diff.action !== "update") continue;
    for (const change of diff.changes) {
      if (change.op === "add") lines.push(`    + ${change.path}: ${show(change.value)}`);
      else if (change.op === "remove") lines.push(`    - ${change.path}: ${show(change.value)}`);
      else lines.push(`    ~ ${change.path}: ${show(change.from)} -> ${show(change.to)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function show(value: unknown): string {
  return value === HIDDEN ? HIDDEN : JSON.stringify(value);
}
