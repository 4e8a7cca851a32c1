import type { EmbeddedLogger } from "../logger.ts";

export interface IntervalMiner {
  /** 0 stops interval mining. */
  setInterval(milliseconds: number): void;
  stop(): void;
}

/**
 * Mines a block every interval by calling `mine`. The devnet mines through its own
 * request path instead of EDR's built-in interval mining so that every block goes
 * through the journal (and is reproduced after a restart).
 */
export function createIntervalMiner(options: {
  mine: () => Promise<void>;
  logger: EmbeddedLogger;
}): IntervalMiner {
  let timer: NodeJS.Timeout | undefined;
  let mining = false;

  const tick = async (): Promise<void> => {
    if (mining) return; // a slow block must not pile up behind itself
    mining = true;
    try {
      await options.mine();
    } catch (error) {
      options.logger.error({ err: error }, "devnet interval mining failed");
    } finally {
      mining = false;
    }
  };

  const stop = (): void => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  return {
    setInterval(milliseconds) {
      stop();
      if (milliseconds > 0) timer = setInterval(() => void tick(), milliseconds);
    },
    stop,
  };
}
