/**
 * Plan tokens that only a target can fill in: `{{volume:NAME}}` becomes the
 * component's volume directory, `{{secret:NAME/KEY}}` the secret's file path,
 * `{{file:NAME}}` the path of the file holding `settings.files[NAME]`, and
 * `$(ENV_NAME)` the value of one of the component's own env variables. Where
 * those paths are depends on the target (host paths for processes, mount paths
 * inside a container), so the caller says.
 */
import { CryptoKubeError } from "@cryptokube/core";
import type { Component, SecretDecl } from "@cryptokube/plan/types";
import { stateLayout } from "./state-layout.ts";

const TOKEN = /\{\{(volume|secret|file):([^}]*)\}\}/g;
/**
 * Kubernetes-style `$(NAME)`. Only names of the component's own plain env values
 * are replaced; anything else (a shell's `$(command)` in a script) is left alone.
 */
const ENV_TOKEN = /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g;

export interface TokenPaths {
  volume(name: string): string;
  secret(name: string, key: string): string;
  file(name: string): string;
}

/** Host paths under the stack's `.cryptokube/` (embedded and process targets). */
export function hostTokenPaths(component: Component, stackDir: string): TokenPaths {
  const layout = stateLayout(stackDir);
  return {
    volume: (name) => layout.volumeDir(component.name, name),
    secret: (name, key) => layout.secretFile(name, key),
    file: (name) => layout.componentFile(component.name, name),
  };
}

export function resolveTokens(
  text: string,
  component: Component,
  secrets: SecretDecl[],
  paths: TokenPaths,
): string {
  const pathsIn = (input: string): string =>
    input.replace(TOKEN, (_match, kind: string, ref: string) => {
      if (kind === "volume") {
        if (!component.volumes.some((volume) => volume.name === ref)) {
          throw tokenError(component, `{{volume:${ref}}}`, "the component declares no such volume");
        }
        return paths.volume(ref);
      }
      if (kind === "file") {
        if (componentFiles(component)[ref] === undefined) {
          throw tokenError(component, `{{file:${ref}}}`, "settings.files has no such file");
        }
        return paths.file(ref);
      }
      const [name = "", key = ""] = ref.split("/");
      if (!secrets.some((secret) => secret.name === name && secret.keys.includes(key))) {
        throw tokenError(component, `{{secret:${ref}}}`, "the plan declares no such secret key");
      }
      return paths.secret(name, key);
    });
  return pathsIn(text).replace(ENV_TOKEN, (match, name: string) => {
    const value = component.env[name];
    return typeof value === "string" ? pathsIn(value) : match;
  });
}

/** `settings.files` of a component: file name → content. */
export function componentFiles(component: Component): Record<string, string> {
  const files = component.settings.files;
  if (typeof files !== "object" || files === null) return {};
  return Object.fromEntries(
    Object.entries(files).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

/** `settings.fileMounts`: file name → the fixed path it must have inside a container. */
export function componentFileMounts(component: Component): Record<string, string> {
  const mounts = component.settings.fileMounts;
  if (typeof mounts !== "object" || mounts === null) return {};
  return Object.fromEntries(
    Object.entries(mounts).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

function tokenError(component: Component, token: string, why: string): CryptoKubeError {
  return new CryptoKubeError(`${component.name}: cannot resolve ${token}: ${why}`, {
    code: "PLAN_TOKEN_UNRESOLVED",
    hint: `this is a bug in the catalog package '${component.package}'; please report it`,
  });
}
