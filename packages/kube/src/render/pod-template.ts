/**
 * One component's pod: a restricted-PSS-valid container (non-root, read-only root
 * filesystem with writable emptyDirs only where needed, no capabilities, no
 * privilege escalation, RuntimeDefault seccomp), its probes, env, token mounts and
 * an init container when the plan asks for one (settings.initCommand).
 */
import { createHash } from "node:crypto";
import { CryptoKubeError } from "@cryptokube/core";
import type { Component } from "@cryptokube/plan/types";
import {
  componentFiles,
  FILES_DIR,
  fileMounts,
  newTokenUse,
  SECRETS_DIR,
  substituteTokens,
  type TokenUse,
} from "./container-paths.ts";
import { componentLabels, selectorLabels } from "./labels.ts";
import { packageTraits } from "./package-traits.ts";
import { componentPorts } from "./ports.ts";
import { containerProbes } from "./probes.ts";
import type { RenderContext } from "./render-context.ts";
import { volumeSize } from "./storage.ts";

/** Secret files are readable by the pod's group (fsGroup) and no one else. */
const SECRET_MODE = 0o440;

export interface PodParts {
  template: Record<string, unknown>;
  /** Volumes that become PersistentVolumeClaims (StatefulSets only). */
  claims: Component["volumes"];
}

export function filesConfigMapName(component: Component): string {
  return `${component.name}-files`;
}

export function serviceAccountName(component: Component): string {
  return component.name;
}

function containerCommand(component: Component, use: TokenUse) {
  const sub = (text: string) => substituteTokens(component, text, use);
  const { run } = component;
  switch (run.type) {
    case "binary":
      return {
        image: run.image,
        command: (run.imageCommand ?? [run.binary]).map(sub),
        args: (run.imageArgs ?? run.args).map(sub),
      };
    case "image":
      return { image: run.image, args: run.args.map(sub) };
    case "command":
      // The app's image is built from the stack dir, so its command runs from the image's WORKDIR.
      return { image: run.image, command: ["sh", "-c", sub(run.command)] };
    case "node":
      return { image: run.image, args: [run.module, ...run.args].map(sub) };
  }
}

function envVars(component: Component, use: TokenUse): Record<string, unknown>[] {
  return Object.entries(component.env).map(([name, value]) =>
    typeof value === "string"
      ? { name, value: substituteTokens(component, value, use) }
      : { name, valueFrom: { secretKeyRef: { name: value.secret, key: value.key } } },
  );
}

function initCommand(component: Component): string[] | undefined {
  const command = component.settings.initCommand;
  if (!Array.isArray(command) || command.length === 0) return undefined;
  return command.map(String);
}

/**
 * Changes when the component's files change, so its pods roll. Independent of the
 * namespace (the files' cluster DNS names are normalised first), so the Helm chart,
 * which moves namespaces through values, carries the same hash.
 */
export function configHash(component: Component, namespace: string): string | undefined {
  const files = componentFiles(component);
  if (Object.keys(files).length === 0) return undefined;
  const normal = JSON.stringify(files).replaceAll(`.${namespace}.svc`, ".NAMESPACE.svc");
  return createHash("sha256").update(normal).digest("hex").slice(0, 16);
}

