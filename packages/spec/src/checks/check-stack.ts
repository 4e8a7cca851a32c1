/**
 * Cross-field checks. They read the raw data defensively (only values of the
 * right shape are checked) so they run alongside schema validation and report
 * everything in one pass.
 */
import type { Problem } from "../problem.ts";
import { checkApps } from "./check-apps.ts";
import { checkChains } from "./check-chains.ts";
import { checkDependencies } from "./check-dependencies.ts";
import { checkReferences } from "./check-references.ts";
import { checkServices } from "./check-services.ts";
import { asRecord } from "./raw.ts";

export function checkStack(data: unknown): Problem[] {
  const stack = asRecord(data);
  if (stack === undefined) return [];
  return [
    ...checkChains(stack),
    ...checkServices(stack),
    ...checkApps(stack),
    ...checkDependencies(stack),
    ...checkReferences(stack),
  ];
}
