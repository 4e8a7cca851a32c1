/** Objects as one multi-document YAML stream (no line folding, so output is stable and greppable). */
import { stringify } from "yaml";
import type { KubeObject } from "./types.ts";

export function manifestsToYaml(objects: readonly KubeObject[]): string {
  return objects
    .map((o) => `---\n${stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })}`)
    .join("");
}
