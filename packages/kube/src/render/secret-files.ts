/** Reads secret material back from the files render writes, so a re-render reuses it. */
import { parse, parseAllDocuments } from "yaml";
import type { KubeObject } from "./types.ts";

export type SecretMaterial = Record<string, Record<string, string>>;

function stringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== "object") return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

/** Material of the Secret objects in a YAML stream (stringData, or base64 data). */
export function secretMaterialFromManifests(text: string): SecretMaterial {
  const material: SecretMaterial = {};
  for (const doc of parseAllDocuments(text)) {
    const object = doc.toJS() as Partial<KubeObject> | null;
    if (object?.kind !== "Secret" || object.metadata === undefined) continue;
    const data = Object.entries(stringMap(object.data)).map(([k, v]) => [
      k,
      Buffer.from(v, "base64").toString("utf8"),
    ]);
    material[object.metadata.name] = {
      ...Object.fromEntries(data),
      ...stringMap(object.stringData),
    };
  }
  return material;
}

/** Material of a Helm values file shaped `secrets: {name: {key: value}}`. */
export function secretMaterialFromValues(text: string): SecretMaterial {
  const values = parse(text) as { secrets?: unknown } | null;
  const secrets = values?.secrets;
  if (secrets === null || typeof secrets !== "object") return {};
  return Object.fromEntries(Object.entries(secrets).map(([name, keys]) => [name, stringMap(keys)]));
}
