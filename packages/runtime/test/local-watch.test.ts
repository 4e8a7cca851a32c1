import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createSupervisor, type LogLine } from "@cryptokube/runtime";
import {
  freePort,
  httpComponent,
  makePlan,
  teardown,
  tempStackDir,
  waitFor,
} from "./fixtures/local-stack.ts";

// How soon it restarts (the issue asks for within a second) is measured by bench/local/watch.ts.
test("a change to a watched file restarts that app; ignored dirs and other files do not", async (t) => {
  const stackDir = tempStackDir(t);
  for (const dir of ["src/deep", "node_modules/src", "docs"])
    mkdirSync(join(stackDir, dir), { recursive: true });
  const lines: LogLine[] = [];
  const supervisor = createSupervisor({
    plan: makePlan([
      httpComponent("web", { port: await freePort(), watch: ["src/**/*.ts"] }),
      httpComponent("api", { port: await freePort() }),
    ]),
    stackDir,
    onLog: (line) => lines.push(line),
  });
  teardown(t, () => supervisor.stop());
  await supervisor.start();
  const status = (name: string) => supervisor.status().find((record) => record.name === name);
  const firstPid = status("web")?.pid;
  const apiPid = status("api")?.pid;

  writeFileSync(join(stackDir, "node_modules/src/x.ts"), "ignored");
  writeFileSync(join(stackDir, "docs/readme.md"), "not watched");
  writeFileSync(join(stackDir, "src/deep/notes.txt"), "not a .ts file");
  await new Promise((resolve) => setTimeout(resolve, 400));
  assert.equal(status("web")?.pid, firstPid, "an unwatched change restarted web");

  writeFileSync(join(stackDir, "src/deep/app.ts"), "export {};\n");
  const restarted = await waitFor(
    () => {
      const record = status("web");
      return record?.state === "ready" && record.pid !== firstPid ? record : undefined;
    },
    3000,
    "web to restart",
  );
  assert.equal(restarted.restarts, 1);
  assert.equal(status("api")?.pid, apiPid, "api was restarted too");
  assert.ok(lines.some((line) => line.text === "web: src/deep/app.ts changed; restarting"));
});
