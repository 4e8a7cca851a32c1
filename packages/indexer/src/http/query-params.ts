import { badRequest } from "./http-error.ts";

export function intParam(
  params: URLSearchParams,
  name: string,
  options: { min: number; max: number; fallback?: number },
): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return options.fallback;
  if (!/^\d+$/.test(raw)) throw badRequest(`${name}: expected a whole number, got '${raw}'`);
  const value = Number(raw);
  if (value < options.min || value > options.max) {
    throw badRequest(`${name}: expected ${options.min} to ${options.max}, got ${value}`);
  }
  return value;
}

export function addressParam(raw: string, name: string): string {
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw)) {
    throw badRequest(`${name}: expected a 0x address of 40 hex digits, got '${raw}'`);
  }
  return raw.toLowerCase();
}
