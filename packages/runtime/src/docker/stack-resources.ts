/**
 * The engine objects of one stack (containers and named volumes, found by their
 * labels): created on `up`, removed on `down` (volumes only with `--volumes`).
 */
import { chownSync } from "node:fs";
import type Docker from "dockerode";
import { isNotFound } from "./docker-client.ts";
import type { DockerStackIdentity } from "./stack-identity.ts";
import { LABEL_VOLUME } from "./stack-identity.ts";

/** Removes every container of the stack (running or not); returns their names. */
export async function removeStackContainers(
  docker: Docker,
  identity: DockerStackIdentity,
): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: identity.filters() });
  await Promise.all(
    containers.map((info) =>
      docker
        .getContainer(info.Id)
        .remove({ force: true })
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        }),
    ),
  );
  return containers.map((info) => (info.Names[0] ?? info.Id).replace(/^\//, ""));
}

export async function listStackVolumes(
  docker: Docker,
  identity: DockerStackIdentity,
): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({ filters: identity.filters() });
  return (Volumes ?? []).map((volume) => volume.Name);
}

export async function removeStackVolumes(
  docker: Docker,
  identity: DockerStackIdentity,
): Promise<string[]> {
  const names = await listStackVolumes(docker, identity);
  await Promise.all(
    names.map((name) =>
      docker
        .getVolume(name)
        .remove({ force: true })
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        }),
    ),
  );
  return names;
}

/**
 * The volume, created (labelled) when missing. A new volume is handed to the
 * container's user when `owner` is given: on a local engine its directory is on
 * this machine. Returns false when that was not possible (a remote or rootless engine).
 */
export async function ensureVolume(
  docker: Docker,
  identity: DockerStackIdentity,
  component: string,
  volume: string,
  owner: { uid: number; gid: number } | undefined,
): Promise<{ created: boolean; owned: boolean }> {
  const name = identity.volumeName(component, volume);
  let info: Docker.VolumeInspectInfo;
  let created = false;
  try {
    info = await docker.getVolume(name).inspect();
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await docker.createVolume({
      Name: name,
      Labels: { ...identity.labels(component), [LABEL_VOLUME]: volume },
    });
    info = await docker.getVolume(name).inspect();
    created = true;
  }
  if (owner === undefined) return { created, owned: true };
  try {
    chownSync(info.Mountpoint, owner.uid, owner.gid);
    return { created, owned: true };
  } catch {
    return { created, owned: false };
  }
}
