/**
 * Connects to a cluster the way kubectl does: `--kubeconfig` wins, else every file in
 * KUBECONFIG (merged, first file's current context), else ~/.kube/config; `--context`
 * picks a context; the namespace comes from the context unless the caller overrides it.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { CryptoKubeError } from "@cryptokube/core";
import {
  ApisApi,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
} from "@kubernetes/client-node";
import { RawObjectApi } from "./raw-object-api.ts";

export interface KubeClientOptions {
  /** Explicit kubeconfig file (`--kubeconfig`); otherwise KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** Context name (`--context`); otherwise the kubeconfig's current context. */
  context?: string;
  /** Environment to read KUBECONFIG and HOME from (the CLI passes its own). */
  env?: Record<string, string | undefined>;
}

export interface KubeClient {
  config: KubeConfig;
  /** Name of the context in use. */
  context: string;
  /** API server URL of the context's cluster. */
  server: string;
  /** Namespace the context names (kubectl's default), "default" when it names none. */
  contextNamespace: string;
  /** Generic objects as plain JSON (no typed models in between). */
  objects: RawObjectApi;
  core: CoreV1Api;
  apps: AppsV1Api;
  apis: ApisApi;
  authorization: AuthorizationV1Api;
}

export function createKubeClient(options: KubeClientOptions = {}): KubeClient {
  const env = options.env ?? process.env;
  const config = new KubeConfig();
  // Inside a pod with no kubeconfig given, the pod's service account (as client-go does).
  const inCluster =
    options.kubeconfig === undefined &&
    (env.KUBECONFIG ?? "") === "" &&
    env.KUBERNETES_SERVICE_HOST !== undefined &&
    existsSync(SERVICE_ACCOUNT_TOKEN);
  const files = inCluster ? [] : kubeconfigFiles(options, env);
  if (inCluster) config.loadFromCluster();
  for (const [index, file] of files.entries()) {
    const next = index === 0 ? config : new KubeConfig();
    try {
      next.loadFromFile(file);
    } catch (error) {
      throw new CryptoKubeError(`cannot read kubeconfig ${file}`, {
        code: "KUBECONFIG_INVALID",
        details: error instanceof Error ? error.message : String(error),
        hint: "check the file, or pass another one with --kubeconfig",
        cause: error,
      });
    }
    // Like kubectl: the first file that sets current-context wins; later files add entries.
    if (index > 0) config.mergeConfig(next, true);
  }
  if (options.context !== undefined) {
    if (config.getContextObject(options.context) === null) {
      const known = config.getContexts().map((context) => context.name);
      throw new CryptoKubeError(`context '${options.context}' is not in the kubeconfig`, {
        code: "KUBE_CONTEXT_UNKNOWN",
        hint: `known contexts: ${known.join(", ") || "(none)"}; files read: ${files.join(", ")}`,
      });
    }
    config.setCurrentContext(options.context);
  }
  const context = config.getCurrentContext();
  const cluster = config.getCurrentCluster();
  if (context === "" || cluster === null) {
    throw new CryptoKubeError("the kubeconfig has no current context with a cluster", {
      code: "KUBE_CONTEXT_UNKNOWN",
      hint: `pass --context <name>, or set current-context in ${files.join(", ")}`,
    });
  }
  return {
    config,
    context,
    server: cluster.server,
    contextNamespace: config.getContextObject(context)?.namespace ?? "default",
    objects: RawObjectApi.forConfig(config),
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    apis: config.makeApiClient(ApisApi),
    authorization: config.makeApiClient(AuthorizationV1Api),
  };
}

const SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

function kubeconfigFiles(
  options: KubeClientOptions,
  env: Record<string, string | undefined>,
): string[] {
  if (options.kubeconfig !== undefined) {
    if (!existsSync(options.kubeconfig)) {
      throw new CryptoKubeError(`kubeconfig not found: ${options.kubeconfig}`, {
        code: "KUBECONFIG_MISSING",
        hint: "pass an existing file with --kubeconfig",
      });
    }
    return [options.kubeconfig];
  }
  const fromEnv = (env.KUBECONFIG ?? "")
    .split(delimiter)
    .filter((file) => file !== "" && existsSync(file));
  if (fromEnv.length > 0) return fromEnv;
  const home = env.HOME ?? homedir();
  const fallback = join(home, ".kube", "config");
  if (existsSync(fallback)) return [fallback];
  throw new CryptoKubeError(
    "no kubeconfig: KUBECONFIG is unset and ~/.kube/config does not exist",
    {
      code: "KUBECONFIG_MISSING",
      hint: 'set KUBECONFIG or pass --kubeconfig; for the test cluster: eval "$(bash scripts/kube-cluster/env.sh)"',
    },
  );
}
