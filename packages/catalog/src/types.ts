/**
 * What a catalog package declares, and the contract between a package and the
 * planner. A package is data (variants, versions, images, endpoints, volumes,
 * health, metrics, resources) plus small pure functions: `expand` turns one
 * stack entry into component drafts, and each draft's `build` renders the
 * target-specific parts once the planner has assigned ports and URLs.
 */
import type {
  ComponentKind,
  Endpoint,
  EnvValue,
  HealthChecks,
  MetricsEndpoint,
  Protocol,
  RunSpec,
  Scaling,
  SecretDecl,
  TargetName,
} from "@cryptokube/plan/types";
import type { Stack } from "@cryptokube/spec";
import type { z } from "zod";

export interface EndpointDecl {
  name: string;
  protocol: Protocol;
  /** Default port: used as is on Kubernetes; local targets assign from the stack's port block. */
  port: number;
  path?: string;
  /** p2p endpoints that need peers from outside the stack. */
  public?: boolean;
  /** Served on the same port as another endpoint (a WebSocket next to its HTTP twin). */
  samePortAs?: string;
  /** The server speaks TLS on it: URLs use https/wss. */
  tls?: boolean;
}

export interface VolumeDecl {
  name: string;
  mountPath: string;
  size: string;
  persistent: boolean;
}

export interface ResourceDefaults {
  cpu: string;
  memory: string;
}

export interface ImageDecl {
  repository: string;
  /** Tag = prefix + version + suffix ("v" + "1.16.7"; "v" + "0.19.3" + "-beta"). */
  tagPrefix?: string;
  tagSuffix?: string;
}

/** One implementation of a package (a client). Plain data. */
export interface VariantDecl {
  name: string;
  /** Which stack field selects it: "client" for nodes, "consensus" for beacon nodes, "service"... */
  role: string;
  description: string;
  /** Pinned upstream version. */
  version: string;
  /** Container image; absent for in-process variants (edr, helia). */
  image?: ImageDecl;
  /** Executable name on the process target. */
  binary?: string;
  /** Our own Node.js servers: module started as `node <module>` on embedded/process. */
  module?: string;
  targets: readonly TargetName[];
  /** Networks the variant can join (omitted: any). */
  networks?: readonly string[];
  /** Every endpoint the variant may expose; `expand` picks the ones a configuration uses. */
  endpoints: readonly EndpointDecl[];
  volumes: readonly VolumeDecl[];
  /** Baseline probes; `expand` may add chain-aware ones for a configuration. */
  health: HealthChecks;
  metrics?: MetricsEndpoint;
  resources: ResourceDefaults;
  workload: "stateful" | "stateless";
  /** Waits for its upstreams itself: see Component.startsWithDependencies in the plan. */
  startsWithDependencies?: boolean;
}

/** The planner's question to a package: turn this stack entry into components. */
export interface ExpandRequest {
  /** Name of the stack entry ("eth", "ipfs", "gateway", "web"). */
  name: string;
  /** Document path of the entry ("chains.eth", "storage.ipfs", "services.gateway"). */
  source: string;
  /** The entry as validated by the stack schema (defaults applied). */
  config: unknown;
  target: TargetName;
  stack: Stack;
  /** Kubernetes namespace, or the stack name locally. */
  namespace: string;
  /** For packages that bring a companion component (the indexer's postgres). */
  catalog: Catalog;
}

/** A gateway-style component that fronts another entry's endpoint under a path. */
export interface RouteDecl {
  /** Document path of the fronted entry ("chains.eth"). */
  source: string;
  /** Endpoint name of the fronted entry ("rpc", "ws"). */
  endpoint: string;
  /** This component's endpoint that serves the route ("http", "ws"). */
  via: string;
  path: string;
}

/** A reference-bearing stack value the planner resolves (and follows for dependencies). */
export interface ReferenceSite {
  /** Document path of the value ("apps.web.env.RPC"). */
  path: string;
  text: string;
}

/** A component before ports are known. */
export interface ComponentDraft {
  name: string;
  kind: ComponentKind;
  package: string;
  variant: VariantDecl;
  /** Document path of the field that selected the variant ("chains.eth.client"). */
  variantSource: string;
  /** True when the user named the variant; false when `auto` chose it. */
  variantRequested: boolean;
  version: string;
  source: string;
  /** The network the component joins, checked against `variant.networks`. */
  network?: string;
  endpoints: EndpointDecl[];
  volumes: VolumeDecl[];
  health: HealthChecks;
  metrics?: MetricsEndpoint;
  resources: ResourceDefaults;
  workload: "stateful" | "stateless";
  scaling: Scaling;
  restart: "always" | "on-failure" | "never";
  watch: string[];
  /** Components this one needs first, by component name. */
  dependsOn: string[];
  /** User-declared dependencies as written in the stack ("chains.eth", "api"). */
  stackDependsOn: ReferenceSite[];
  /** Stack values holding `${...}` references. */
  references: ReferenceSite[];
  secrets: Array<Omit<SecretDecl, "usedBy">>;
  /** Facts others may ask about by reference (`${chains.eth.chainId}`) or as env. */
  facts: Record<string, string | number>;
  routes: RouteDecl[];
  /** Declared app ports are kept as declared on every target. */
  fixedPorts: boolean;
  build(ctx: BuildContext): BuildResult;
}

/** What a component sees of the other components once ports are assigned. */
export interface ResolvedComponent {
  name: string;
  kind: ComponentKind;
  package: string;
  variant: string;
  source: string;
  endpoints: Endpoint[];
  metrics?: MetricsEndpoint;
  replicas: number;
  facts: Record<string, string | number>;
  routes: RouteDecl[];
}

export interface BuildContext {
  target: TargetName;
  stack: Stack;
  namespace: string;
  /** Address servers bind to: loopback locally, all interfaces in a pod. */
  bindHost: string;
  self: ResolvedComponent;
  /** Every component of the plan, in plan order. */
  components: readonly ResolvedComponent[];
  /** Another component by name (undefined if absent). */
  component(name: string): ResolvedComponent | undefined;
  /** The URL an app would use for `${source.endpoint}`: a route through a gateway when one serves it. */
  endpointUrl(source: string, endpoint: string): string | undefined;
  /** Resolve `${...}` references in a stack value. Throws PlanError at `path`. */
  resolveReferences(text: string, path: string): string;
  /** Per-instance URLs of a replicated component's endpoint (pod DNS on Kubernetes). */
  instanceUrls(component: string, endpoint: string): string[];
}

export interface BuildResult {
  run: RunSpec;
  env?: Record<string, EnvValue>;
  settings?: Record<string, unknown>;
}

export interface CatalogPackage {
  id: string;
  description: string;
  kind: ComponentKind;
  /** Schema of the stack entry the package configures. */
  configSchema: z.ZodType;
  variants: readonly VariantDecl[];
  /** Per role, the variants `auto` tries in order; the first that supports the target wins. */
  auto: Readonly<Record<string, readonly string[]>>;
  expand(request: ExpandRequest): ComponentDraft[];
}

export interface Catalog {
  packages: readonly CatalogPackage[];
  get(id: string): CatalogPackage | undefined;
}
