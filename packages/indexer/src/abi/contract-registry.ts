import {
  type Abi,
  type AbiEvent,
  type AbiFunction,
  decodeEventLog,
  decodeFunctionData,
  type Hex,
  toEventSelector,
  toFunctionSelector,
} from "viem";
import { compileStaticEventDecoder, type StaticEventDecoder } from "./decode-static-event.ts";
import { namedArgs } from "./json-value.ts";

export interface RegisteredContract {
  address: string;
  name: string;
  abi: Abi;
  source: string;
}

export interface DecodedEvent {
  contract: string;
  event: string;
  /** The named arguments as JSON text: what the logs table stores. */
  argsJson: string;
}

export interface DecodedInput {
  contract: string;
  function: string;
  args: Record<string, unknown>;
}

interface CompiledEvent {
  event: AbiEvent;
  fast: StaticEventDecoder | undefined;
}

interface Entry extends RegisteredContract {
  /** Events by topic0; several when overloads share a selector differing in `indexed`. */
  events: Map<string, CompiledEvent[]>;
}

/** In-memory view of the registered contracts: decodes logs and calls for known addresses. */
export interface ContractRegistry {
  get(address: string): RegisteredContract | undefined;
  list(): RegisteredContract[];
  set(contract: RegisteredContract): void;
  /** Decoded event, or undefined for unknown addresses and unknown event signatures. */
  decodeLog(log: { address: string; topics: string[]; data: string }): DecodedEvent | undefined;
  decodeInput(to: string | null, input: string): DecodedInput | undefined;
}

export function createContractRegistry(): ContractRegistry {
  const entries = new Map<string, Entry>();
  return {
    get: (address) => strip(entries.get(address.toLowerCase())),
    list: () => [...entries.values()].map((entry) => strip(entry)!),
    set(contract) {
      const events = new Map<string, CompiledEvent[]>();
      for (const item of contract.abi) {
        if (item.type !== "event" || item.anonymous === true) continue;
        const selector = toEventSelector(item).toLowerCase();
        const compiled = { event: item, fast: compileStaticEventDecoder(item) };
        events.set(selector, [...(events.get(selector) ?? []), compiled]);
      }
      const address = contract.address.toLowerCase();
      entries.set(address, { ...contract, address, events });
    },
    decodeLog(log) {
      const entry = entries.get(log.address);
      const topic0 = log.topics[0];
      if (entry === undefined || topic0 === undefined) return undefined;
      for (const { event, fast } of entry.events.get(topic0) ?? []) {
        try {
          if (fast !== undefined) {
            return {
              contract: entry.name,
              event: event.name,
              argsJson: fast(log.topics, log.data),
            };
          }
          const decoded = decodeEventLog({
            abi: [event],
            topics: log.topics as [Hex, ...Hex[]],
            data: log.data as Hex,
            strict: true,
          });
          return {
            contract: entry.name,
            event: event.name,
            argsJson: JSON.stringify(namedArgs(event.inputs, decoded.args)),
          };
        } catch {
          // Same selector but another indexed layout (or garbage data): try the next one.
        }
      }
      return undefined;
    },
    decodeInput(to, input) {
      if (to === null || input.length < 10) return undefined;
      const entry = entries.get(to);
      if (entry === undefined) return undefined;
      try {
        const decoded = decodeFunctionData({ abi: entry.abi, data: input as Hex });
        // Overloads share a name: pick the item by selector.
        const selector = input.slice(0, 10);
        const fn = entry.abi.find(
          (item): item is AbiFunction =>
            item.type === "function" && toFunctionSelector(item) === selector,
        );
        return {
          contract: entry.name,
          function: decoded.functionName,
          args: namedArgs(fn?.inputs ?? [], decoded.args ?? []),
        };
      } catch {
        return undefined;
      }
    },
  };
}

function strip(entry: Entry | undefined): RegisteredContract | undefined {
  if (entry === undefined) return undefined;
  return { address: entry.address, name: entry.name, abi: entry.abi, source: entry.source };
}
