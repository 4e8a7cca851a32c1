/**
 * `${section.name.endpoint}` references in app env values and commands: well
 * formed, naming a declared entry and one of its endpoints.
 */
import { oneOf } from "../describe-value.ts";
import { closestMatch, didYouMean } from "../did-you-mean.ts";
import type { PathSegment } from "../path.ts";
import type { Problem } from "../problem.ts";
import {
  endpointsOf,
  REFERENCE_EXAMPLE,
  REFERENCE_FORM,
  type Reference,
  scanReferences,
} from "../references.ts";
import { asRecord, entriesOf, has, type RawRecord, SERVICE_NAMES } from "./raw.ts";

type DeclaredNames = (section: Reference["section"]) => string[];

export function checkReferences(stack: RawRecord): Problem[] {
  const problems: Problem[] = [];
  // Names per section, read once: a big stack with many broken references stays linear.
  const cache = new Map<Reference["section"], string[]>();
  const declaredOf: DeclaredNames = (section) => {
    let names = cache.get(section);
    if (names === undefined) {
      names = entriesOf(stack[section]).map(([name]) => name);
      cache.set(section, names);
    }
    return names;
  };
  for (const [app, spec] of entriesOf(stack.apps)) {
    const record = asRecord(spec);
    if (typeof record?.command === "string") {
      problems.push(...checkValue(stack, ["apps", app, "command"], record.command, declaredOf));
    }
    for (const [name, value] of entriesOf(record?.env)) {
      if (typeof value === "string") {
        problems.push(...checkValue(stack, ["apps", app, "env", name], value, declaredOf));
      }
    }
  }
  return problems;
}

function checkValue(
  stack: RawRecord,
  path: PathSegment[],
  value: string,
  declaredOf: DeclaredNames,
): Problem[] {
  const { references, errors } = scanReferences(value);
  const at = (text: string, offset: number) => ({
    text,
    occurrence: countOccurrences(value.slice(0, offset), text),
  });
  const problems: Problem[] = errors.map((error) => ({
    path,
    at: at(error.text, error.offset),
    message: `'${error.text}' ${error.problem}`,
    expected: `${REFERENCE_FORM}, e.g. ${REFERENCE_EXAMPLE}`,
    found: error.text,
    suggestion: error.suggestion,
  }));
  for (const ref of references) {
    const problem = checkReference(stack, ref, declaredOf);
    if (problem !== undefined) {
      problems.push({ path, at: at(ref.text, ref.offset), found: ref.text, ...problem });
    }
  }
  return problems;
}

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) count++;
  return count;
}

/** The referenced entry is not in the stack: name both ends, suggest the closest that is. */
function missingEntry(
  ref: Reference,
  declared: string[],
  kind: string,
): Omit<Problem, "path" | "at" | "found"> {
  const fixed = ref.section === "storage" || ref.section === "services";
  const possible: readonly string[] =
    ref.section === "storage" ? ["ipfs"] : ref.section === "services" ? SERVICE_NAMES : declared;
  const exists = !fixed || possible.includes(ref.name);
  const prefixed = function* (names: readonly string[]) {
    for (const name of names) yield `${ref.section}.${name}`;
  };
  const closest = closestMatch(ref.name, declared.length > 0 ? declared : possible);
  const rewritten =
    closest === undefined ? undefined : `\${${ref.section}.${closest}.${ref.endpoint}}`;
  const declare = `add '${ref.name}: {}' under ${ref.section}`;
  return {
    message: exists
      ? `'${ref.text}' refers to ${kind} '${ref.name}', which is not defined in ${ref.section}`
      : `'${ref.text}' refers to ${kind} '${ref.name}', which does not exist`,
    expected: !exists
      ? oneOf(prefixed(possible), possible.length)
      : fixed
        ? `${ref.section}.${ref.name} declared under ${ref.section}`
        : declared.length > 0
          ? oneOf(prefixed(declared), declared.length)
          : `a ${kind} defined under ${ref.section}`,
    suggestion:
      rewritten !== undefined && rewritten !== ref.text
        ? `did you mean '${rewritten}'?`
        : exists && fixed
          ? declare
          : undefined,
  };
}

const KIND: Record<Reference["section"], string> = {
  chains: "chain",
  storage: "storage",
  services: "service",
  apps: "app",
};

function checkReference(
  stack: RawRecord,
  ref: Reference,
  declaredOf: DeclaredNames,
): Omit<Problem, "path" | "at" | "found"> | undefined {
  const kind = KIND[ref.section];
  if (!has(asRecord(stack[ref.section]), ref.name)) {
    return missingEntry(ref, declaredOf(ref.section), kind);
  }
  const endpoints = endpointsOf(stack, ref.section, ref.name);
  if (endpoints === undefined || endpoints.includes(ref.endpoint)) return undefined;
  const owner = `${kind} '${ref.name}'`;
  const lightningMissing =
    ref.section === "chains" && ref.endpoint === "lightning" && endpoints.includes("p2p");
  return {
    message:
      endpoints.length === 0
        ? `'${ref.text}' names an endpoint of ${owner}, which has none`
        : `'${ref.text}' names endpoint '${ref.endpoint}', which ${owner} does not have`,
    expected: endpoints.length === 0 ? "no reference: it has no endpoints" : oneOf(endpoints),
    suggestion: lightningMissing
      ? `declare 'lightning: {}' on chain '${ref.name}' to use its lightning endpoint`
      : didYouMean(ref.endpoint, endpoints),
  };
}
