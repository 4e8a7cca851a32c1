/**
 * The rendered stack as a Helm chart: Chart.yaml, values.yaml and templates/ whose
 * `helm template` with the default values gives exactly the objects of
 * renderManifests (without Secrets). values.yaml controls the namespace, whether
 * the namespace and the monitoring objects are created, and per component the
 * image, replicas, resources, autoscaling bounds and volume size and class.
 * Secret material goes in through values too (`secrets: {name: {key: value}}`),
 * typically from the separate, mode-0600 values file `cryptokube render` writes.
 */
import type { Plan } from "@cryptokube/plan/types";
import { stringify } from "yaml";
import { createRenderContext } from "../render-context.ts";
import { renderManifests } from "../render-manifests.ts";
import { secretObjects } from "../secrets.ts";
import type { KubeObject, RenderOptions } from "../types.ts";
import { createMarkers, type Markers, markNamespacedStrings } from "./template-markers.ts";

export const SECRETS_VALUES_FILE = "secrets.values.yaml";

type Json = Record<string, unknown>;

interface ComponentValues {
  image?: string;
  replicas?: number;
  resources?: unknown;
  autoscaling?: { min: number; max: number };
  storage?: Record<string, { size: string; storageClass?: string }>;
}

const q = (text: string) => JSON.stringify(text);

function valuePath(component: string, ...path: string[]): string {
  return `index $.Values "components" ${[component, ...path].map(q).join(" ")}`;
}

function asRecord(value: unknown): Json {
  return value !== null && typeof value === "object" ? (value as Json) : {};
}

/** Replaces the value-controlled fields of one workload or HPA with markers, collecting values. */
function markComponentFields(object: KubeObject, markers: Markers, values: ComponentValues): void {
  const name = object.metadata.name;
  const spec = asRecord(object.spec);
  if (object.kind === "HorizontalPodAutoscaler") {
    values.autoscaling = { min: Number(spec.minReplicas), max: Number(spec.maxReplicas) };
    spec.minReplicas = markers.mark(`${valuePath(name, "autoscaling", "min")} | toJson`);
    spec.maxReplicas = markers.mark(`${valuePath(name, "autoscaling", "max")} | toJson`);
    return;
  }
  if (typeof spec.replicas === "number") {
    values.replicas = spec.replicas;
    spec.replicas = markers.mark(`${valuePath(name, "replicas")} | toJson`);
  }
  const podSpec = asRecord(asRecord(spec.template).spec);
  const containers = [
    ...((podSpec.initContainers as Json[] | undefined) ?? []),
    ...((podSpec.containers as Json[] | undefined) ?? []),
  ];
  for (const container of containers) {
    values.image = String(container.image);
    values.resources = container.resources;
    container.image = markers.mark(`${valuePath(name, "image")} | toJson`);
    container.resources = markers.mark(`${valuePath(name, "resources")} | toJson`);
  }
  for (const claim of (spec.volumeClaimTemplates as Json[] | undefined) ?? []) {
    const volume = String(asRecord(claim.metadata).name);
    const claimSpec = asRecord(claim.spec);
    const requests = asRecord(asRecord(claimSpec.resources).requests);
    const entry: { size: string; storageClass?: string } = { size: String(requests.storage) };
    requests.storage = markers.mark(`${valuePath(name, "storage", volume, "size")} | toJson`);
    if (typeof claimSpec.storageClassName === "string") {
      entry.storageClass = claimSpec.storageClassName;
      claimSpec.storageClassName = markers.mark(
        `${valuePath(name, "storage", volume, "storageClass")} | toJson`,
      );
    }
    values.storage = { ...values.storage, [volume]: entry };
  }
}

function templateOf(object: KubeObject, markers: Markers, namespace: string): string {
  const copy = structuredClone(object);
  const namespaced = markNamespacedStrings(copy, markers) as KubeObject;
  if (namespaced.metadata.namespace !== undefined) {
    namespaced.metadata.namespace = markers.mark("$.Values.namespace | toJson");
  }
  if (namespaced.kind === "Namespace") {
    namespaced.metadata.name = markers.mark("$.Values.namespace | toJson");
  }
  // Other places that name the namespace: RoleBinding subjects, ServiceMonitor selectors.
  for (const subject of (namespaced.subjects as Json[] | undefined) ?? []) {
    if (subject.namespace === namespace)
      subject.namespace = markers.mark("$.Values.namespace | toJson");
  }
  const selector = asRecord(asRecord(namespaced.spec).namespaceSelector);
  if (Array.isArray(selector.matchNames)) {
    selector.matchNames = selector.matchNames.map((n: unknown) =>
      n === namespace ? markers.mark("$.Values.namespace | toJson") : n,
    );
  }
  return `---\n${markers.toTemplate(namespaced)}`;
}

