/**
 * Turns zod issues into plain-English problems: what is wrong, what was
 * expected, what was found, and a did-you-mean where one is obvious.
 */
import type { z } from "zod";
import {
  describeExpectedType,
  describeFound,
  joinAlternatives,
  listOptions,
  oneOf,
  showValue,
  VALUE_NOT_SHOWN,
} from "./describe-value.ts";
import { didYouMean } from "./did-you-mean.ts";
import { formatPath, type PathSegment } from "./path.ts";
import type { Problem } from "./problem.ts";
import { allowedKeysAt, numberBoundsAt, valueAt } from "./schema-introspect.ts";

type Issue = z.core.$ZodIssue;

interface Context {
  schema: z.ZodType;
  data: unknown;
}

export function problemsFromIssues(
  issues: readonly Issue[],
  schema: z.ZodType,
  data: unknown,
): Problem[] {
  const context: Context = { schema, data };
  return issues.flatMap((issue) => problemsFromIssue(issue, [], context));
}

function problemsFromIssue(issue: Issue, prefix: PathSegment[], ctx: Context): Problem[] {
  const path: PathSegment[] = [...prefix, ...issue.path.map(toSegment)];
  const value = valueAt(ctx.data, path);
  switch (issue.code) {
    case "invalid_type":
      return [invalidType(path, value, [issue.expected])];
    case "invalid_value":
      return [
        {
          path,
          message: `${quote(value)} is not one of the allowed values`,
          expected: listOptions(issue.values),
          found: showValue(value),
          suggestion: enumSuggestion(value, issue.values),
        },
      ];
    case "invalid_union":
      return invalidUnion(issue, path, value, ctx);
    case "unrecognized_keys":
      return issue.keys.map((key) => unknownKey(path, key, ctx));
    case "invalid_key":
      return [invalidKey(issue, path)];
    case "invalid_element":
      return issue.issues.flatMap((inner) => problemsFromIssue(inner, path, ctx));
    case "invalid_format":
      return [invalidFormat(issue, path, value)];
    case "too_small":
    case "too_big":
      return [outOfRange(issue, path, value, ctx)];
    default:
      return [{ path, message: plainMessage(issue.message), found: showValue(value) }];
  }
}

/**
 * Values that may be secrets are never echoed back. A devnet's mnemonic is public by design
 * (the schema says so), but one that fails validation is often pasted in the wrong place
 * (a real wallet's, under a public network), and a malformed `sha256` is often the API key
 * itself pasted by mistake.
 */
const HIDDEN = VALUE_NOT_SHOWN;

function isSecretPath(path: readonly PathSegment[]): boolean {
  const key = path.at(-1);
  return key === "mnemonic" || key === "sha256";
}

/** A did-you-mean; YAML booleans for on/off enums are a common slip. */
function enumSuggestion(value: unknown, values: readonly unknown[]): string | undefined {
  if (typeof value === "boolean") {
    const word = value ? "on" : "off";
    return values.includes(word) ? `did you mean '${word}'?` : undefined;
  }
  return didYouMean(String(value), values.map(String));
}

function toSegment(segment: PropertyKey): PathSegment {
  return typeof segment === "number" ? segment : String(segment);
}

function quote(value: unknown): string {
  return `'${showValue(value)}'`;
}

function lastKey(path: readonly PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (typeof segment === "string") return segment;
  }
  return undefined;
}

function invalidType(path: PathSegment[], value: unknown, expectedTypes: string[]): Problem {
  const names = [...new Set(expectedTypes.map(describeExpectedType))].map((name) =>
    // "a string or true or false" reads badly; in a list of alternatives say "a boolean".
    name === "true or false" && expectedTypes.length > 1 ? "a boolean" : name,
  );
  const expected = joinAlternatives(names);
  const key = lastKey(path);
  if (value === undefined) {
    return {
      path,
      message: `missing required key '${key ?? ""}'`,
      expected,
      found: "nothing",
      suggestion:
        key === undefined
          ? undefined
          : `add '${key}:' ${path.length > 1 ? `under ${formatPath(path.slice(0, -1))}` : "at the top level"}`,
    };
  }
  const wantsMapping = expectedTypes.some((t) => t === "object" || t === "record");
  if (value === null && wantsMapping && key !== undefined && typeof path.at(-1) === "string") {
    return {
      path,
      message: "has no value",
      expected,
      found: describeFound(value),
      suggestion: `write '${key}: {}' to use the defaults, or remove the key`,
    };
  }
  return {
    path,
    message: `must be ${expected}`,
    expected,
    found: isSecretPath(path) ? HIDDEN : describeFound(value),
    suggestion: typeHint(value, expectedTypes),
  };
}

