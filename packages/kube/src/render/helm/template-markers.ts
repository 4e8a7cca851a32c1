/**
 * Turns rendered objects into Helm template text. Fields that values.yaml
 * controls are first replaced by plain-scalar markers; after YAML serialisation
 * every literal `{{` (alert annotations, Grafana legends) is escaped for Go
 * templates and each marker becomes its template expression. Values are emitted
 * with `toJson`, whose output is valid YAML, so quoting never depends on the value.
 */
import { stringify } from "yaml";

export interface Markers {
  /** Replaces a field value with a marker standing for `expression`. */
  mark(expression: string): string;
  /** Marks a string containing the namespace so it follows `.Values.namespace`. */
  markNamespaced(text: string): string;
  toTemplate(document: unknown): string;
}

const MARKER = /ckhelmmarker(\d+)x/g;
const NS_TOKEN = "@CKNS@";

export function createMarkers(namespace: string): Markers {
  const expressions: string[] = [];
  const patterns = [
    `.${namespace}.svc`,
    `namespace="${namespace}"`,
    `namespace=\\"${namespace}\\"`,
  ];
  const mark = (expression: string) => {
    expressions.push(expression);
    return `ckhelmmarker${expressions.length - 1}x`;
  };
  return {
    mark,
    markNamespaced(text) {
      if (!patterns.some((p) => text.includes(p))) return text;
      const generic = patterns.reduce(
        (t, p) => t.replaceAll(p, p.replace(namespace, NS_TOKEN)),
        text,
      );
      // A JSON string literal is a valid Go template string literal for this text.
      return mark(`replace "${NS_TOKEN}" $.Values.namespace ${JSON.stringify(generic)} | toJson`);
    },
    toTemplate(document) {
      const yaml = stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
      return yaml
        .replaceAll("{{", '{{ "{{" }}')
        .replace(MARKER, (_m, i: string) => `{{ ${expressions[Number(i)]} }}`);
    },
  };
}

/** Applies `markNamespaced` to every string inside a value. */
export function markNamespacedStrings(value: unknown, markers: Markers): unknown {
  if (typeof value === "string") return markers.markNamespaced(value);
  if (Array.isArray(value)) return value.map((v) => markNamespacedStrings(v, markers));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, markNamespacedStrings(v, markers)]),
    );
  }
  return value;
}
