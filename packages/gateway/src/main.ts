import { runServiceMain } from "@cryptokube/core/service-main";
import { parseGatewayConfigJson } from "./config/parse-config.ts";
import { createGateway } from "./create-gateway.ts";

await runServiceMain({
  name: "gateway",
  create: (text, source, logger) => createGateway(parseGatewayConfigJson(text, source), { logger }),
  start: (gateway) => gateway.listen(),
});
