import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import {
  createLogFormatter,
  followLogs,
  type LogLine,
  readLogs,
  stateLayout,
} from "@cryptokube/runtime";
import { tempStackDir, waitFor } from "./fixtures/local-stack.ts";

const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const stamp = (offsetMs: number): string => new Date(T0 + offsetMs).toISOString();

function writeLogs(stackDir: string): void {
  const layout = stateLayout(stackDir);
  mkdirSync(layout.logsDir, { recursive: true });
  writeFileSync(
    layout.logFile("eth"),
    `${stamp(0)} eth one\n${stamp(3000)} eth two\n    at trace line\n`,
  );
  writeFileSync(layout.logFile("web"), `${stamp(1000)} web one\n${stamp(5000)} web two\n`);
  writeFileSync(
    layout.logFile("supervisor"),
    `${stamp(2000)} eth exited (signal SIGKILL); restarting in 250ms\n`,
  );
}

test("logs are merged in time order; --since, --tail and component filters apply to the merged stream", (t) => {
  const stackDir = tempStackDir(t);
  writeLogs(stackDir);
  const text = (lines: LogLine[]) => lines.map((line) => `${line.source}: ${line.text}`);
  assert.deepEqual(text(readLogs(stackDir)), [
    "eth: eth one",
    "web: web one",
    "supervisor: eth exited (signal SIGKILL); restarting in 250ms",
    "eth: eth two",
    "eth:     at trace line",
    "web: web two",
  ]);
  assert.deepEqual(text(readLogs(stackDir, { since: T0 + 2500 })), [
    "eth: eth two",
    "eth:     at trace line",
    "web: web two",
  ]);
  assert.deepEqual(text(readLogs(stackDir, { tail: 2 })), [
    "eth:     at trace line",
    "web: web two",
  ]);
  assert.deepEqual(text(readLogs(stackDir, { sources: ["web"] })), [
    "web: web one",
    "web: web two",
  ]);
  assert.deepEqual(readLogs(stackDir, { tail: 0 }), []);
});

test("follow prints what is there, then appended lines, until aborted", async (t) => {
  const stackDir = tempStackDir(t);
  writeLogs(stackDir);
  const seen: string[] = [];
  const controller = new AbortController();
  const following = followLogs(stackDir, {
    sources: ["eth"],
    tail: 1,
    signal: controller.signal,
    intervalMs: 20,
    onLines: (lines) => seen.push(...lines.map((line) => line.text)),
  });
  const layout = stateLayout(stackDir);
  appendFileSync(layout.logFile("web"), `${stamp(6000)} web three\n`);
  appendFileSync(layout.logFile("eth"), `${stamp(7000)} eth thr`);
  await new Promise((resolve) => setTimeout(resolve, 60));
  appendFileSync(layout.logFile("eth"), "ee\n");
  await waitFor(() => seen.includes("eth three"), 2000, "the appended line");
  controller.abort();
  await following;
  assert.deepEqual(seen, ["    at trace line", "eth three"]);
});

test("merged lines are prefixed by their padded component name, coloured only when asked", () => {
  const line: LogLine = { time: T0, source: "eth", text: "hello" };
  const plain = createLogFormatter({ sources: ["eth", "gateway"], color: false });
  assert.equal(plain(line), "eth        | hello\n");
  assert.equal(plain({ ...line, source: "supervisor" }), "supervisor | hello\n");
  const coloured = createLogFormatter({ sources: ["eth"], color: true });
  const ESC = String.fromCharCode(27);
  assert.equal(
    coloured(line).replace(new RegExp(`${ESC}\\[\\d+m`, "g"), ""),
    "eth        | hello\n",
  );
  assert.ok(coloured(line).startsWith(`${ESC}[`), "no colour code");
  const timed = createLogFormatter({ sources: ["eth"], color: false, timestamps: true });
  assert.equal(timed(line), "00:00:00.000 eth        | hello\n");
});