function componentOf(object: KubeObject): string | undefined {
  const labels = object.metadata.labels;
  return labels["app.kubernetes.io/name"] === "cryptokube"
    ? undefined
    : labels["app.kubernetes.io/instance"];
}

const MONITORING = new Set(["ServiceMonitor", "PodMonitor", "PrometheusRule"]);

/** Chart files by path relative to the chart directory. */
export function renderHelmChart(plan: Plan, options: RenderOptions = {}): Record<string, string> {
  const { secrets: _material, ...rest } = options;
  const ctx = createRenderContext(plan, rest);
  const markers = createMarkers(ctx.namespace);
  const objects = renderManifests(plan, { ...rest, monitoring: true });
  const components: Record<string, ComponentValues> = {};
  const files: Record<string, string[]> = {};
  const add = (file: string, text: string) => {
    files[file] = [...(files[file] ?? []), text];
  };
  for (const object of objects) {
    const copy = structuredClone(object);
    const component = componentOf(copy);
    if (
      component !== undefined &&
      /^(StatefulSet|Deployment|HorizontalPodAutoscaler)$/.test(copy.kind)
    ) {
      components[component] ??= {};
      markComponentFields(copy, markers, components[component]);
    }
    if (MONITORING.has(copy.kind))
      add("templates/monitoring.yaml", templateOf(copy, markers, ctx.namespace));
    else if (copy.kind === "Namespace")
      add("templates/namespace.yaml", templateOf(copy, markers, ctx.namespace));
    else add(`templates/${component ?? "stack"}.yaml`, templateOf(copy, markers, ctx.namespace));
  }
  // Secret templates: one block per declared secret, rendered only when values give it.
  const placeholders = Object.fromEntries(
    ctx.plan.secrets.map((s) => [s.name, Object.fromEntries(s.keys.map((k) => [k, ""]))]),
  );
  const secretCtx = createRenderContext(plan, { ...rest, secrets: placeholders });
  for (const secret of secretObjects(secretCtx)) {
    secret.stringData = markers.mark("toJson .");
    add(
      "templates/secrets.yaml",
      `{{- with index $.Values.secrets ${q(secret.metadata.name)} }}\n${templateOf(secret, markers, ctx.namespace)}{{- end }}\n`,
    );
  }

  const chart: Record<string, string> = {};
  for (const [file, texts] of Object.entries(files)) {
    const body = texts.join("");
    if (file === "templates/monitoring.yaml")
      chart[file] = `{{- if $.Values.monitoring.enabled }}\n${body}{{- end }}\n`;
    else if (file === "templates/namespace.yaml")
      chart[file] = `{{- if $.Values.createNamespace }}\n${body}{{- end }}\n`;
    else chart[file] = body;
  }
  chart["Chart.yaml"] = stringify({
    apiVersion: "v2",
    name: plan.stack,
    description: `The ${plan.stack} stack, rendered by CryptoKube from its cryptokube.yaml`,
    type: "application",
    version: "0.1.0",
    appVersion: "0.1.0",
  });
  const values = {
    namespace: ctx.namespace,
    createNamespace: true,
    monitoring: { enabled: options.monitoring === true },
    components,
    secrets: {},
  };
  chart["values.yaml"] =
    "# Defaults reproduce `cryptokube render` exactly. Secret material: pass\n" +
    `# -f ${SECRETS_VALUES_FILE} (written with mode 0600 by \`cryptokube render --out\`).\n` +
    stringify(values, { lineWidth: 0 });
  chart[".helmignore"] = `${SECRETS_VALUES_FILE}\n`;
  return Object.fromEntries(Object.entries(chart).sort(([a], [b]) => a.localeCompare(b)));
}

/** The values file carrying secret material for the chart. */
export function secretsValuesYaml(material: Record<string, Record<string, string>>): string {
  return stringify({ secrets: material }, { lineWidth: 0 });
}
