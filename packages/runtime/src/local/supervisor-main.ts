/**
 * Entry of the background supervisor (`up --detach`). It receives the plan over
 * IPC, reports progress until the stack is ready (or failed), then keeps running
 * on its own: SIGTERM (what `down` sends) stops the stack and exits. Its stdout
 * and stderr are .cryptokube/logs/supervisor.log.
 */
import { CryptoKubeError } from "@cryptokube/core";
import type { FromSupervisor, SerializedError, ToSupervisor } from "./detached-protocol.ts";
import { ComponentStartError } from "./errors.ts";
import { createSupervisor, type Supervisor } from "./supervisor.ts";

const send = (message: FromSupervisor): void => {
  if (process.connected) process.send?.(message);
};

let supervisor: Supervisor | undefined;
let exiting = false;
const shutdown = async (code: number): Promise<void> => {
  if (exiting) return;
  exiting = true;
  await supervisor?.stop();
  process.exit(code);
};

for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(signal, () => void shutdown(0));
}
// The parent goes away once the stack is ready; that must not end us.
process.on("disconnect", () => {});
process.on("uncaughtException", (error) => {
  process.stderr.write(`supervisor crashed: ${error.stack ?? error.message}\n`);
  void shutdown(1);
});

process.once("message", (message: ToSupervisor) => {
  if (message.type !== "start") return;
  supervisor = createSupervisor({
    plan: message.plan,
    stackDir: message.stackDir,
    detached: true,
    ...message.options,
    onProgress: (event) => send({ type: "progress", event }),
    onWarning: (warning) => send({ type: "warning", message: warning }),
  });
  supervisor.start().then(
    (summary) => send({ type: "ready", summary }),
    async (error: unknown) => {
      send({ type: "failed", error: serializeError(error) });
      await shutdown(1);
    },
  );
});

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const result: SerializedError = { name: error.name, message: error.message };
  if (error instanceof CryptoKubeError) {
    result.code = error.code;
    if (error.hint !== undefined) result.hint = error.hint;
  }
  if (error instanceof ComponentStartError) {
    result.component = error.component;
    result.logTail = error.logTail;
  }
  return result;
}
