/**
 * The Docker Engine API client (dockerode over the engine's unix socket) and
 * the first question every docker command asks: is the engine there?
 */
import { CryptoKubeError } from "@cryptokube/core";
import Docker from "dockerode";

export const DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";

/** `DOCKER_HOST=unix:///path` or the default socket; other schemes are not supported here. */
export function dockerSocketPath(env: Record<string, string | undefined>): string {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === "") return DEFAULT_DOCKER_SOCKET;
  if (host.startsWith("unix://")) return host.slice("unix://".length);
  throw new CryptoKubeError(`DOCKER_HOST=${host} is not a unix socket`, {
    code: "DOCKER_HOST_UNSUPPORTED",
    hint: "the docker target talks to a local engine: unset DOCKER_HOST or set it to unix:///path/to/docker.sock",
  });
}

export function createDockerClient(env: Record<string, string | undefined>): Docker {
  return new Docker({ socketPath: dockerSocketPath(env) });
}

/** Throws DOCKER_UNAVAILABLE, saying how to start the engine, unless it answers. */
export async function assertEngineReachable(docker: Docker, socketPath: string): Promise<void> {
  try {
    await docker.ping();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new CryptoKubeError(
      `cannot reach the Docker engine at ${socketPath} (${code ?? (error as Error).message}); nothing was started`,
      {
        code: "DOCKER_UNAVAILABLE",
        hint:
          code === "EACCES"
            ? "add yourself to the docker group (or run as root), then try again"
            : "start the engine (in this repository: `bash scripts/fixtures/docker-engine.sh`; elsewhere `sudo systemctl start docker`), or run the stack with --target process",
      },
    );
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 404;
}
