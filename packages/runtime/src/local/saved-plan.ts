/**
 * The plan a running stack was started with, saved as `.cryptokube/plan.json`:
 * `status`, `logs` and `down` work from it even when the stack file has since
 * changed (or is broken).
 */
import { readFileSync } from "node:fs";
import type { Plan } from "@cryptokube/plan/types";
import { stateLayout } from "./state-layout.ts";

export function readSavedPlan(stackDir: string, warnings: string[]): Plan | undefined {
  const file = stateLayout(stackDir).planFile;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const plan = JSON.parse(text) as Plan;
    if (!Array.isArray(plan.components)) throw new Error("no components");
    return plan;
  } catch (error) {
    warnings.push(`${file} is malformed (${(error as Error).message}); ignoring it`);
    return undefined;
  }
}
