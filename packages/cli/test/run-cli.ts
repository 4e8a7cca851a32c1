/** Runs the CLI in-process with captured output, as a shell would see it when piped. */
import { runCli } from "../src/cli.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCapture(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    cwd: options.cwd,
    env: options.env ?? {},
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
