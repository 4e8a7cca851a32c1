import { runServiceMain } from "@cryptokube/core/service-main";
import { parseIndexerConfigJson } from "./config/parse-config.ts";
import { openDatabase } from "./db/open-database.ts";

await runServiceMain({
  name: "indexer",
  async create(text, source, logger) {
    const config = parseIndexerConfigJson(text, source);
    // PGlite opens in its worker thread while this one loads the rest of the indexer (the
    // chain client, ABI decoding, the API), which took as long as the open itself.
    const database = config.database.kind === "pglite" ? openDatabase(config.database) : undefined;
    database?.catch(() => {}); // start() awaits it and reports a failure as "cannot start"
    try {
      const { createIndexer } = await import("./create-indexer.ts");
      return createIndexer(config, { logger, ...(database === undefined ? {} : { database }) });
    } catch (error) {
      await database?.then((db) => db.close()).catch(() => {});
      throw error;
    }
  },
  start: (indexer) => indexer.start(),
});