export function podTemplate(ctx: RenderContext, component: Component): PodParts {
  const traits = packageTraits(component);
  const use = newTokenUse();
  const main = containerCommand(component, use);
  if (main.image === undefined || main.image === "") {
    throw new CryptoKubeError(`component '${component.name}' has no container image`, {
      code: "RENDER_NO_IMAGE",
      hint: `give ${component.source} an image: (or build:), which the kubernetes target needs`,
    });
  }
  const env = envVars(component, use);
  const init = initCommand(component)?.map((arg) => substituteTokens(component, arg, use));
  // Every declared file is mounted, referenced by a token or not (fileMounts are read by path).
  for (const name of Object.keys(componentFiles(component))) use.files.add(name);

  const persistent = component.workload === "stateful";
  const mounts: Record<string, unknown>[] = [{ name: "tmp", mountPath: "/tmp" }];
  const volumes: Record<string, unknown>[] = [{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }];
  for (const volume of component.volumes) {
    mounts.push({ name: volume.name, mountPath: volume.mountPath });
    if (!persistent)
      volumes.push({
        name: volume.name,
        emptyDir: { sizeLimit: volumeSize(ctx, component, volume) },
      });
  }
  traits.writableDirs.forEach((dir, i) => {
    mounts.push({ name: `writable-${i}`, mountPath: dir });
    volumes.push({ name: `writable-${i}`, emptyDir: {} });
  });
  if (use.files.size > 0) {
    const fixed = fileMounts(component);
    const inDir = [...use.files].filter((name) => fixed[name] === undefined);
    if (inDir.length > 0) mounts.push({ name: "files", mountPath: FILES_DIR, readOnly: true });
    for (const name of [...use.files].filter((n) => fixed[n] !== undefined)) {
      mounts.push({ name: "files", mountPath: fixed[name], subPath: name, readOnly: true });
    }
    volumes.push({ name: "files", configMap: { name: filesConfigMapName(component) } });
  }
  for (const secret of [...use.secrets].sort()) {
    mounts.push({
      name: `secret-${secret}`,
      mountPath: `${SECRETS_DIR}/${secret}`,
      readOnly: true,
    });
    volumes.push({
      name: `secret-${secret}`,
      secret: { secretName: secret, defaultMode: SECRET_MODE },
    });
  }

  const securityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  };
  const resources = {
    requests: { ...component.resources.requests },
    limits: { ...component.resources.limits },
  };
  const ports = componentPorts(component).map((p) => ({
    name: p.name,
    containerPort: p.port,
    protocol: p.protocol,
  }));
  const container: Record<string, unknown> = {
    name: component.name,
    ...main,
    imagePullPolicy: "IfNotPresent",
    ...(env.length === 0 ? {} : { env }),
    ...(ports.length === 0 ? {} : { ports }),
    resources,
    securityContext,
    volumeMounts: mounts,
    ...containerProbes(component),
  };
  if (main.args?.length === 0) delete container.args;
  const initContainers =
    init === undefined
      ? undefined
      : [
          {
            name: "init",
            image: main.image,
            imagePullPolicy: "IfNotPresent",
            command: init,
            resources,
            securityContext,
            volumeMounts: mounts,
          },
        ];

  const replicas = component.scaling.autoscaling?.min ?? component.scaling.replicas;
  const affinity =
    replicas > 1 || component.scaling.autoscaling !== undefined
      ? {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: {
                  topologyKey: "kubernetes.io/hostname",
                  labelSelector: { matchLabels: selectorLabels(ctx.plan, component) },
                },
              },
            ],
          },
        }
      : undefined;
  const hash = configHash(component, ctx.namespace);
  const spec: Record<string, unknown> = {
    serviceAccountName: serviceAccountName(component),
    automountServiceAccountToken: traits.readsKubeApi,
    enableServiceLinks: false,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: traits.user,
      runAsGroup: traits.user,
      fsGroup: traits.user,
      fsGroupChangePolicy: "OnRootMismatch",
      seccompProfile: { type: "RuntimeDefault" },
    },
    ...(affinity === undefined ? {} : { affinity }),
    // Chain nodes flush their databases on SIGTERM; give them the time to do it.
    terminationGracePeriodSeconds: component.kind === "chain" ? 120 : 30,
    ...(initContainers === undefined ? {} : { initContainers }),
    containers: [container],
    volumes,
  };
  return {
    template: {
      metadata: {
        labels: componentLabels(ctx.plan, component),
        ...(hash === undefined ? {} : { annotations: { "cryptokube.dev/config-hash": hash } }),
      },
      spec,
    },
    claims: persistent ? component.volumes : [],
  };
}
