/**
 * Maps document paths of a parsed YAML file back to `line:col` positions, so
 * that errors found on plain data (schema, cross-field checks, the planner) can
 * point at the exact spot in the user's file.
 */
import type { Document, LineCounter, Node, Pair, YAMLMap } from "yaml";
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq } from "yaml";
import { type PathSegment, parsePath } from "./path.ts";

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
}

export interface SourceMap {
  /** The file text the positions refer to. */
  readonly text: string;
  /**
   * Position of the node at `path`; for a block mapping or list, or an entry
   * without a value, the position of its key. Falls back to the nearest existing
   * ancestor, then to 1:1.
   */
  positionOf(path: string | readonly PathSegment[]): Position;
  /** Position of the key of the mapping entry at `path` (else as positionOf). */
  keyPositionOf(path: string | readonly PathSegment[]): Position;
  /** Source offsets [start, end) of the value at `path`, when it exists in the file. */
  rangeOf(path: string | readonly PathSegment[]): [number, number] | undefined;
  /** Position of a character offset in the text. */
  positionAt(offset: number): Position;
}

const START: Position = { line: 1, col: 1 };

interface Found {
  /** Deepest node reached; `pair` set when it was reached through a mapping key. */
  node: Node | null;
  pair: Pair | undefined;
  /** Whether every segment of the path was found. */
  complete: boolean;
}

export function createSourceMap(
  doc: Document.Parsed | undefined,
  lineCounter: LineCounter,
  text: string,
): SourceMap {
  const positionAt = (offset: number): Position => {
    const clamped = Math.max(0, Math.min(offset, text.length));
    const { line, col } = lineCounter.linePos(clamped);
    return line >= 1 && col >= 1 ? { line, col } : START;
  };

  const nodeStart = (node: unknown): number | undefined => {
    if (isScalar(node) || isCollection(node) || isAlias(node)) return node.range?.[0];
    return undefined;
  };

  // Per-mapping key index, built on first use, so locating many problems in a big mapping stays linear.
  const keyIndexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = keyIndexes.get(map);
    if (index === undefined) {
      index = new Map();
      // Later pairs overwrite earlier ones: the last occurrence wins, like the parsed data.
      for (const pair of map.items) {
        const text = keyText(pair.key);
        if (text !== undefined) index.set(text, pair);
      }
      keyIndexes.set(map, index);
    }
    return index.get(key);
  };

  const walk = (path: readonly PathSegment[]): Found => {
    let node: Node | null = (doc?.contents as Node | null | undefined) ?? null;
    let pair: Pair | undefined;
    for (const segment of path) {
      if (isAlias(node) && doc !== undefined)
        node = (node.resolve(doc) as Node | undefined) ?? node;
      const next = childOf(node, segment, pairOf);
      if (next === undefined) return { node, pair, complete: false };
      ({ node, pair } = next);
    }
    return { node, pair, complete: true };
  };

  const valuePosition = (found: Found): Position => {
    const { node, pair } = found;
    const blockOrEmpty =
      node === null ||
      (isCollection(node) && node.flow !== true) ||
      (isScalar(node) && node.value === null && node.source === "");
    if (pair !== undefined && blockOrEmpty) {
      const keyStart = nodeStart(pair.key);
      if (keyStart !== undefined) return positionAt(keyStart);
    }
    const start = nodeStart(node);
    return start === undefined ? START : positionAt(start);
  };

  const toSegments = (path: string | readonly PathSegment[]) =>
    typeof path === "string" ? parsePath(path) : path;

  return {
    text,
    positionAt,
    positionOf: (path) => valuePosition(walk(toSegments(path))),
    keyPositionOf: (path) => {
      const found = walk(toSegments(path));
      const keyStart = found.complete ? nodeStart(found.pair?.key) : undefined;
      return keyStart === undefined ? valuePosition(found) : positionAt(keyStart);
    },
    rangeOf: (path) => {
      const found = walk(toSegments(path));
      const node = found.node;
      if (!found.complete || !(isScalar(node) || isCollection(node) || isAlias(node))) return;
      return node.range === undefined || node.range === null
        ? undefined
        : [node.range[0], node.range[1]];
    },
  };
}

function childOf(
  node: unknown,
  segment: PathSegment,
  pairOf: (map: YAMLMap, key: string) => Pair | undefined,
): { node: Node | null; pair?: Pair } | undefined {
  if (isMap(node)) {
    const pair = pairOf(node, String(segment));
    return pair === undefined ? undefined : { node: (pair.value as Node | null) ?? null, pair };
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    if (item === undefined) return undefined;
    return isPair(item) ? { node: (item.value as Node | null) ?? null } : { node: item as Node };
  }
  return undefined;
}

/** A mapping key as it appears in the parsed data (non-scalar keys are rare and unsupported). */
export function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value ?? "");
  return undefined;
}
