/**
 * The connections a stack needs, read from the plan itself: every cluster DNS
 * name (`<component>.<namespace>.svc[.cluster.local][:port]`) a component is given
 * in its args, env or settings is a flow from it to that component, on that port
 * (or on every non-p2p port when the reference names none, like PGHOST).
 * dependsOn alone opens nothing: it orders start-up, the references carry traffic.
 */
import type { Component } from "@cryptokube/plan/types";
import { componentPorts } from "./ports.ts";
import type { RenderContext } from "./render-context.ts";

export interface Flow {
  from: string;
  to: string;
  /** Container ports on `to`, ascending. */
  ports: number[];
}

function strings(value: unknown, out: string[]): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === "object")
    for (const v of Object.values(value)) strings(v, out);
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function planFlows(ctx: RenderContext): Flow[] {
  const pattern = new RegExp(
    `(?<![a-z0-9-])([a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\\.${escapeRegExp(ctx.namespace)}\\.svc(?:\\.cluster\\.local)?(?::(\\d+))?`,
    "g",
  );
  const flows: Flow[] = [];
  for (const component of ctx.plan.components) {
    const texts = strings([component.run, component.env, component.settings], []);
    const wanted = new Map<string, Set<number>>();
    for (const text of texts) {
      for (const match of text.matchAll(pattern)) {
        const target = serverOf(ctx, match[1] ?? "");
        if (target === undefined || target.name === component.name) continue;
        const ports = wanted.get(target.name) ?? new Set<number>();
        wanted.set(target.name, ports);
        const tcp = componentPorts(target).filter((p) => p.protocol === "TCP");
        const port = match[2] === undefined ? undefined : Number(match[2]);
        const matching = tcp.filter((p) => (port === undefined ? !p.p2p : p.port === port));
        for (const p of matching) ports.add(p.port);
      }
    }
    for (const [to, ports] of wanted) {
      if (ports.size === 0) continue;
      flows.push({ from: component.name, to, ports: [...ports].sort((a, b) => a - b) });
    }
  }
  return flows;
}

/** `eth` and `eth-headless` both name the eth component. */
function serverOf(ctx: RenderContext, host: string): Component | undefined {
  return ctx.component(host) ?? ctx.component(host.replace(/-headless$/, ""));
}
