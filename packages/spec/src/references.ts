/**
 * `${section.name.endpoint}` references in app env values and commands, e.g.
 * `${chains.eth.rpc}`. The planner resolves them per target (loopback URL
 * locally, cluster DNS on Kubernetes); here they are found and validated.
 * `$${` writes a literal `${`.
 */
import { didYouMean } from "./did-you-mean.ts";

// biome-ignore lint/suspicious/noTemplateCurlyInString: the stack file's reference syntax, not a JS template
export const REFERENCE_FORM = "${section.name.endpoint}";
// biome-ignore lint/suspicious/noTemplateCurlyInString: the stack file's reference syntax, not a JS template
export const REFERENCE_EXAMPLE = "${chains.eth.rpc}";

export const REFERENCE_SECTIONS = ["chains", "storage", "services", "apps"] as const;
export type ReferenceSection = (typeof REFERENCE_SECTIONS)[number];

/**
 * Endpoints each kind of entry exposes. Bitcoin's `lightning` exists only when
 * the chain declares lightning; an app also exposes each of its port names.
 * Monitoring exposes prometheus/grafana only when they are enabled.
 */
export const REFERENCE_ENDPOINTS = {
  chains: {
    ethereum: ["rpc", "ws", "chainId"],
    bitcoin: ["rpc", "p2p", "lightning"],
  },
  storage: {
    ipfs: ["api", "gateway"],
  },
  services: {
    gateway: ["url"],
    indexer: ["url", "graphql"],
    dashboard: ["url"],
    wallet: [],
    monitoring: ["prometheus", "grafana"],
  },
  apps: ["url"],
} as const;

export interface Reference {
  /** The reference as written, e.g. `${chains.eth.rpc}`. */
  text: string;
  /** Offset of its `$` in the string value, and its length. */
  offset: number;
  length: number;
  section: ReferenceSection;
  name: string;
  endpoint: string;
}

export interface ReferenceSyntaxError {
  text: string;
  offset: number;
  length: number;
  problem: string;
  suggestion?: string;
}

const EXPRESSION = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/** Every reference in `value`, well-formed or not, in order. */
export function scanReferences(value: string): {
  references: Reference[];
  errors: ReferenceSyntaxError[];
} {
  const references: Reference[] = [];
  const errors: ReferenceSyntaxError[] = [];
  let i = value.indexOf("$");
  while (i >= 0 && i < value.length) {
    if (value.startsWith("$${", i)) {
      i = value.indexOf("$", i + 3);
      continue;
    }
    if (!value.startsWith("${", i)) {
      i = value.indexOf("$", i + 1);
      continue;
    }
    const close = value.indexOf("}", i + 2);
    if (close < 0) {
      const text = value.slice(i, i + 40);
      errors.push({
        text,
        offset: i,
        length: value.length - i,
        problem: "is not closed by '}'",
        suggestion: "close the reference with '}', or write '$${' for a literal '${'",
      });
      break;
    }
    const text = value.slice(i, close + 1);
    const parsed = parseExpression(value.slice(i + 2, close));
    if (typeof parsed === "string") {
      errors.push({ text, offset: i, length: text.length, problem: parsed, ...hintFor() });
    } else if (!isSection(parsed.section)) {
      const suggestion = didYouMean(parsed.section, REFERENCE_SECTIONS);
      errors.push({
        text,
        offset: i,
        length: text.length,
        problem: `names '${parsed.section}', which is not a section that can be referenced (chains, storage, services or apps)`,
        ...(suggestion === undefined ? {} : { suggestion }),
      });
    } else {
      references.push({ text, offset: i, length: text.length, ...parsed, section: parsed.section });
    }
    i = value.indexOf("$", close + 1);
  }
  return { references, errors };
}

/** The well-formed references in `value`. */
export function parseReferences(value: string): Reference[] {
  return scanReferences(value).references;
}

/**
 * Substitutes each well-formed reference with `resolve(ref)` and turns `$${`
 * into `${`. Malformed references are left as written.
 */
export function replaceReferences(value: string, resolve: (ref: Reference) => string): string {
  let out = "";
  let last = 0;
  for (const ref of parseReferences(value)) {
    out += unescapeLiteral(value.slice(last, ref.offset)) + resolve(ref);
    last = ref.offset + ref.length;
  }
  return out + unescapeLiteral(value.slice(last));
}

function unescapeLiteral(text: string): string {
  return text.replaceAll("$${", "${");
}

function parseExpression(
  expression: string,
): { section: string; name: string; endpoint: string } | string {
  const match = EXPRESSION.exec(expression.trim());
  if (match === null) {
    return `is not a reference of the form ${REFERENCE_FORM}`;
  }
  const [, section = "", name = "", endpoint = ""] = match;
  return { section, name, endpoint };
}

function hintFor(): { suggestion: string } {
  return { suggestion: `write e.g. ${REFERENCE_EXAMPLE}, or '$\${' for a literal '\${'` };
}

function isSection(section: string): section is ReferenceSection {
  return (REFERENCE_SECTIONS as readonly string[]).includes(section);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * The endpoints `${section.name.*}` may name for this stack, or undefined when
 * the entry is not declared (or its kind is unknown). Works on a parsed Stack
 * and on raw, not yet validated data.
 */
export function endpointsOf(
  stack: unknown,
  section: ReferenceSection,
  name: string,
): readonly string[] | undefined {
  const entries = record(record(stack)?.[section]);
  if (entries === undefined || !Object.hasOwn(entries, name)) return undefined;
  const entry = record(entries[name]);
  switch (section) {
    case "chains": {
      if (entry?.type === "ethereum") return REFERENCE_ENDPOINTS.chains.ethereum;
      if (entry?.type !== "bitcoin") return undefined;
      const withLightning = entry.lightning !== undefined && entry.lightning !== null;
      return REFERENCE_ENDPOINTS.chains.bitcoin.filter((e) => e !== "lightning" || withLightning);
    }
    case "storage":
      return name === "ipfs" ? REFERENCE_ENDPOINTS.storage.ipfs : undefined;
    case "services": {
      if (!Object.hasOwn(REFERENCE_ENDPOINTS.services, name)) return undefined;
      const all: readonly string[] =
        REFERENCE_ENDPOINTS.services[name as keyof typeof REFERENCE_ENDPOINTS.services];
      return name === "monitoring" ? all.filter((e) => entry?.[e] !== false) : all;
    }
    case "apps":
      return [...REFERENCE_ENDPOINTS.apps, ...Object.keys(record(entry?.ports) ?? {})];
  }
}
