/** @cryptokube/kube: the Kubernetes target. Rendering is pure (render/); applying lives in deploy/. */

export {
  generateSecretMaterial,
  KIND_ORDER,
  type KubeObject,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  MONITORING_KINDS,
  manifestsToYaml,
  type RenderOptions,
  renderHelmChart,
  renderManifests,
  SECRETS_VALUES_FILE,
  type SecretMaterial,
  STACK_LABEL,
  secretMaterialFromManifests,
  secretMaterialFromValues,
  secretsValuesYaml,
} from "./render/index.ts";
