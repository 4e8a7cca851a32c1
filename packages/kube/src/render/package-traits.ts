/**
 * What render knows about particular packages and images that the plan does not
 * carry: the user an image's files belong to, directories it writes outside its
 * volumes, which services scale horizontally or keep clients on one pod, and node CLIs
 * usable as probes.
 * Everything else is derived from the plan alone.
 */
import type { Component } from "@cryptokube/plan/types";

/** Non-root user for images that do not need a particular one. */
export const DEFAULT_USER = 10001;

export interface PackageTraits {
  /** UID (and GID, fsGroup) the image's files expect. */
  user: number;
  /** Directories the process writes besides /tmp and its volumes (emptyDir each). */
  writableDirs: string[];
  /** Reads its own namespace's pods, logs and events through the Kubernetes API. */
  readsKubeApi: boolean;
  /** Stateless and safe to run several of: gets a HorizontalPodAutoscaler by default. */
  autoscales: boolean;
  /** Must never run twice at once (e.g. the indexer writing one database). */
  singleWriter: boolean;
  /**
   * Keeps per-client state in memory (the gateway's polling filters, the dashboard's login
   * sessions): its Service sends each client to the same pod (sessionAffinity: ClientIP).
   */
  stickyClients: boolean;
  /** Prometheus metric counting connected peers, for the low-peer alert. */
  peerMetric?: string;
}

const USERS: Readonly<Record<string, number>> = {
  "postgres/postgres": 999,
  "grafana/grafana": 472,
  "ipfs/kubo": 1000,
  "prometheus/prometheus": 65534,
};

const WRITABLE: Readonly<Record<string, string[]>> = {
  "postgres/postgres": ["/var/run/postgresql"],
};

const PEER_METRICS: Readonly<Record<string, string>> = {
  "ethereum/geth": "p2p_peers",
  "ethereum/reth": "reth_network_connected_peers",
  "ethereum/lighthouse": "libp2p_peers",
  "ethereum/teku": "libp2p_peers",
};

export function packageTraits(component: Component): PackageTraits {
  const key = `${component.package}/${component.variant}`;
  const peerMetric = PEER_METRICS[key];
  return {
    user: USERS[key] ?? DEFAULT_USER,
    writableDirs: WRITABLE[key] ?? [],
    readsKubeApi: component.package === "dashboard",
    autoscales: component.package === "gateway" || component.package === "dashboard",
    singleWriter: component.package === "indexer",
    stickyClients: component.package === "gateway" || component.package === "dashboard",
    ...(peerMetric === undefined ? {} : { peerMetric }),
  };
}
