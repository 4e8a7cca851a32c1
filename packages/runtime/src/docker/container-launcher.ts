/**
 * One run of a component as a container: create, start, stream its output
 * (demultiplexed stdout/stderr, line by line) into the supervisor's log, wait
 * for it to exit, remove it. Every start makes a fresh container (the volumes
 * carry the state), so a restart never inherits a half-dead container.
 */
import { constants } from "node:os";
import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import type {
  ComponentExit,
  ComponentHandle,
  ComponentIdentity,
  ComponentLauncher,
} from "../local/launcher.ts";
import { processStartTime } from "../local/process-identity.ts";
import type { ProcessExit } from "../local/restart-policy.ts";
import { isNotFound } from "./docker-client.ts";

/** Output still buffered in the engine when the container exits gets this long to arrive. */
const LOG_DRAIN_MS = 1000;

export function containerLauncher(
  docker: Docker,
  spec: Docker.ContainerCreateOptions,
): ComponentLauncher {
  const display = `container ${spec.name ?? ""} from ${spec.Image ?? ""}`;
  return { display, start: (onLine) => runContainer(docker, spec, onLine) };
}

function runContainer(
  docker: Docker,
  spec: Docker.ContainerCreateOptions,
  onLine: (text: string) => void,
): ComponentHandle {
  let container: Docker.Container | undefined;
  let stopRequested = false;
  const started = (async (): Promise<ComponentIdentity> => {
    if (spec.name !== undefined) await removeContainer(docker, spec.name);
    container = await docker.createContainer(spec);
    if (stopRequested) throw new Error("stopped before it started");
    await container.start();
    const info = await container.inspect();
    const pid = info.State.Pid > 0 ? info.State.Pid : undefined;
    const pidStart = pid === undefined ? undefined : processStartTime(pid);
    return {
      containerId: container.id,
      ...(pid === undefined ? {} : { pid }),
      ...(pidStart === undefined ? {} : { pidStart }),
    };
  })();
  const exited: Promise<ComponentExit> = started.then(
    async () => {
      const running = container as Docker.Container;
      const drained = streamOutput(running, onLine);
      let exit: ComponentExit;
      try {
        const { StatusCode } = (await running.wait()) as { StatusCode: number };
        exit = exitOf(StatusCode);
      } catch (error) {
        exit = { code: null, signal: null, error: error as Error };
      }
      await Promise.race([drained, sleep(LOG_DRAIN_MS)]);
      await running.remove({ force: true }).catch(() => {});
      return exit;
    },
    async (error: Error) => {
      // Created but not started (bad mount, missing entrypoint…): nothing of it may stay.
      await container?.remove({ force: true }).catch(() => {});
      return { code: null, signal: null, error: new Error(engineMessage(error)) };
    },
  );
  return {
    identity: {},
    running: started.catch(() => ({})),
    exited,
    async stop(graceMs: number): Promise<ProcessExit> {
      stopRequested = true;
      try {
        await started;
      } catch {
        return exited;
      }
      // The engine sends the stop signal, waits `t` seconds, then SIGKILL.
      await container?.stop({ t: Math.max(1, Math.ceil(graceMs / 1000)) }).catch(() => {
        // 304: it had already stopped; 404: already removed.
      });
      return exited;
    },
  };
}

/** A container's exit status: 128+n means it died of signal n (what `docker kill` does). */
export function exitOf(statusCode: number): ProcessExit {
  if (statusCode > 128 && statusCode <= 128 + 64) {
    const name = Object.entries(constants.signals).find(([, n]) => n === statusCode - 128)?.[0];
    if (name !== undefined) return { code: null, signal: name as NodeJS.Signals };
  }
  return { code: statusCode, signal: null };
}

async function streamOutput(
  container: Docker.Container,
  onLine: (text: string) => void,
): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await container.logs({ follow: true, stdout: true, stderr: true });
  } catch {
    return;
  }
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  container.modem.demuxStream(stream, stdout, stderr);
  const closed = [stdout, stderr].map(
    (output) =>
      new Promise<void>((resolve) => {
        createInterface({ input: output, crlfDelay: Number.POSITIVE_INFINITY })
          .on("line", onLine)
          .once("close", resolve);
      }),
  );
  stream.once("end", () => {
    stdout.end();
    stderr.end();
  });
  stream.once("error", () => {
    stdout.end();
    stderr.end();
  });
  await Promise.all(closed);
}

export async function removeContainer(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getContainer(name).remove({ force: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** The engine's JSON error text ("(HTTP code 400) … - <message>") without the noise. */
export function engineMessage(error: Error): string {
  const json = (error as { json?: { message?: string } }).json;
  return json?.message ?? error.message;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
