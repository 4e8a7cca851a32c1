/**
 * Images of the docker target. Nothing is pulled (the machines this runs on may
 * have no registry access): images the plan names must already be in the local
 * engine, and apps with `build:` are built by the engine from their context.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { CryptoKubeError } from "@cryptokube/core";
import type { Component } from "@cryptokube/plan/types";
import type Docker from "dockerode";
import { isNotFound } from "./docker-client.ts";

export interface ImageFacts {
  /** The user the image's config runs as ("" = root). */
  user: string;
}

export type BuildSpec = { context: string; dockerfile: string };

export function buildOf(component: Component): BuildSpec | undefined {
  const run = component.run;
  return run.type === "command" || run.type === "image" ? run.build : undefined;
}

export function imageOf(component: Component): string | undefined {
  const run = component.run;
  return run.type === "command" ? run.image : run.image;
}

/** Inspects every image; throws IMAGE_NOT_FOUND naming all that are missing. */
export async function inspectImages(
  docker: Docker,
  wanted: { component: string; image: string }[],
): Promise<Map<string, ImageFacts>> {
  const facts = new Map<string, ImageFacts>();
  const missing: { component: string; image: string }[] = [];
  for (const entry of wanted) {
    if (facts.has(entry.image)) continue;
    try {
      const info = await docker.getImage(entry.image).inspect();
      facts.set(entry.image, { user: info.Config?.User ?? "" });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      missing.push(entry);
    }
  }
  if (missing.length > 0) {
    const list = missing.map((entry) => `'${entry.image}' (${entry.component})`).join(", ");
    throw new CryptoKubeError(`the local Docker engine has no image ${list}; nothing was started`, {
      code: "IMAGE_NOT_FOUND",
      hint: "the docker target never pulls: build the local images with `bash scripts/fixtures/images.sh` (this repository), or `docker pull`/`docker load` them; or run the stack with --target process",
    });
  }
  return facts;
}

/** Checks a build context before anything starts. */
export function assertBuildContext(component: Component, build: BuildSpec, stackDir: string): void {
  const context = resolve(stackDir, build.context);
  const dockerfile = join(context, build.dockerfile);
  if (!existsSync(dockerfile)) {
    throw new CryptoKubeError(
      `${component.name}: no ${build.dockerfile} in the build context ${context}; nothing was started`,
      {
        code: "BUILD_CONTEXT_INVALID",
        hint: `fix build: of ${component.source} in the stack file`,
      },
    );
  }
}

/** Builds an image from its context (honouring .dockerignore); engine output goes to `onLine`. */
export async function buildImage(
  docker: Docker,
  component: Component,
  build: BuildSpec,
  tag: string,
  stackDir: string,
  onLine: (text: string) => void,
): Promise<void> {
  const context = resolve(stackDir, build.context);
  // The stack's own state never belongs in an image.
  const src = readdirSync(context).filter((entry) => entry !== ".cryptokube");
  const stream = await docker.buildImage(
    { context, src },
    { t: tag, dockerfile: build.dockerfile },
  );
  const failure = await new Promise<string | undefined>((resolveBuild) => {
    let error: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null) => resolveBuild(err === null ? error : (error ?? err.message)),
      (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.error !== undefined) error = event.errorDetail?.message ?? event.error;
        for (const line of (event.stream ?? "").split("\n")) if (line.trim() !== "") onLine(line);
      },
    );
  });
  if (failure !== undefined) {
    throw new CryptoKubeError(`${component.name}: building the image ${tag} failed: ${failure}`, {
      code: "IMAGE_BUILD_FAILED",
      hint: `see the build output with \`cryptokube logs supervisor\`; fix ${join(context, build.dockerfile)}`,
    });
  }
}
