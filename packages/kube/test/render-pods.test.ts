/**
 * Properties every rendered stack must have, checked on all three templates:
 * restricted Pod Security on every pod, requests and limits on every container,
 * the label set on every object, least-privilege identities, and the stateful,
 * scaling, probe, storage and secret wiring the plan asks for.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { describe, it } from "node:test";
import type { Plan } from "@cryptokube/plan/types";
import {
  generateSecretMaterial,
  type KubeObject,
  renderManifests,
  STACK_LABEL,
} from "../src/index.ts";
import { templatePlan } from "./template-plan.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests walk untyped manifest trees
type Json = Record<string, any>;

const plans = Object.fromEntries(["dapp", "node", "bitcoin"].map((n) => [n, templatePlan(n)]));
const planOf = (name: string): Plan => plans[name] as Plan;

function find(objects: KubeObject[], kind: string, name: string): Json {
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(object, `no ${kind}/${name}`);
  return object as Json;
}

function podSpecs(objects: KubeObject[]): [string, Json][] {
  return objects
    .filter((o) => o.kind === "StatefulSet" || o.kind === "Deployment")
    .map((o) => [o.metadata.name, (o as Json).spec.template.spec]);
}

const RESTRICTED_VOLUMES = [
  "configMap",
  "emptyDir",
  "secret",
  "persistentVolumeClaim",
  "projected",
];

describe("every pod is valid under Pod Security 'restricted'", () => {
  for (const name of Object.keys(plans)) {
    it(name, () => {
      const objects = renderManifests(planOf(name), { monitoring: true });
      const pods = podSpecs(objects);
      assert.ok(pods.length >= 3);
      for (const [workload, pod] of pods) {
        const where = `${name}/${workload}`;
        assert.equal(pod.securityContext.runAsNonRoot, true, where);
        assert.ok(pod.securityContext.runAsUser > 0, where);
        assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault", where);
        assert.equal(pod.hostNetwork, undefined, where);
        assert.equal(pod.hostPID, undefined, where);
        for (const volume of pod.volumes) {
          const type = Object.keys(volume).find((k) => k !== "name");
          assert.ok(RESTRICTED_VOLUMES.includes(String(type)), `${where}: volume type ${type}`);
        }
        for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
          const at = `${where}/${container.name}`;
          const sc = container.securityContext;
          assert.equal(sc.allowPrivilegeEscalation, false, at);
          assert.equal(sc.readOnlyRootFilesystem, true, at);
          assert.equal(sc.runAsNonRoot, true, at);
          assert.deepEqual(sc.capabilities, { drop: ["ALL"] }, at);
          assert.equal(sc.privileged, undefined, at);
          for (const field of ["requests", "limits"])
            for (const resource of ["cpu", "memory"])
              assert.ok(container.resources[field][resource], `${at}: ${field}.${resource}`);
          for (const port of container.ports ?? []) assert.equal(port.hostPort, undefined, at);
          assert.ok(
            container.volumeMounts.some((m: Json) => m.mountPath === "/tmp"),
            `${at}: writable /tmp`,
          );
          // Every plan token is replaced by a path.
          assert.doesNotMatch(JSON.stringify(container), /\{\{(volume|secret|file):/, at);
        }
      }
    });
  }
});

describe("labels and identities", () => {
  it("every object carries the app.kubernetes.io set and the stack label", () => {
    for (const [name, plan] of Object.entries(plans)) {
      for (const object of renderManifests(plan, { monitoring: true })) {
        const labels = object.metadata.labels;
        for (const key of ["name", "instance", "component", "part-of", "version", "managed-by"])
          assert.ok(
            labels[`app.kubernetes.io/${key}`],
            `${name}: ${object.kind}/${object.metadata.name} lacks ${key}`,
          );
        assert.equal(labels["app.kubernetes.io/managed-by"], "cryptokube");
        assert.equal(labels[STACK_LABEL], plan.stack);
        for (const value of Object.values(labels)) assert.ok(value.length <= 63);
        if (object.kind !== "Namespace") assert.equal(object.metadata.namespace, plan.namespace);
      }
    }
  });

  it("namespace enforces restricted pod security", () => {
    const ns = find(renderManifests(planOf("dapp")), "Namespace", "my-dapp");
    for (const mode of ["enforce", "warn", "audit"])
      assert.equal(ns.metadata.labels[`pod-security.kubernetes.io/${mode}`], "restricted");
  });

  it("one ServiceAccount per component, tokens only for the dashboard, which reads its stack's workloads, pods, logs and events only", () => {
    const plan = planOf("dapp");
    const objects = renderManifests(plan);
    for (const component of plan.components) {
      const sa = find(objects, "ServiceAccount", component.name);
      assert.equal(sa.automountServiceAccountToken, false);
      const pod = podSpecs(objects).find(([n]) => n === component.name)?.[1];
      assert.equal(pod?.serviceAccountName, component.name);
      assert.equal(pod?.automountServiceAccountToken, component.name === "dashboard");
    }
    const roles = objects.filter((o) => o.kind === "Role") as Json[];
    assert.deepEqual(
      roles.map((r) => r.metadata.name),
      ["dashboard-read-stack"],
    );
    assert.deepEqual(roles[0]?.rules, [
      {
        apiGroups: [""],
        resources: ["pods", "pods/log", "events"],
        verbs: ["get", "list", "watch"],
      },
      {
        apiGroups: ["apps"],
        resources: ["deployments", "statefulsets"],
        verbs: ["get", "list", "watch"],
      },
    ]);
    const binding = find(objects, "RoleBinding", "dashboard-read-stack");
    assert.deepEqual(binding.subjects, [
      { kind: "ServiceAccount", name: "dashboard", namespace: "my-dapp" },
    ]);
    assert.ok(!objects.some((o) => o.kind === "ClusterRole" || o.kind === "ClusterRoleBinding"));
  });
});

describe("chains", () => {
  it("are StatefulSets with claims whose class and size the options set", () => {
    const objects = renderManifests(planOf("node"), {
      storageClass: "standard",
      storageSize: { eth: "3Ti", "eth-consensus/data": "300Gi" },
    });
    const eth = find(objects, "StatefulSet", "eth");
    assert.equal(eth.spec.serviceName, "eth-headless");
    const [claim] = eth.spec.volumeClaimTemplates;
    assert.equal(claim.spec.storageClassName, "standard");
    assert.equal(claim.spec.resources.requests.storage, "3Ti");
    assert.equal(claim.metadata.labels["cryptokube.dev/snapshot"], "true");
    const beacon = find(objects, "StatefulSet", "eth-consensus");
    assert.equal(beacon.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "300Gi");
    // Without options, the stack file's class and size.
    const plain = find(renderManifests(planOf("node")), "StatefulSet", "eth");
    assert.equal(plain.spec.volumeClaimTemplates[0].spec.storageClassName, "fast-ssd");
    assert.equal(plain.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "1Ti");
    assert.ok(find(objects, "Service", "eth-headless").spec.clusterIP === "None");
  });

  it("services keeping per-client state in memory pin each client to one pod", () => {
    const objects = renderManifests(planOf("dapp"));
    // The gateway's polling filters and the dashboard's sessions live in one replica.
    for (const name of ["gateway", "dashboard"]) {
      assert.equal(find(objects, "Service", name).spec.sessionAffinity, "ClientIP", name);
    }
    assert.equal(find(objects, "Service", "ipfs").spec.sessionAffinity, undefined);
  });

  it("execution and consensus share the JWT Secret as a mounted file", () => {
    const objects = renderManifests(planOf("node"));
    for (const [name, flag] of [
      ["eth", "--authrpc.jwtsecret"],
      ["eth-consensus", "--execution-jwt"],
    ] as const) {
      const pod = find(objects, "StatefulSet", name).spec.template.spec;
      const container = pod.containers[0];
      const args: string[] = container.args;
      assert.equal(args[args.indexOf(flag) + 1], "/var/run/secrets/cryptokube/eth-jwt/jwt.hex");
      assert.ok(pod.volumes.some((v: Json) => v.secret?.secretName === "eth-jwt"));
      assert.ok(
        container.volumeMounts.some(
          (m: Json) => m.mountPath === "/var/run/secrets/cryptokube/eth-jwt" && m.readOnly,
        ),
      );
    }
  });

  it("a syncing node is alive but not ready: sync-aware readiness, TCP liveness, a startup budget", () => {
    const objects = renderManifests(planOf("node"));
    const geth = find(objects, "StatefulSet", "eth").spec.template.spec.containers[0];
    assert.match(
      geth.readinessProbe.exec.command.join(" "),
      /geth attach --exec 'eth\.syncing'.*= "false"/,
    );
    assert.deepEqual(geth.livenessProbe.tcpSocket, { port: "rpc" });
    assert.equal(geth.startupProbe.failureThreshold * geth.startupProbe.periodSeconds, 300);
    const beacon = find(objects, "StatefulSet", "eth-consensus").spec.template.spec.containers[0];
    assert.equal(beacon.readinessProbe.httpGet.path, "/eth/v1/node/health?syncing_status=503");
  });

  it("the devnet's data dir is initialised by an init container", () => {
    const pod = find(renderManifests(planOf("dapp")), "StatefulSet", "eth").spec.template.spec;
    assert.deepEqual(pod.initContainers[0].command, [
      "geth",
      "init",
      "--datadir",
      "/data",
      "/etc/cryptokube/files/genesis.json",
    ]);
    assert.equal(pod.containers[0].command[0], "geth");
    assert.ok(pod.containers[0].args.includes("--dev"));
  });

  it("exposes p2p ports (TCP and UDP) only for endpoints that need peers", () => {
    const objects = renderManifests(planOf("node"));
    const p2p = find(objects, "Service", "eth-p2p");
    assert.equal(p2p.spec.type, "NodePort");
    assert.deepEqual(
      p2p.spec.ports.map((p: Json) => `${p.port}/${p.protocol}`),
      ["30303/TCP", "30303/UDP"],
    );
    const exposed = objects.filter(
      (o) => (o as Json).spec?.type === "NodePort" || (o as Json).spec?.type === "LoadBalancer",
    );
    assert.deepEqual(
      exposed.map((o) => o.metadata.name),
      ["eth-p2p", "eth-consensus-p2p"],
    );
    // The gateway's client Service stays internal.
    assert.equal(find(objects, "Service", "gateway").spec.type, "ClusterIP");
  });
});

describe("stateless services", () => {
  it("are Deployments; gateway and dashboard autoscale, the gateway has a budget and anti-affinity", () => {
    const objects = renderManifests(planOf("node"));
    const gateway = find(objects, "Deployment", "gateway");
    assert.equal(gateway.spec.replicas, undefined, "the HPA owns replicas");
    const hpa = find(objects, "HorizontalPodAutoscaler", "gateway");
    assert.equal(hpa.apiVersion, "autoscaling/v2");
    assert.equal(hpa.spec.minReplicas, 2);
    assert.deepEqual(hpa.spec.scaleTargetRef, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "gateway",
    });
    assert.equal(find(objects, "PodDisruptionBudget", "gateway").spec.maxUnavailable, 1);
    assert.ok(gateway.spec.template.spec.affinity.podAntiAffinity);
    const dapp = renderManifests(planOf("dapp"));
    find(dapp, "HorizontalPodAutoscaler", "dashboard");
    const indexer = find(dapp, "Deployment", "indexer");
    assert.equal(indexer.spec.strategy.type, "Recreate");
    assert.ok(
      !dapp.some((o) => o.kind === "HorizontalPodAutoscaler" && o.metadata.name === "indexer"),
    );
    assert.equal(
      find(dapp, "StatefulSet", "postgres").spec.template.spec.securityContext.runAsUser,
      999,
    );
  });

  it("the web app runs its command in its built image", () => {
    const web = find(renderManifests(planOf("dapp")), "Deployment", "web").spec.template.spec
      .containers[0];
    assert.equal(web.image, "my-dapp-web:dev");
    assert.deepEqual(web.command, ["sh", "-c", "node app/server.ts"]);
    assert.ok(web.env.some((e: Json) => e.name === "RPC_URL" && e.value.includes(".my-dapp.svc")));
  });
});

describe("namespace, files and secrets", () => {
  it("another namespace moves every object and every cluster DNS name", () => {
    const text = JSON.stringify(renderManifests(planOf("dapp"), { namespace: "team-a" }));
    assert.doesNotMatch(text, /"namespace":"my-dapp"|\.my-dapp\.svc/);
    assert.match(text, /gateway\.team-a\.svc\.cluster\.local:8080/);
  });

  it("settings.files become a ConfigMap mounted read-only, with fixed paths honoured", () => {
    const objects = renderManifests(planOf("node"));
    const files = find(objects, "ConfigMap", "grafana-files");
    assert.ok(files.data["datasources.yaml"]);
    const grafana = find(objects, "StatefulSet", "grafana").spec.template.spec.containers[0];
    assert.ok(
      grafana.volumeMounts.some(
        (m: Json) =>
          m.mountPath === "/etc/grafana/provisioning/datasources/cryptokube.yaml" &&
          m.subPath === "datasources.yaml",
      ),
    );
    assert.ok(grafana.env.some((e: Json) => e.valueFrom?.secretKeyRef?.name === "grafana-admin"));
  });

  it("Secrets only for the material given; generated material is hex and TLS", () => {
    const btc = planOf("bitcoin");
    assert.ok(!renderManifests(btc).some((o) => o.kind === "Secret"));
    const material = generateSecretMaterial(btc);
    const tls = material["btc-rpc-tls"];
    assert.ok(tls?.["tls.crt"] && tls["tls.key"]);
    const cert = new X509Certificate(tls["tls.crt"]);
    assert.match(cert.subjectAltName ?? "", /DNS:btc\.btc-lab\.svc\.cluster\.local/);
    const secret = find(renderManifests(btc, { secrets: material }), "Secret", "btc-rpc-tls");
    assert.equal(secret.type, "kubernetes.io/tls");
    const node = generateSecretMaterial(planOf("node"));
    assert.match(node["eth-jwt"]?.["jwt.hex"] ?? "", /^[0-9a-f]{64}$/);
    assert.notEqual(
      node["eth-jwt"]?.["jwt.hex"],
      generateSecretMaterial(planOf("node"))["eth-jwt"]?.["jwt.hex"],
    );
    assert.throws(
      () => renderManifests(planOf("node"), { secrets: { "eth-jwt": {} } }),
      /secret 'eth-jwt' lacks key jwt\.hex/,
    );
  });
});

describe("monitoring", () => {
  it("ServiceMonitors and alert rules only on request; the dashboard ConfigMap always", () => {
    const plain = renderManifests(planOf("node"));
    assert.ok(!plain.some((o) => o.apiVersion.startsWith("monitoring.coreos.com")));
    const dashboard = find(plain, "ConfigMap", "sepolia-node-dashboard");
    assert.equal(dashboard.metadata.labels.grafana_dashboard, "1");
    assert.match(dashboard.data["sepolia-node.json"], /cryptokube_gateway_requests_total/);
    const objects = renderManifests(planOf("node"), { monitoring: true });
    const monitor = find(objects, "ServiceMonitor", "eth");
    assert.deepEqual(monitor.spec.endpoints, [
      { port: "metrics", path: "/debug/metrics/prometheus", interval: "30s" },
    ]);
    const rules = find(objects, "PrometheusRule", "sepolia-node-alerts").spec.groups[0]
      .rules as Json[];
    const alerts = rules.map((r) => r.alert);
    for (const alert of [
      "CryptoKubeNodeNotReady",
      "CryptoKubeHeadLag",
      "CryptoKubeLowPeerCount",
      "CryptoKubeGatewayErrorRate",
    ])
      assert.ok(alerts.includes(alert), alert);
    const errorRate = rules.find((r) => r.alert === "CryptoKubeGatewayErrorRate");
    assert.match(errorRate?.expr, /cryptokube_gateway_requests_total\{.*status="error"/);
    const lag = rules.find((r) => r.alert === "CryptoKubeHeadLag");
    assert.match(lag?.expr, /cryptokube_gateway_upstream_lag_blocks.*> 3$/);
  });
});
