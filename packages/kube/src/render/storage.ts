/** Storage size and class of a component's volumes, with the render options' overrides. */
import type { Component, Volume } from "@cryptokube/plan/types";
import type { RenderContext } from "./render-context.ts";

export function volumeSize(ctx: RenderContext, component: Component, volume: Volume): string {
  const sizes = ctx.options.storageSize ?? {};
  return sizes[`${component.name}/${volume.name}`] ?? sizes[component.name] ?? volume.size;
}

export function volumeClass(ctx: RenderContext, volume: Volume): string | undefined {
  return ctx.options.storageClass ?? volume.storageClass;
}
