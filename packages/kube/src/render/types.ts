/** The shapes render produces and accepts; the deploy step consumes the same ones. */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface RenderOptions {
  /** Namespace of every object (default: plan.namespace); cluster DNS names in the plan follow it. */
  namespace?: string;
  /** Storage class of every PersistentVolumeClaim, overriding the stack file's classes. */
  storageClass?: string;
  /**
   * Volume sizes by `component/volume` or by `component` (every volume of it);
   * the more specific key wins, then the plan's size.
   */
  storageSize?: Record<string, string>;
  /** ServiceMonitor and PrometheusRule objects (the deploy step sets it when their CRDs exist). */
  monitoring?: boolean;
  /** Namespace Prometheus scrapes from, allowed in by the NetworkPolicies (default "monitoring"). */
  monitoringNamespace?: string;
  /** Secret material by secret name then key; Secret objects are rendered only for those given. */
  secrets?: Record<string, Record<string, string>>;
}
