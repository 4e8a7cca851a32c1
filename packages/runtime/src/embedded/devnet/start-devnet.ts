import { CryptoKubeError } from "@cryptokube/core";
import { type DevnetAccount, deriveAccounts, etherToWei } from "@cryptokube/core/eth";
import { httpUrl } from "../listen-http.ts";
import { createSilentLogger } from "../logger.ts";
import { type ChainJournal, openChainJournal, replayChainHistory } from "./chain-journal.ts";
import { createEdrChain, edrHardfork } from "./edr-chain.ts";
import { DevnetRpcError } from "./errors.ts";
import { createIntervalMiner } from "./interval-miner.ts";
import { type DevnetOptions, resolveDevnetOptions } from "./options.ts";
import { createRpcHandler } from "./rpc-handler.ts";
import { startRpcServer } from "./rpc-server.ts";
import { createSubscriptionRouter } from "./subscription-router.ts";

export interface Devnet {
  /** http://host:port */
  url: string;
  /** ws://host:port */
  wsUrl: string;
  chainId: number;
  accounts: DevnetAccount[];
  /** In-process JSON-RPC call; resolves to the result or throws DevnetRpcError. */
  request(method: string, params?: unknown[]): Promise<unknown>;
  /** Stops serving, waits for pending state changes to be journaled. Idempotent. */
  close(): Promise<void>;
}

/** Starts an in-process Ethereum devnet (EDR) serving JSON-RPC over HTTP and WebSocket. */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const resolved = resolveDevnetOptions(options);
  const logger = options.logger ?? createSilentLogger();
  const accounts = deriveAccounts(resolved.mnemonic, resolved.accounts);
  const router = createSubscriptionRouter();

  let journal: ChainJournal | undefined;
  if (resolved.stateDir !== undefined) {
    journal = openChainJournal({
      stateDir: resolved.stateDir,
      fresh: resolved.fresh,
      genesis: {
        chainId: resolved.chainId,
        hardfork: edrHardfork(),
        balanceWei: etherToWei(resolved.balanceEth),
        addresses: accounts.map((account) => account.address),
      },
      genesisTime: resolved.genesisTime,
      logger,
    });
  }

  try {
    const chain = await createEdrChain({
      chainId: resolved.chainId,
      accounts,
      balanceEth: resolved.balanceEth,
      autoMine: resolved.blockTime === 0,
      genesisTime: journal?.genesisTime ?? resolved.genesisTime,
      onSubscriptionEvent: (event) => router.dispatch(event),
    });
    const autoMine = resolved.blockTime === 0;
    if (journal !== undefined && journal.history.length > 0) {
      const started = performance.now();
      await replayChainHistory(chain, journal.history, logger);
      await chain.call("evm_setAutomine", [autoMine]);
      logger.info(
        { records: journal.history.length, ms: Math.round(performance.now() - started) },
        "devnet state restored from journal",
      );
    }
    journal?.record({ kind: "session", autoMine, at: Math.floor(Date.now() / 1000) });

    // The miner and the handler need each other: the miner mines through the handler.
    const miner = createIntervalMiner({
      mine: async () => {
        await handler.call("evm_mine", [], {});
      },
      logger,
    });
    const handler = createRpcHandler({ chain, journal, router, miner, logger });
    const server = await startRpcServer({
      host: resolved.host,
      port: resolved.port,
      handler,
      logger,
    });
    miner.setInterval(resolved.blockTime * 1000);

    let closing: Promise<void> | undefined;
    const devnet: Devnet = {
      url: httpUrl("http", resolved.host, server.port),
      wsUrl: httpUrl("ws", resolved.host, server.port),
      chainId: resolved.chainId,
      accounts,
      async request(method, params = []) {
        if (closing !== undefined) {
          throw new CryptoKubeError(`devnet is closed; cannot call ${method}`, {
            code: "DEVNET_CLOSED",
            hint: "start a new devnet with startDevnet()",
          });
        }
        const outcome = await handler.call(method, params, {});
        if ("error" in outcome) throw new DevnetRpcError(method, outcome.error);
        return outcome.result;
      },
      close() {
        closing ??= (async () => {
          miner.stop();
          await server.close();
          await handler.drain();
          journal?.close();
          logger.info({ url: devnet.url }, "devnet stopped");
        })();
        return closing;
      },
    };
    logger.info(
      { url: devnet.url, chainId: devnet.chainId, hardfork: edrHardfork() },
      "devnet listening",
    );
    return devnet;
  } catch (error) {
    journal?.close();
    throw error;
  }
}
