/**
 * Readiness checks from the plan, run against a component's loopback endpoints.
 * Every probe answers ok/not-ok with a one-line detail, so a startup timeout can
 * say what the last check saw ("GET /health answered 503").
 */
import { execFile } from "node:child_process";
import { connect } from "node:net";
import type { Component, Endpoint, HealthProbe } from "@cryptokube/plan/types";
import { httpRequest } from "./http-request.ts";

export interface ProbeOutcome {
  ok: boolean;
  detail: string;
}

export interface ProbeContext {
  component: Component;
  stackDir: string;
  timeoutMs: number;
}

/** Memory between probes of one component (chain-head compares with earlier heads). */
export interface ProbeMemory {
  bestHead?: number;
}

/** All readiness probes of a component must pass. No probes: ready as soon as it runs. */
export function createReadinessCheck(
  component: Component,
  stackDir: string,
  timeoutMs = 1000,
): () => Promise<ProbeOutcome> {
  return createProbeCheck(component, component.health.readiness, stackDir, timeoutMs, "ready");
}

/** The plan's liveness probes: a failing one means "hung", not "busy syncing". */
export function createLivenessCheck(
  component: Component,
  stackDir: string,
  timeoutMs = 1000,
): () => Promise<ProbeOutcome> {
  return createProbeCheck(component, component.health.liveness, stackDir, timeoutMs, "alive");
}

function createProbeCheck(
  component: Component,
  probes: readonly HealthProbe[],
  stackDir: string,
  timeoutMs: number,
  passed: string,
): () => Promise<ProbeOutcome> {
  const memory: ProbeMemory = {};
  const ctx: ProbeContext = { component, stackDir, timeoutMs };
  return async () => {
    for (const probe of probes) {
      const outcome = await runProbe(probe, ctx, memory);
      if (!outcome.ok) return outcome;
    }
    return { ok: true, detail: probes.length === 0 ? "running" : passed };
  };
}

export async function runProbe(
  probe: HealthProbe,
  ctx: ProbeContext,
  memory: ProbeMemory = {},
): Promise<ProbeOutcome> {
  try {
    switch (probe.type) {
      case "http":
        return await probeHttp(probe, ctx);
      case "tcp":
        return await probeTcp(endpointOf(ctx.component, probe.endpoint), ctx.timeoutMs);
      case "jsonrpc": {
        const url = rpcUrl(endpointOf(ctx.component, probe.endpoint));
        await callJsonRpc(url, probe.method, probe.params ?? [], ctx.timeoutMs);
        return { ok: true, detail: `${probe.method} answered` };
      }
      case "chain-synced":
        return await probeSynced(probe, ctx);
      case "chain-head":
        return await probeHead(probe, ctx, memory);
      case "exec":
        return await probeExec(probe.command, ctx);
    }
  } catch (error) {
    return { ok: false, detail: describeError(error) };
  }
}

async function probeHttp(
  probe: Extract<HealthProbe, { type: "http" }>,
  ctx: ProbeContext,
): Promise<ProbeOutcome> {
  const url = new URL(probe.path, endpointOf(ctx.component, probe.endpoint).url).toString();
  const { status } = await httpRequest(url, { timeoutMs: ctx.timeoutMs });
  const ok =
    probe.expectStatus === undefined
      ? status >= 200 && status < 400
      : status === probe.expectStatus;
  return { ok, detail: `GET ${url} answered ${status}` };
}

function probeTcp(endpoint: Endpoint, timeoutMs: number): Promise<ProbeOutcome> {
  const host = hostOf(endpoint);
  return new Promise((resolve) => {
    const socket = connect({ host, port: endpoint.port, timeout: timeoutMs });
    const done = (outcome: ProbeOutcome): void => {
      socket.destroy();
      resolve(outcome);
    };
    socket.once("connect", () =>
      done({ ok: true, detail: `tcp ${host}:${endpoint.port} accepts connections` }),
    );
    socket.once("timeout", () =>
      done({ ok: false, detail: `tcp ${host}:${endpoint.port} timed out` }),
    );
    socket.once("error", (error) =>
      done({ ok: false, detail: `tcp ${host}:${endpoint.port}: ${describeError(error)}` }),
    );
  });
}

