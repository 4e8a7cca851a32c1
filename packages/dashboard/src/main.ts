import { runServiceMain } from "@cryptokube/core/service-main";
import { parseDashboardConfigJson } from "./config/parse-config.ts";
import { createDashboard } from "./create-dashboard.ts";

await runServiceMain({
  name: "dashboard",
  create: (text, source, logger) => {
    const componentName = process.env.CRYPTOKUBE_COMPONENT;
    return createDashboard(parseDashboardConfigJson(text, source), {
      logger,
      ...(componentName === undefined ? {} : { componentName }),
    });
  },
  start: (dashboard) => dashboard.listen(),
});
