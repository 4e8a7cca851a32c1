/**
 * Plan tokens that only a target can fill in: `{{volume:NAME}}` becomes the
 * component's volume directory, `{{secret:NAME/KEY}}` the secret's file path.
 */
import { CryptoKubeError } from "@cryptokube/core";
import type { Component, SecretDecl } from "@cryptokube/plan/types";
import { stateLayout } from "./state-layout.ts";

const TOKEN = /\{\{(volume|secret):([^}]*)\}\}/g;

export function resolveTokens(
  text: string,
  component: Component,
  secrets: SecretDecl[],
  stackDir: string,
): string {
  const layout = stateLayout(stackDir);
  return text.replace(TOKEN, (_match, kind: string, ref: string) => {
    if (kind === "volume") {
      if (!component.volumes.some((volume) => volume.name === ref)) {
        throw tokenError(component, `{{volume:${ref}}}`, "the component declares no such volume");
      }
      return layout.volumeDir(component.name, ref);
    }
    const [name = "", key = ""] = ref.split("/");
    if (!secrets.some((secret) => secret.name === name && secret.keys.includes(key))) {
      throw tokenError(component, `{{secret:${ref}}}`, "the plan declares no such secret key");
    }
    return layout.secretFile(name, key);
  });
}

function tokenError(component: Component, token: string, why: string): CryptoKubeError {
  return new CryptoKubeError(`${component.name}: cannot resolve ${token}: ${why}`, {
    code: "PLAN_TOKEN_UNRESOLVED",
    hint: `this is a bug in the catalog package '${component.package}'; please report it`,
  });
}
