/**
 * The driver of the docker target: components with an image (node software, our
 * platform services, apps with `image:` or `build:`) run as containers on the
 * host network; apps with only a `command` run as host processes, as on the
 * process target. Everything is checked (engine, images, build contexts) before
 * anything starts.
 */
import { chmodSync, chownSync, copyFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Component } from "@cryptokube/plan/types";
import type Docker from "dockerode";
import type {
  ComponentLauncher,
  DriverContext,
  Resolution,
  TargetDriver,
} from "../local/launcher.ts";
import { createProcessDriver, writeComponentFiles } from "../local/process-driver.ts";
import { readSecret } from "../local/secrets.ts";
import { stateLayout } from "../local/state-layout.ts";
import { containerLauncher } from "./container-launcher.ts";
import { containerSpec, secretsUsedBy } from "./container-spec.ts";
import { assertEngineReachable, createDockerClient, dockerSocketPath } from "./docker-client.ts";
import {
  assertBuildContext,
  buildImage,
  buildOf,
  type ImageFacts,
  imageOf,
  inspectImages,
} from "./images.ts";
import { dockerStackIdentity } from "./stack-identity.ts";
import { ensureVolume, removeStackContainers, removeStackVolumes } from "./stack-resources.ts";

/** Who catalog containers run as when their image names no user: not root. */
export const CONTAINER_USER = { uid: 10001, gid: 10001 };

export interface DockerDriverOptions {
  /** A client to use instead of one for DOCKER_HOST / the default socket. */
  docker?: Docker;
}

interface Owner {
  uid: number;
  gid: number;
}

interface RunAs {
  user: string | undefined;
  owner: Owner | undefined;
}

/** "1000" or "1000:1000" as numbers ("" is root); a user name cannot be resolved outside the image. */
function numericUser(user: string): Owner | undefined {
  if (user === "") return { uid: 0, gid: 0 };
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  if (match === null) return undefined;
  const uid = Number(match[1]);
  return { uid, gid: match[2] === undefined ? uid : Number(match[2]) };
}

/** Whether the docker target runs this component as a container (else as a host process). */
export function runsInContainer(component: Component): boolean {
  const run = component.run;
  if (run.type === "binary" || run.type === "image") return true;
  if (run.type === "command") return run.image !== undefined || run.build !== undefined;
  return false;
}

export function createDockerDriver(
  ctx: DriverContext,
  options: DockerDriverOptions = {},
): TargetDriver {
  const socketPath = options.docker === undefined ? dockerSocketPath(ctx.env) : "(given client)";
  const docker = options.docker ?? createDockerClient(ctx.env);
  const identity = dockerStackIdentity(ctx.plan.stack, ctx.stackDir);
  const layout = stateLayout(ctx.stackDir);
  const host = createProcessDriver(ctx);
  let imageFacts = new Map<string, ImageFacts>();

  const split = (components: Component[]) => ({
    containers: components.filter(runsInContainer),
    processes: components.filter((component) => !runsInContainer(component)),
  });

  /**
   * Who the container runs as (`user`, undefined = the image's own) and who must
   * own its volumes and secret files (`owner`, when known as numbers).
   */
  const userFor = (component: Component, image: string): RunAs => {
    const declared = imageFacts.get(image)?.user ?? "";
    // An app's image decides its own user; so does any image that declares one.
    if (component.kind === "app" || declared !== "") {
      return { user: undefined, owner: numericUser(declared) };
    }
    return { user: `${CONTAINER_USER.uid}:${CONTAINER_USER.gid}`, owner: CONTAINER_USER };
  };

  /** Secret files as the container's user can read them, mounted read-only. */
  const stageSecrets = (component: Component, owner: Owner | undefined) => {
    const staged = new Map<string, string>();
    for (const secret of secretsUsedBy(component, ctx.plan.secrets)) {
      for (const key of secret.keys) {
        const file = join(layout.root, "docker", "secrets", component.name, secret.name, key);
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        rmSync(file, { force: true });
        copyFileSync(layout.secretFile(secret.name, key), file);
        try {
          if (owner === undefined) throw new Error("the container's uid is not known");
          chownSync(file, owner.uid, owner.gid);
          chmodSync(file, 0o400);
        } catch {
          // Readable by whoever the container runs as; its directory (0700) still keeps
          // it from other users of this machine.
          chmodSync(file, 0o444);
        }
        staged.set(`${secret.name}/${key}`, file);
      }
    }
    return staged;
  };

  return {
    async resolve(components) {
      const { containers, processes } = split(components);
      const result = await host.resolve(processes);
      if (containers.length === 0) return result;
      await assertEngineReachable(docker, socketPath);
      const wanted: { component: string; image: string }[] = [];
      for (const component of containers) {
        const build = buildOf(component);
        if (build !== undefined) assertBuildContext(component, build, ctx.stackDir);
        else wanted.push({ component: component.name, image: imageOf(component) ?? "" });
      }
      imageFacts = await inspectImages(docker, wanted);
      for (const component of containers) result.set(component.name, { available: true });
      return result as Map<string, Resolution>;
    },

    async prepare(components, { fresh }) {
      const { containers, processes } = split(components);
      const launchers = await host.prepare(processes, { fresh });
      if (containers.length === 0) return launchers;
      // Containers of an earlier run whose supervisor died would hold the ports.
      const leftovers = await removeStackContainers(docker, identity);
      if (leftovers.length > 0)
        ctx.warn(`removed containers left over from an earlier run: ${leftovers.join(", ")}`);
      if (fresh) {
        const removed = await removeStackVolumes(docker, identity);
        if (removed.length > 0) ctx.event(`--fresh: removed volumes ${removed.join(", ")}`);
      }
      for (const component of containers) {
        const build = buildOf(component);
        const image = imageOf(component) ?? "";
        if (build !== undefined) {
          ctx.preparing(component.name, `building image ${image}`);
          await buildImage(docker, component, build, image, ctx.stackDir, (line) =>
            ctx.event(`${component.name} build: ${line}`),
          );
          const [facts] = (
            await inspectImages(docker, [{ component: component.name, image }])
          ).values();
          if (facts !== undefined) imageFacts.set(image, facts);
        }
        let { user, owner } = userFor(component, image);
        for (const volume of component.volumes) {
          const name = identity.volumeName(component.name, volume.name);
          const { created, owned } = await ensureVolume(
            docker,
            identity,
            component.name,
            volume.name,
            owner,
          );
          if (created) ctx.event(`${component.name}: created volume ${name}`);
          if (!owned && user !== undefined) {
            ctx.event(
              `${component.name}: cannot hand ${name} to uid ${CONTAINER_USER.uid} (remote or rootless engine?); it runs as the image's user`,
            );
            user = undefined;
            owner = undefined;
          }
        }
        const spec = containerSpec(component, {
          identity,
          image,
          secrets: ctx.plan.secrets,
          hostFiles: writeComponentFiles(component, ctx.stackDir),
          hostSecrets: stageSecrets(component, owner),
          secretValue: (name, key) => readSecret(ctx.stackDir, name, key),
          user,
        });
        launchers.set(component.name, containerLauncher(docker, spec) as ComponentLauncher);
      }
      return launchers;
    },
  };
}