/** Common YAML slips: a quoted number, yes/no for a boolean. */
function typeHint(value: unknown, expectedTypes: string[]): string | undefined {
  if (typeof value !== "string") return undefined;
  const wantsNumber = expectedTypes.some((t) => t === "number" || t === "int");
  if (wantsNumber && value.trim() !== "" && Number.isFinite(Number(value))) {
    return `write ${value.trim()} without quotes`;
  }
  if (expectedTypes.includes("boolean") && /^(yes|no|on|off|y|n)$/i.test(value)) {
    return `write ${/^(yes|on|y)$/i.test(value) ? "true" : "false"}`;
  }
  return undefined;
}

function invalidUnion(
  issue: Extract<Issue, { code: "invalid_union" }>,
  path: PathSegment[],
  value: unknown,
  ctx: Context,
): Problem[] {
  const discriminator = "discriminator" in issue ? issue.discriminator : undefined;
  if (typeof discriminator === "string") {
    // zod puts the discriminator key in the path already.
    const options = "options" in issue && Array.isArray(issue.options) ? issue.options : [];
    const expected = listOptions(options);
    const owner = formatOwner(path.slice(0, -1));
    if (value === undefined) {
      return [
        {
          path,
          message: `missing required key '${discriminator}'${owner}`,
          expected,
          found: "nothing",
          suggestion: `add ${joinAlternatives(options.map((o) => `'${discriminator}: ${String(o)}'`))}`,
        },
      ];
    }
    return [
      {
        path,
        message: `${quote(value)} is not a known ${discriminator}${owner}`,
        expected,
        found: showValue(value),
        suggestion: didYouMean(String(value), options.map(String)),
      },
    ];
  }
  const branches = issue.errors;
  const typeOnly = branches.every(
    (branch) =>
      branch.length === 1 && branch[0]?.code === "invalid_type" && branch[0].path.length === 0,
  );
  if (typeOnly) {
    const expected = branches.map((branch) =>
      branch[0]?.code === "invalid_type" ? branch[0].expected : "value",
    );
    return [invalidType(path, value, expected)];
  }
  // Report the member the value came closest to: the one that failed for other reasons than its type.
  const closest = branches
    .filter((branch) => !branch.every((i) => i.code === "invalid_type" && i.path.length === 0))
    .sort((a, b) => a.length - b.length)[0];
  if (closest !== undefined) return closest.flatMap((inner) => problemsFromIssue(inner, path, ctx));
  return [{ path, message: "is not valid here", found: describeFound(value) }];
}

function formatOwner(path: readonly PathSegment[]): string {
  const name = path.at(-1);
  const section = path.at(-2);
  if (typeof name !== "string" || typeof section !== "string") return "";
  const kind = ENTRY_KINDS[section];
  return kind === undefined ? "" : ` for ${kind} '${name}'`;
}

const ENTRY_KINDS: Record<string, string> = {
  chains: "chain",
  apps: "app",
  ports: "port",
  env: "environment variable",
};

function unknownKey(path: PathSegment[], key: string, ctx: Context): Problem {
  const allowed = allowedKeysAt(ctx.schema, path, ctx.data);
  return {
    path: [...path, key],
    at: "key",
    message: key === "" ? "a key is missing before ':'" : `unknown key '${key}'`,
    expected: allowed.length > 0 ? oneOf(allowed) : undefined,
    found: key,
    suggestion: didYouMean(key, allowed),
  };
}

function invalidKey(issue: Extract<Issue, { code: "invalid_key" }>, path: PathSegment[]): Problem {
  const key = String(path.at(-1) ?? "");
  const section = path.at(-2);
  const kind = typeof section === "string" ? (ENTRY_KINDS[section] ?? "key") : "key";
  const rule = issue.issues.map((inner) => ruleText(inner)).find((r) => r !== undefined);
  const slug = kind === "environment variable" ? envName(key) : dnsSlug(key);
  return {
    path,
    at: "key",
    message: `'${key}' is not a valid ${kind} name`,
    expected: rule,
    found: key,
    suggestion: slug !== undefined && slug !== key ? `did you mean '${slug}'?` : undefined,
  };
}

