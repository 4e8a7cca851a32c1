/** Per-app rules the schema cannot express: something to run, a declared health port, sane autoscaling. */
import { oneOf } from "../describe-value.ts";
import { didYouMean } from "../did-you-mean.ts";
import type { PathSegment } from "../path.ts";
import type { Problem } from "../problem.ts";
import { asRecord, entriesOf, type RawRecord } from "./raw.ts";

export function checkApps(stack: RawRecord): Problem[] {
  const problems: Problem[] = [];
  for (const [name, value] of entriesOf(stack.apps)) {
    const app = asRecord(value);
    if (app === undefined) continue;
    if (!("command" in app || "image" in app || "build" in app)) {
      problems.push({
        path: ["apps", name],
        at: "key",
        message: `app '${name}' has nothing to run`,
        expected: "one of: command, image, build",
        found: "none of them",
        suggestion: "add 'command:' to run a local process, or 'image:' / 'build:' for a container",
      });
    }
    const port = asRecord(app.health)?.port;
    if (typeof port === "string") {
      const ports = entriesOf(app.ports).map(([portName]) => portName);
      if (!ports.includes(port)) {
        problems.push({
          path: ["apps", name, "health", "port"],
          message:
            ports.length > 0
              ? `refers to port '${port}', which app '${name}' does not declare under ports`
              : `refers to port '${port}', but app '${name}' declares no ports`,
          expected: ports.length > 0 ? oneOf(ports) : "a port declared under ports",
          found: port,
          suggestion: didYouMean(port, ports),
        });
      }
    }
    problems.push(...checkAutoscaling(["apps", name, "autoscaling"], app.autoscaling));
  }
  const services = asRecord(stack.services);
  for (const service of ["gateway", "dashboard"]) {
    const autoscaling = asRecord(services?.[service])?.autoscaling;
    problems.push(...checkAutoscaling(["services", service, "autoscaling"], autoscaling));
  }
  return problems;
}

function checkAutoscaling(path: PathSegment[], value: unknown): Problem[] {
  const { min, max } = asRecord(value) ?? {};
  if (typeof min !== "number" || typeof max !== "number" || min <= max) return [];
  return [
    {
      path: [...path, "max"],
      message: `max (${max}) is less than min (${min})`,
      expected: `a number of at least ${min}`,
      found: String(max),
      suggestion: "raise max or lower min",
    },
  ];
}
