/**
 * Requests → limits: CPU may burst to twice the request; memory is capped at
 * the request (an OOM kill is easier to read than node pressure).
 */
import type { Resources } from "@cryptokube/plan/types";
import type { ResourceDefaults } from "./types.ts";

/** Normalise a CPU quantity (number of cores or "500m") to a Kubernetes string. */
export function cpuQuantity(value: string | number): string {
  return typeof value === "number" ? String(value) : value;
}

/** Twice a CPU quantity, in the same unit ("500m" → "1000m", "2" → "4", "0.5" → "1"). */
export function doubleCpu(cpu: string): string {
  const milli = cpu.endsWith("m");
  const n = Number(milli ? cpu.slice(0, -1) : cpu);
  const doubled = Number((n * 2).toFixed(3));
  return milli ? `${doubled}m` : String(doubled);
}

export function limitsFor(requests: ResourceDefaults): Resources["limits"] {
  return { cpu: doubleCpu(requests.cpu), memory: requests.memory };
}

/** Catalog defaults, overridden field by field by the stack's `resources`. */
export function resolveResources(
  defaults: ResourceDefaults,
  override: { cpu?: string | number | undefined; memory?: string | undefined } | undefined,
): Resources {
  const requests = {
    cpu: override?.cpu === undefined ? defaults.cpu : cpuQuantity(override.cpu),
    memory: override?.memory ?? defaults.memory,
  };
  return { requests, limits: limitsFor(requests) };
}
