import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { test } from "node:test";
import { CryptoKubeError } from "@cryptokube/core";
import { createSupervisor, isPortFree, readStackState, stateLayout } from "@cryptokube/runtime";
import { freePort, httpComponent, makePlan, tempStackDir } from "./fixtures/local-stack.ts";

test("a port already in use fails the start before anything runs, naming the port and its endpoint", async (t) => {
  const stackDir = tempStackDir(t);
  const [freeOne, taken] = [await freePort(), await freePort()];
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(taken, "127.0.0.1", resolve));
  t.after(() => blocker.close());
  const supervisor = createSupervisor({
    plan: makePlan([
      httpComponent("web", { port: freeOne }),
      httpComponent("eth", { port: taken }),
    ]),
    stackDir,
  });
  await assert.rejects(supervisor.start(), (error: unknown) => {
    assert.ok(error instanceof CryptoKubeError);
    assert.equal(error.code, "PORT_IN_USE");
    assert.equal(error.message, `port ${taken} (eth.http) is already in use; nothing was started`);
    assert.match(error.hint ?? "", new RegExp(`sport = :${taken}`));
    return true;
  });
  // Nothing started: no component log, no state, the other port untouched.
  assert.equal(existsSync(stateLayout(stackDir).logFile("web")), false);
  assert.equal(readStackState(stackDir).state, undefined);
  assert.equal(await isPortFree(freeOne), true);
});
