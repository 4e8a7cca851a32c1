export { renderHelmChart, SECRETS_VALUES_FILE, secretsValuesYaml } from "./helm/helm-chart.ts";
export { MANAGED_BY, MANAGED_BY_LABEL, STACK_LABEL } from "./labels.ts";
export { KIND_ORDER, MONITORING_KINDS, renderManifests } from "./render-manifests.ts";
export {
  type SecretMaterial,
  secretMaterialFromManifests,
  secretMaterialFromValues,
} from "./secret-files.ts";
export { generateSecretMaterial } from "./secrets.ts";
export { manifestsToYaml } from "./to-yaml.ts";
export type { KubeObject, RenderOptions } from "./types.ts";
