/**
 * `watch`: how long from saving a watched file to the app being ready again, against the
 * baseline of the same restart asked for directly (`supervisor.restart`, what a watch match
 * calls), measured alternately in one process. The difference is the watcher's share: the
 * file event and the debounce. The issue asks for a restart within a second of a change.
 *
 *   node bench/local/watch.ts [--runs 10] [--json]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createSupervisor } from "../../packages/runtime/src/index.ts";
import {
  freePort,
  httpComponent,
  makePlan,
  tempStackDir,
} from "../../packages/runtime/test/fixtures/local-stack.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "10" }, json: { type: "boolean", default: false } },
});
const runs = Number(values.runs);

const cleanups: Array<() => unknown> = [];
const stackDir = tempStackDir({ after: (fn) => cleanups.push(fn) });
mkdirSync(join(stackDir, "src"));
const supervisor = createSupervisor({
  plan: makePlan([httpComponent("web", { port: await freePort(), watch: ["src/**/*.ts"] })]),
  stackDir,
  onLog: () => {},
});

/** Resolves with the ms until `web` runs under a new pid and is ready again. */
async function restartedAfter(trigger: () => unknown): Promise<number> {
  const web = () => supervisor.status().find((record) => record.name === "web");
  const before = web()?.pid;
  const started = performance.now();
  await trigger();
  for (;;) {
    const record = web();
    if (record?.state === "ready" && record.pid !== before) return performance.now() - started;
    if (performance.now() - started > 10_000) throw new Error("web did not restart in 10 s");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const direct: number[] = [];
const watched: number[] = [];
try {
  await supervisor.start();
  for (let run = 0; run < runs; run++) {
    direct.push(await restartedAfter(() => supervisor.restart("web", "benchmark")));
    watched.push(
      await restartedAfter(() => writeFileSync(join(stackDir, "src", "app.ts"), `// ${run}\n`)),
    );
  }
} finally {
  await supervisor.stop();
  for (const fn of cleanups.reverse()) await fn();
}

const result = {
  runs,
  restartMs: { median: Math.round(median(direct)), max: Math.round(Math.max(...direct)) },
  changeToReadyMs: { median: Math.round(median(watched)), max: Math.round(Math.max(...watched)) },
  watcherShareMs: Math.round(median(watched) - median(direct)),
  ratio: Math.round((median(watched) / median(direct)) * 100) / 100,
  goalUnder1s: Math.max(...watched) < 1000,
};
if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(
    [
      `| measure (${runs} runs) | median | max |`,
      "| --- | ---: | ---: |",
      `| supervisor.restart() to ready (baseline) | ${result.restartMs.median} ms | ${result.restartMs.max} ms |`,
      `| watched file saved to ready | ${result.changeToReadyMs.median} ms | ${result.changeToReadyMs.max} ms |`,
      `| ratio (watch / baseline) | ${result.ratio}× | |`,
      "",
    ].join("\n"),
  );
}
