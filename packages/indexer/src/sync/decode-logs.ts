import type { ContractRegistry } from "../abi/contract-registry.ts";
import type { BlockData } from "../chain/block-data.ts";
import { logTopics } from "../chain/block-data.ts";

/** Fills contract/event/args of the logs whose emitter and event the registry knows. */
export function decodeLogs(batch: BlockData[], registry: ContractRegistry): number {
  let decoded = 0;
  for (const item of batch) {
    for (const log of item.logs) {
      const event = registry.decodeLog({
        address: log.address,
        topics: logTopics(log),
        data: log.data,
      });
      if (event === undefined) continue;
      log.contract = event.contract;
      log.event = event.event;
      log.args = event.argsJson;
      decoded++;
    }
  }
  return decoded;
}
