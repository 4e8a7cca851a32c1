/**
 * A component as a container: what the engine is asked to create. Pure data from
 * the plan, so it can be checked without an engine. Containers share the host's
 * network (every endpoint is the same loopback port as on the process target),
 * volumes are named and labelled with the stack, generated files and secrets are
 * bind-mounted read-only.
 */
import type { Component, RunSpec, SecretDecl } from "@cryptokube/plan/types";
import type Docker from "dockerode";
import {
  componentFileMounts,
  componentFiles,
  resolveTokens,
  type TokenPaths,
} from "../local/resolve-tokens.ts";
import type { DockerStackIdentity } from "./stack-identity.ts";

export const FILES_DIR_IN_CONTAINER = "/cryptokube/files";
export const SECRETS_DIR_IN_CONTAINER = "/run/secrets/cryptokube";

export interface ContainerSpecContext {
  identity: DockerStackIdentity;
  image: string;
  secrets: SecretDecl[];
  /** Host path of each generated file of the component (`settings.files`). */
  hostFiles: ReadonlyMap<string, string>;
  /** Host path of each secret key the component uses, by "name/key". */
  hostSecrets: ReadonlyMap<string, string>;
  /** Value of a secret key, for env entries that reference one. */
  secretValue(name: string, key: string): string;
  /** "uid:gid" to run as, or undefined for the image's own user. */
  user: string | undefined;
}

/** Where the component's tokens point inside its container. */
export function containerTokenPaths(component: Component): TokenPaths {
  const fileMounts = componentFileMounts(component);
  return {
    volume: (name) =>
      component.volumes.find((volume) => volume.name === name)?.mountPath ?? `/data/${name}`,
    secret: (name, key) => `${SECRETS_DIR_IN_CONTAINER}/${name}/${key}`,
    file: (name) => fileMounts[name] ?? `${FILES_DIR_IN_CONTAINER}/${name}`,
  };
}

/** The secrets a component uses: declared for it, or named by its env or args. */
export function secretsUsedBy(component: Component, secrets: SecretDecl[]): SecretDecl[] {
  const text = JSON.stringify([component.run, component.env]);
  return secrets.filter(
    (secret) =>
      secret.usedBy.includes(component.name) ||
      text.includes(`{{secret:${secret.name}/`) ||
      Object.values(component.env).some(
        (value) => typeof value !== "string" && value.secret === secret.name,
      ),
  );
}

export function containerCommand(
  run: RunSpec,
  token: (text: string) => string,
): { Entrypoint?: string[]; Cmd?: string[] } {
  switch (run.type) {
    case "binary":
      return {
        Entrypoint: run.imageCommand ?? [run.binary],
        Cmd: (run.imageArgs ?? run.args).map(token),
      };
    case "image":
    case "node":
      // The image's entrypoint chooses the program (the platform image: by its first argument).
      return run.args.length === 0 ? {} : { Cmd: run.args.map(token) };
    case "command":
      // An app with an image or build runs what its image runs, as on Kubernetes.
      return {};
  }
}

export function containerSpec(
  component: Component,
  ctx: ContainerSpecContext,
): Docker.ContainerCreateOptions {
  const paths = containerTokenPaths(component);
  const token = (text: string): string => resolveTokens(text, component, ctx.secrets, paths);
  const env: string[] = [
    `CRYPTOKUBE_STACK=${ctx.identity.stack}`,
    `CRYPTOKUBE_COMPONENT=${component.name}`,
  ];
  for (const [name, value] of Object.entries(component.env)) {
    env.push(
      `${name}=${typeof value === "string" ? token(value) : ctx.secretValue(value.secret, value.key)}`,
    );
  }
  const mounts: Docker.MountSettings[] = component.volumes.map((volume) => ({
    Type: "volume",
    Source: ctx.identity.volumeName(component.name, volume.name),
    Target: volume.mountPath,
    // The driver has handed the volume to the container's user; on first mount the
    // engine would otherwise copy the image's directory over it, owner (root) included.
    // The types make Labels and DriverConfig required; the engine does not (they only
    // apply when the mount creates the volume, and the driver has created it already).
    VolumeOptions: { NoCopy: true } as Docker.MountSettings["VolumeOptions"],
  }));
  for (const name of Object.keys(componentFiles(component))) {
    const source = ctx.hostFiles.get(name);
    if (source !== undefined)
      mounts.push({ Type: "bind", Source: source, Target: paths.file(name), ReadOnly: true });
  }
  for (const [ref, source] of ctx.hostSecrets) {
    const [name = "", key = ""] = ref.split("/");
    mounts.push({ Type: "bind", Source: source, Target: paths.secret(name, key), ReadOnly: true });
  }
  return {
    name: ctx.identity.containerName(component.name),
    Image: ctx.image,
    ...containerCommand(component.run, token),
    Env: env,
    Labels: ctx.identity.labels(component.name),
    ...(ctx.user === undefined ? {} : { User: ctx.user }),
    HostConfig: {
      // Only host networking exists on an engine started with --bridge=none; see docs/targets.md.
      NetworkMode: "host",
      Mounts: mounts,
      // The supervisor restarts with its own backoff; the engine must not race it.
      RestartPolicy: { Name: "no" },
    },
  };
}
