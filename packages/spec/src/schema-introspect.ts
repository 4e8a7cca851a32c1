/**
 * Reads facts out of the zod schema for better messages: which keys an object
 * allows (for did-you-mean) and a number's bounds (for `expected:` lines).
 * Reads zod's `_zod.def`, which is zod 4's documented introspection surface.
 */
import type { z } from "zod";
import type { PathSegment } from "./path.ts";

interface LooseDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): LooseDef {
  return (schema as unknown as { _zod: { def: LooseDef } })._zod.def;
}

const WRAPPERS = new Set([
  "optional",
  "default",
  "prefault",
  "nullable",
  "readonly",
  "nonoptional",
]);

/** Strips optional/default/... wrappers and, for unions, picks the member matching `data`. */
function unwrap(schema: z.ZodType, data: unknown): z.ZodType {
  let current = schema;
  for (let guard = 0; guard < 32; guard++) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType !== undefined) current = def.innerType;
    else if (def.type === "pipe" && def.in !== undefined) current = def.in;
    else if (def.type === "union" && def.options !== undefined) {
      const picked = pickUnionMember(def, data);
      if (picked === undefined) return current;
      current = picked;
    } else return current;
  }
  return current;
}

function pickUnionMember(def: LooseDef, data: unknown): z.ZodType | undefined {
  const options = def.options ?? [];
  const isObject = typeof data === "object" && data !== null && !Array.isArray(data);
  if (def.discriminator !== undefined && isObject) {
    const tag = (data as Record<string, unknown>)[def.discriminator];
    const match = options.find((option) => {
      const literal = defOf(option).shape?.[def.discriminator ?? ""];
      return literal !== undefined && literalValues(literal).includes(tag);
    });
    if (match !== undefined) return match;
  }
  const wanted = isObject ? "object" : undefined;
  return options.find((option) => defOf(unwrap(option, data)).type === wanted);
}

function literalValues(schema: z.ZodType): unknown[] {
  const def = defOf(schema) as LooseDef & { values?: unknown[] };
  return def.values ?? [];
}

/** The schema that validates the value at `path` inside `data`, if the path leads somewhere. */
export function schemaAt(
  root: z.ZodType,
  path: readonly PathSegment[],
  data: unknown,
): z.ZodType | undefined {
  let schema: z.ZodType | undefined = unwrap(root, data);
  let value = data;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    const def = defOf(schema);
    value = childValue(value, segment);
    let next: z.ZodType | undefined;
    if (def.type === "object") next = def.shape?.[String(segment)];
    else if (def.type === "record") next = def.valueType;
    else if (def.type === "array") next = def.element;
    schema = next === undefined ? undefined : unwrap(next, value);
  }
  return schema;
}

/** Keys a strict object at `path` accepts, in declaration order. */
export function allowedKeysAt(
  root: z.ZodType,
  path: readonly PathSegment[],
  data: unknown,
): string[] {
  const schema = schemaAt(root, path, data);
  if (schema === undefined) return [];
  return Object.keys(defOf(schema).shape ?? {});
}

export interface NumberBounds {
  min: number | undefined;
  max: number | undefined;
  isInt: boolean;
}

export function numberBoundsAt(
  root: z.ZodType,
  path: readonly PathSegment[],
  data: unknown,
): NumberBounds | undefined {
  const schema = schemaAt(root, path, data) as
    | (z.ZodType & { minValue?: number | null; maxValue?: number | null; isInt?: boolean })
    | undefined;
  if (schema === undefined || defOf(schema).type !== "number") return undefined;
  const finite = (n: number | null | undefined) =>
    n === null || n === undefined || !Number.isFinite(n) || Math.abs(n) > Number.MAX_SAFE_INTEGER
      ? undefined
      : n;
  return {
    min: finite(schema.minValue),
    max: finite(schema.maxValue),
    isInt: schema.isInt === true,
  };
}

export function childValue(value: unknown, segment: PathSegment): unknown {
  if (typeof value !== "object" || value === null) return undefined;
  if (Array.isArray(value)) return typeof segment === "number" ? value[segment] : undefined;
  return Object.hasOwn(value, segment) ? (value as Record<string, unknown>)[segment] : undefined;
}

export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) value = childValue(value, segment);
  return value;
}
