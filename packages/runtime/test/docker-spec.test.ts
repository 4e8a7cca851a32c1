/**
 * What the docker target asks the engine for, checked on the real plan of a
 * devnet + IPFS + gateway stack (no engine needed): host networking, stack
 * labels with the stack dir's hash, named volumes, tokens pointing at mount
 * paths, generated files and secrets mounted read-only, a non-root user.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlan } from "@cryptokube/plan";
import type { Component, Plan } from "@cryptokube/plan/types";
import { parseStack } from "@cryptokube/spec";
import { exitOf } from "../src/docker/container-launcher.ts";
import {
  containerSpec,
  FILES_DIR_IN_CONTAINER,
  SECRETS_DIR_IN_CONTAINER,
} from "../src/docker/container-spec.ts";
import { runsInContainer } from "../src/docker/docker-driver.ts";
import { dockerStackIdentity, LABEL_STACK_DIR } from "../src/docker/stack-identity.ts";

const STACK = `
name: spec-test
chains:
  eth: { type: ethereum, network: devnet }
storage:
  ipfs: {}
services:
  gateway: {}
apps:
  web:
    command: node app/server.ts
    ports: { http: 3000 }
  api:
    build: ./api
    ports: { http: 3001 }
    env:
      RPC: \${chains.eth.rpc}
`;

function dockerPlan(): Plan {
  const parsed = parseStack(STACK, "cryptokube.yaml");
  assert.ok(parsed.ok, JSON.stringify(parsed));
  return createPlan(parsed.stack, { target: "docker" });
}

function component(plan: Plan, name: string): Component {
  const found = plan.components.find((candidate) => candidate.name === name);
  assert.ok(found, `no component ${name}`);
  return found;
}

test("node software, platform services and built apps run in containers; command-only apps on the host", () => {
  const plan = dockerPlan();
  const where = Object.fromEntries(plan.components.map((c) => [c.name, runsInContainer(c)]));
  assert.deepEqual(where, { eth: true, gateway: true, ipfs: true, web: false, api: true });
});

test("a geth devnet container: host network, labels, its named volume, genesis mounted read-only, not root", () => {
  const plan = dockerPlan();
  const eth = component(plan, "eth");
  const identity = dockerStackIdentity(plan.stack, "/home/dev/stacks/one");
  const spec = containerSpec(eth, {
    identity,
    image: "ethereum/client-go:v1.16.7",
    secrets: plan.secrets,
    hostFiles: new Map([["genesis.json", "/state/files/eth/genesis.json"]]),
    hostSecrets: new Map([["eth-jwt/jwt.hex", "/state/docker/secrets/eth/eth-jwt/jwt.hex"]]),
    secretValue: () => "never-used",
    user: "10001:10001",
  });
  assert.equal(spec.HostConfig?.NetworkMode, "host");
  assert.deepEqual(spec.HostConfig?.RestartPolicy, { Name: "no" }, "the supervisor restarts");
  assert.equal(spec.User, "10001:10001");
  assert.equal(spec.Labels?.["dev.cryptokube.stack"], "spec-test");
  assert.equal(spec.Labels?.["dev.cryptokube.component"], "eth");
  assert.equal(spec.Labels?.[LABEL_STACK_DIR], identity.dirHash);
  assert.deepEqual(spec.Entrypoint, ["sh"]);
  const script = spec.Cmd?.[1] ?? "";
  assert.equal(spec.Cmd?.[0], "-c");
  assert.match(
    script,
    /^geth init --datadir '\/data' '\/cryptokube\/files\/genesis\.json' && exec geth --dev /,
  );
  assert.doesNotMatch(script, /\{\{/, "every token resolved");
  assert.ok(
    spec.HostConfig?.Mounts?.some(
      (mount) =>
        mount.Type === "volume" &&
        mount.Source === identity.volumeName("eth", "data") &&
        mount.Target === "/data",
    ),
  );
  assert.ok(
    spec.HostConfig?.Mounts?.some(
      (mount) =>
        mount.Type === "bind" &&
        mount.Source === "/state/files/eth/genesis.json" &&
        mount.Target === `${FILES_DIR_IN_CONTAINER}/genesis.json` &&
        mount.ReadOnly === true,
    ),
  );
  assert.ok(
    spec.HostConfig?.Mounts?.some(
      (mount) =>
        mount.Target === `${SECRETS_DIR_IN_CONTAINER}/eth-jwt/jwt.hex` && mount.ReadOnly === true,
    ),
  );
});

test("the gateway runs from the platform image chosen by its first argument; apps get their plan env", () => {
  const plan = dockerPlan();
  const identity = dockerStackIdentity(plan.stack, "/tmp/x");
  const base = {
    identity,
    secrets: plan.secrets,
    hostFiles: new Map<string, string>(),
    hostSecrets: new Map<string, string>(),
    secretValue: () => "",
    user: undefined,
  };
  const gateway = containerSpec(component(plan, "gateway"), {
    ...base,
    image: "cryptokube/platform:0.1.0",
  });
  assert.equal(gateway.Entrypoint, undefined, "the image's entrypoint is kept");
  assert.equal(gateway.Cmd?.[0], "gateway");
  assert.equal(gateway.User, undefined);
  const api = containerSpec(component(plan, "api"), { ...base, image: "spec-test-api:dev" });
  assert.equal(api.Cmd, undefined, "a built app runs what its image runs");
  assert.ok(
    api.Env?.some((entry) => /^RPC=http:\/\/127\.0\.0\.1:\d+/.test(entry)),
    "resolved reference",
  );
  assert.ok(api.Env?.includes("CRYPTOKUBE_COMPONENT=api"));
});

test("two stacks with one name in two directories get different containers and volumes", () => {
  const a = dockerStackIdentity("hello", "/home/a/hello");
  const b = dockerStackIdentity("hello", "/home/b/hello");
  assert.notEqual(a.containerName("eth"), b.containerName("eth"));
  assert.notEqual(a.volumeName("eth", "data"), b.volumeName("eth", "data"));
  assert.notDeepEqual(a.filters(), b.filters());
  assert.match(a.containerName("eth"), /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/);
});

test("a container's exit status 128+n reads as death by signal n", () => {
  assert.deepEqual(exitOf(137), { code: null, signal: "SIGKILL" });
  assert.deepEqual(exitOf(143), { code: null, signal: "SIGTERM" });
  assert.deepEqual(exitOf(0), { code: 0, signal: null });
  assert.deepEqual(exitOf(2), { code: 2, signal: null });
});