async function probeSynced(
  probe: Extract<HealthProbe, { type: "chain-synced" }>,
  ctx: ProbeContext,
): Promise<ProbeOutcome> {
  const url = rpcUrl(endpointOf(ctx.component, probe.endpoint));
  if (probe.chain === "ethereum") {
    const syncing = (await callJsonRpc(url, "eth_syncing", [], ctx.timeoutMs)) as
      | false
      | { currentBlock?: string; highestBlock?: string };
    if (syncing === false) return { ok: true, detail: "synced" };
    // geth also reports index building here (txIndexRemainingBlocks…), which can outlast
    // block sync by hours and, on a fresh devnet, lasts until its first block: a node
    // that has the highest block it knows of serves the chain.
    const current = hexNumber(syncing.currentBlock);
    const highest = hexNumber(syncing.highestBlock);
    return current !== undefined && highest !== undefined && current >= highest
      ? { ok: true, detail: `synced to block ${current} (indexes still building)` }
      : { ok: false, detail: "still syncing" };
  }
  const info = (await callJsonRpc(url, "getblockchaininfo", [], ctx.timeoutMs)) as {
    initialblockdownload?: boolean;
  };
  return info.initialblockdownload === false
    ? { ok: true, detail: "synced" }
    : { ok: false, detail: "initial block download in progress" };
}

/**
 * "Head is advancing or within maxLag": the node answers with its head, is no more
 * than maxLag blocks behind the best head it knows of (its sync target, or for
 * bitcoin its best header), and its head has not fallen back by more than maxLag
 * blocks since an earlier probe. A devnet that mines on demand is ready with a
 * steady head: it is the tip.
 */
async function probeHead(
  probe: Extract<HealthProbe, { type: "chain-head" }>,
  ctx: ProbeContext,
  memory: ProbeMemory,
): Promise<ProbeOutcome> {
  const url = rpcUrl(endpointOf(ctx.component, probe.endpoint));
  let head: number;
  let target: number;
  if (probe.chain === "ethereum") {
    head = Number(BigInt(String(await callJsonRpc(url, "eth_blockNumber", [], ctx.timeoutMs))));
    const syncing = (await callJsonRpc(url, "eth_syncing", [], ctx.timeoutMs)) as
      | false
      | { highestBlock?: string };
    target =
      syncing === false || syncing.highestBlock === undefined
        ? head
        : Number(BigInt(syncing.highestBlock));
  } else {
    const info = (await callJsonRpc(url, "getblockchaininfo", [], ctx.timeoutMs)) as {
      blocks: number;
      headers: number;
    };
    head = info.blocks;
    target = info.headers;
  }
  const best = Math.max(memory.bestHead ?? head, head, target);
  const advancing = memory.bestHead !== undefined && head > memory.bestHead;
  memory.bestHead = Math.max(memory.bestHead ?? head, head);
  const lag = best - head;
  if (lag > probe.maxLag)
    return {
      ok: false,
      detail: `head ${head} is ${lag} blocks behind ${best} (max ${probe.maxLag})`,
    };
  return { ok: true, detail: `head ${head}${advancing ? " (advancing)" : ""}` };
}

function probeExec(command: string[], ctx: ProbeContext): Promise<ProbeOutcome> {
  const [file, ...args] = command;
  if (file === undefined) return Promise.resolve({ ok: false, detail: "empty exec probe" });
  return new Promise((resolve) => {
    execFile(file, args, { cwd: ctx.stackDir, timeout: ctx.timeoutMs }, (error) => {
      resolve(
        error === null
          ? { ok: true, detail: `${file} exited 0` }
          : { ok: false, detail: `${file} failed: ${describeError(error)}` },
      );
    });
  });
}

export async function callJsonRpc(
  url: string,
  method: string,
  params: unknown[],
  timeoutMs: number,
): Promise<unknown> {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params });
  const answer = await httpRequest(url, { method: "POST", body, timeoutMs });
  if (answer.status < 200 || answer.status >= 300)
    throw new Error(`${method} answered HTTP ${answer.status}`);
  const parsed = JSON.parse(answer.body) as { result?: unknown; error?: { message?: string } };
  if (parsed.error !== undefined)
    throw new Error(`${method} failed: ${parsed.error.message ?? "error"}`);
  if (!("result" in parsed)) throw new Error(`${method} answered without a result`);
  return parsed.result;
}

export function endpointOf(component: Component, name: string): Endpoint {
  const endpoint = component.endpoints.find((candidate) => candidate.name === name);
  if (endpoint === undefined)
    throw new Error(`health check names endpoint '${name}', which ${component.name} does not have`);
  return endpoint;
}

function rpcUrl(endpoint: Endpoint): string {
  // JSON-RPC probes use HTTP even when the endpoint is the WebSocket face of the same server.
  return endpoint.url.replace(/^ws(s?):/, "http$1:");
}

function hostOf(endpoint: Endpoint): string {
  try {
    return new URL(endpoint.url).hostname.replace(/^\[|\]$/g, "") || "127.0.0.1";
  } catch {
    return "127.0.0.1";
  }
}

function hexNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  try {
    return Number(BigInt(value));
  } catch {
    return undefined;
  }
}

function describeError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return "connection refused";
  return error instanceof Error ? error.message : String(error);
}