/** The rule a string broke, in words (regex messages in the schema are written as rules). */
function ruleText(issue: Issue): string | undefined {
  if (issue.code !== "invalid_format") return undefined;
  if (issue.format === "starts_with" && "prefix" in issue) {
    return `a string starting with ${JSON.stringify(issue.prefix)}`;
  }
  return isPlainMessage(issue.message) ? issue.message : `text matching ${String(issue.pattern)}`;
}

function isPlainMessage(message: string): boolean {
  return !/^(Invalid|Too (big|small))\b/.test(message);
}

function invalidFormat(
  issue: Extract<Issue, { code: "invalid_format" }>,
  path: PathSegment[],
  value: unknown,
): Problem {
  const text = isSecretPath(path) ? HIDDEN : showValue(value);
  if (issue.format === "starts_with" && "prefix" in issue && typeof issue.prefix === "string") {
    return {
      path,
      message: `'${text}' must start with '${issue.prefix}'`,
      expected: ruleText(issue),
      found: text,
      suggestion: `did you mean '${issue.prefix}${text}'?`,
    };
  }
  const slug = typeof value === "string" ? dnsSlug(value) : undefined;
  const isName = ruleText(issue)?.startsWith("a lowercase name") === true;
  return {
    path,
    message: isSecretPath(path)
      ? "is not valid"
      : isName
        ? `'${text}' is not a valid name`
        : `'${text}' is not valid`,
    expected: ruleText(issue),
    found: text,
    suggestion:
      isName && slug !== undefined && slug !== value ? `did you mean '${slug}'?` : undefined,
  };
}

/** `My_App` -> `my-app`, if that yields a valid DNS label. */
function dnsSlug(text: string): string | undefined {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "");
  return /^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/.test(slug) ? slug : undefined;
}

function envName(text: string): string | undefined {
  const name = text.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^[0-9]+/, "");
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : undefined;
}

function outOfRange(
  issue: Extract<Issue, { code: "too_small" | "too_big" }>,
  path: PathSegment[],
  value: unknown,
  ctx: Context,
): Problem {
  const small = issue.code === "too_small";
  const limit = Number(small ? issue.minimum : issue.maximum);
  if (issue.origin === "string") {
    return {
      path,
      message: small ? "must not be empty" : `must be at most ${limit} characters long`,
      expected: small ? "a non-empty string" : `at most ${limit} characters`,
      found: describeFound(value),
    };
  }
  if (issue.origin === "array" || issue.origin === "set") {
    return {
      path,
      message: small ? `must have at least ${limit} items` : `must have at most ${limit} items`,
      found: `${Array.isArray(value) ? value.length : 0} items`,
    };
  }
  const bounds = numberBoundsAt(ctx.schema, path, ctx.data);
  return {
    path,
    message: `${showValue(value)} is ${small ? "too small" : "too large"}`,
    expected: describeRange(bounds, issue),
    found: showValue(value),
  };
}

function describeRange(
  bounds: ReturnType<typeof numberBoundsAt>,
  issue: Extract<Issue, { code: "too_small" | "too_big" }>,
): string {
  const noun = bounds?.isInt === true || issue.origin === "int" ? "an integer" : "a number";
  const exclusiveMin = issue.code === "too_small" && !issue.inclusive;
  const min = issue.code === "too_small" ? Number(issue.minimum) : bounds?.min;
  const max = issue.code === "too_big" ? Number(issue.maximum) : bounds?.max;
  if (min !== undefined && max !== undefined && !exclusiveMin)
    return `${noun} from ${min} to ${max}`;
  if (min !== undefined) return `${noun} ${exclusiveMin ? "greater than" : "of at least"} ${min}`;
  return `${noun} of at most ${max ?? ""}`;
}

/** zod's own wording, minus its jargon, for issue kinds the schema does not produce today. */
function plainMessage(message: string): string {
  return message.replace(/^Invalid input:?\s*/, "").trim() || "is not valid";
}
