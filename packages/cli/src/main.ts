/** Process entry: wires the real process into `runCli` and exits with its code. */
import { runCli } from "./cli.ts";

const controller = new AbortController();
let interrupted = 0;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    interrupted += 1;
    // A second Ctrl-C means "now": give up on the clean shutdown.
    if (interrupted > 1) process.exit(130);
    controller.abort(new Error(signal));
  });
}

const code = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
});
process.exitCode = code;
