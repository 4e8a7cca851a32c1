import { CryptoKubeError } from "@cryptokube/core";
import { keccak256, toBytes } from "viem";

/** What a subscription matches; every given part must match (topics positionally, like eth_getLogs). */
export interface EventFilter {
  address?: string[];
  /** Per position: one topic, any of several, or null for any. */
  topics?: Array<string | string[] | null>;
  /** A decoded event name (`Transfer`) or a signature (`Transfer(address,address,uint256)`). */
  event?: string;
}

export interface MatchableLog {
  address: string;
  topics: string[];
  event: string | null;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const TOPIC = /^0x[0-9a-fA-F]{64}$/;

/** Validates a filter from an API body; the error names the field. */
export function parseEventFilter(value: unknown, where = "filter"): EventFilter {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw bad(`${where}: expected an object`);
  const input = value as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!["address", "topics", "event"].includes(key)) {
      throw bad(`${where}.${key}: unknown field; use address, topics or event`);
    }
  }
  const filter: EventFilter = {};
  if (input.address !== undefined) {
    const list = Array.isArray(input.address) ? input.address : [input.address];
    filter.address = list.map((a, i) => {
      if (typeof a !== "string" || !ADDRESS.test(a)) {
        throw bad(
          `${where}.address${Array.isArray(input.address) ? `[${i}]` : ""}: expected a 0x address`,
        );
      }
      return a.toLowerCase();
    });
  }
  if (input.topics !== undefined) {
    if (!Array.isArray(input.topics) || input.topics.length > 4) {
      throw bad(`${where}.topics: expected an array of at most 4 entries`);
    }
    filter.topics = input.topics.map((t, i) => {
      if (t === null) return null;
      const check = (topic: unknown) => {
        if (typeof topic !== "string" || !TOPIC.test(topic)) {
          throw bad(
            `${where}.topics[${i}]: expected a 32-byte 0x hex topic, an array of them or null`,
          );
        }
        return topic.toLowerCase();
      };
      return Array.isArray(t) ? t.map(check) : check(t);
    });
  }
  if (input.event !== undefined) {
    if (
      typeof input.event !== "string" ||
      !/^[A-Za-z_$][A-Za-z0-9_$]*(\(.*\))?$/.test(input.event)
    ) {
      throw bad(
        `${where}.event: expected an event name or signature such as Transfer(address,address,uint256)`,
      );
    }
    filter.event = input.event;
  }
  return filter;
}

/** A compiled matcher for a filter. */
export function compileEventFilter(filter: EventFilter): (log: MatchableLog) => boolean {
  const addresses = filter.address === undefined ? undefined : new Set(filter.address);
  const signatureTopic =
    filter.event?.includes("(") === true
      ? keccak256(toBytes(filter.event.replace(/\s+/g, "")))
      : undefined;
  return (log) => {
    if (addresses !== undefined && !addresses.has(log.address)) return false;
    if (filter.topics !== undefined) {
      for (const [i, wanted] of filter.topics.entries()) {
        if (wanted === null) continue;
        const topic = log.topics[i];
        if (topic === undefined) return false;
        if (Array.isArray(wanted) ? !wanted.includes(topic) : wanted !== topic) return false;
      }
    }
    if (filter.event !== undefined) {
      if (signatureTopic !== undefined) return log.topics[0] === signatureTopic;
      return log.event === filter.event;
    }
    return true;
  };
}

function bad(message: string): CryptoKubeError {
  return new CryptoKubeError(message, {
    code: "INDEXER_BAD_REQUEST",
    hint: 'e.g. {"url":"http://127.0.0.1:9000/hook","filter":{"address":"0x…","event":"Transfer"}}',
  });
}
