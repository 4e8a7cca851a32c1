import { runServiceMain } from "@cryptokube/core/service-main";
import { parseIndexerConfigJson } from "./config/parse-config.ts";
import { createIndexer } from "./create-indexer.ts";

await runServiceMain({
  name: "indexer",
  create: (text, source, logger) => createIndexer(parseIndexerConfigJson(text, source), { logger }),
  start: (indexer) => indexer.start(),
});
