/** Starter stack files for `cryptokube init [dapp|node|bitcoin]`. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const TEMPLATE_NAMES = ["dapp", "node", "bitcoin"] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface Template {
  description: string;
  /** The stack file text, comments included. */
  text: string;
  /** Further files the stack needs to run (path relative to the stack file -> content). */
  files?: Record<string, string>;
}

const DESCRIPTIONS: Record<TemplateName, string> = {
  dapp: "Ethereum devnet, IPFS, gateway, indexer, dashboard, wallet and a web app",
  node: "Sepolia node (geth + lighthouse) with storage, a gateway and monitoring",
  bitcoin: "Bitcoin regtest (btcd) with two Lightning nodes (lnd)",
};

/** Files shipped beside a template's stack file, e.g. the dapp's `app/server.ts`. */
const EXTRA_FILES: Record<TemplateName, readonly string[]> = {
  dapp: ["app/server.ts", "Dockerfile"],
  node: [],
  bitcoin: [],
};

const templatesDir = join(import.meta.dirname, "templates");

function loadTemplate(name: TemplateName): Template {
  const text = readFileSync(join(templatesDir, `${name}.yaml`), "utf8");
  const extra = EXTRA_FILES[name];
  if (extra.length === 0) return { description: DESCRIPTIONS[name], text };
  const files = Object.fromEntries(
    extra.map((path) => [path, readFileSync(join(templatesDir, name, path), "utf8")]),
  );
  return { description: DESCRIPTIONS[name], text, files };
}

/**
 * By name (keys: TEMPLATE_NAMES). Keyed by string, so a lookup by a
 * user-given name is `Template | undefined` and must be checked.
 */
export const TEMPLATES: Readonly<Record<string, Template>> = Object.freeze({
  dapp: loadTemplate("dapp"),
  node: loadTemplate("node"),
  bitcoin: loadTemplate("bitcoin"),
} satisfies Record<TemplateName, Template>);

export function isTemplateName(name: string): name is TemplateName {
  return (TEMPLATE_NAMES as readonly string[]).includes(name);
}
