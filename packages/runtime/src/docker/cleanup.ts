/**
 * `down` on the docker target: whatever containers of the stack are left (the
 * supervisor removes its own on a clean stop), and with `--volumes` the stack's
 * named volumes too.
 */
import { assertEngineReachable, createDockerClient, dockerSocketPath } from "./docker-client.ts";
import { dockerStackIdentity } from "./stack-identity.ts";
import { removeStackContainers, removeStackVolumes } from "./stack-resources.ts";

export interface DockerCleanupResult {
  containers: string[];
  volumes: string[];
}

export async function cleanupDockerStack(options: {
  stack: string;
  stackDir: string;
  removeVolumes: boolean;
  env?: Record<string, string | undefined>;
}): Promise<DockerCleanupResult> {
  const env = options.env ?? process.env;
  const docker = createDockerClient(env);
  await assertEngineReachable(docker, dockerSocketPath(env));
  const identity = dockerStackIdentity(options.stack, options.stackDir);
  const containers = await removeStackContainers(docker, identity);
  const volumes = options.removeVolumes ? await removeStackVolumes(docker, identity) : [];
  return { containers, volumes };
}
