import { CryptoKubeError } from "@cryptokube/core";
import type { Logger } from "pino";
import type { Database } from "../db/database.ts";
import type { WriteLock } from "../store/write-lock.ts";
import type { ContractRegistry, RegisteredContract } from "./contract-registry.ts";
import { AbiError, parseAbi } from "./parse-abi.ts";

export interface ContractInput {
  name: unknown;
  address: unknown;
  abi: unknown;
}

export interface ContractService {
  /** Loads the contracts registered in earlier runs. */
  load(): Promise<void>;
  /**
   * Validates, stores and applies a registration, then decodes the already-indexed logs of
   * that address. Throws AbiError (or a CryptoKubeError) naming the bad field; nothing changes then.
   * Registering the same name and ABI again is a no-op.
   */
  register(input: ContractInput, source: string, where?: string): Promise<RegisteredContract>;
}

const REDECODE_PAGE = 2_000;

export function createContractService(ctx: {
  db: Database;
  registry: ContractRegistry;
  writeLock: WriteLock;
  logger: Logger;
}): ContractService {
  const { db, registry, writeLock, logger } = ctx;

  async function redecode(address: string): Promise<number> {
    let after = { block: -1, index: -1 };
    let decoded = 0;
    for (;;) {
      const rows = await db.query<{
        block_number: unknown;
        log_index: number;
        topic0: string | null;
        topic1: string | null;
        topic2: string | null;
        topic3: string | null;
        data: string;
      }>(
        `SELECT block_number, log_index, topic0, topic1, topic2, topic3, data FROM logs
         WHERE address = $1 AND (block_number, log_index) > ($2, $3)
         ORDER BY block_number, log_index LIMIT ${REDECODE_PAGE}`,
        [address, after.block, after.index],
      );
      if (rows.length === 0) return decoded;
      const updates = rows.map((row) => {
        const topics = [row.topic0, row.topic1, row.topic2, row.topic3].filter(
          (t): t is string => t !== null,
        );
        const event = registry.decodeLog({ address, topics, data: row.data });
        if (event !== undefined) decoded++;
        return {
          block_number: Number(row.block_number),
          log_index: row.log_index,
          contract: event?.contract ?? null,
          event: event?.event ?? null,
          args: event === undefined ? null : JSON.parse(event.argsJson),
        };
      });
      await db.query(
        `UPDATE logs SET contract = u.contract, event = u.event, args = u.args
         FROM json_to_recordset($1::json) AS u(block_number bigint, log_index integer,
           contract text, event text, args jsonb)
         WHERE logs.block_number = u.block_number AND logs.log_index = u.log_index`,
        [JSON.stringify(updates)],
      );
      const last = rows[rows.length - 1]!;
      after = { block: Number(last.block_number), index: last.log_index };
    }
  }

  return {
    async load() {
      const rows = await db.query<{ address: string; name: string; abi: unknown; source: string }>(
        "SELECT address, name, abi, source FROM contracts",
      );
      for (const row of rows) {
        try {
          registry.set({ ...row, abi: parseAbi(row.abi, `contracts[${row.address}]`) });
        } catch (error) {
          logger.error({ err: error, address: row.address }, "stored ABI no longer valid; skipped");
        }
      }
    },
    async register(input, source, where = "body") {
      const name = input.name;
      if (typeof name !== "string" || name.trim() === "") {
        throw new AbiError(`${where}.name: expected a non-empty string`, "name the contract");
      }
      const address = input.address;
      if (typeof address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(address)) {
        throw new AbiError(
          `${where}.address: expected a 0x address of 40 hex digits`,
          "give the deployed contract's address",
        );
      }
      if (input.abi === undefined) throw new AbiError(`${where}.abi: missing`);
      const abi = parseAbi(input.abi, `${where}.abi`);
      const contract: RegisteredContract = {
        address: address.toLowerCase(),
        name: name.trim(),
        abi,
        source,
      };
      const existing = registry.get(contract.address);
      if (
        existing !== undefined &&
        existing.name === contract.name &&
        JSON.stringify(existing.abi) === JSON.stringify(abi)
      ) {
        return existing;
      }
      return writeLock.run(async () => {
        try {
          await db.query(
            `INSERT INTO contracts (address, name, abi, source) VALUES ($1, $2, $3::jsonb, $4)
             ON CONFLICT (address) DO UPDATE SET name = EXCLUDED.name, abi = EXCLUDED.abi,
               source = EXCLUDED.source, registered_at = now()`,
            [contract.address, contract.name, JSON.stringify(abi), source],
          );
        } catch (error) {
          throw new CryptoKubeError(`cannot store contract ${contract.address}`, {
            code: "INDEXER_DB_WRITE",
            retryable: true,
            cause: error,
          });
        }
        registry.set(contract);
        const decoded = await redecode(contract.address);
        logger.info(
          { name: contract.name, address: contract.address, source, decoded },
          "contract registered",
        );
        return contract;
      });
    },
  };
}
