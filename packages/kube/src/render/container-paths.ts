/**
 * Where plan tokens land inside a container: `{{volume:n}}` at the volume's
 * mountPath, `{{secret:n/k}}` in a read-only Secret mount, `{{file:n}}` in the
 * component's ConfigMap mount (or the fixed path of settings.fileMounts).
 */
import { CryptoKubeError } from "@cryptokube/core";
import type { Component } from "@cryptokube/plan/types";

export const SECRETS_DIR = "/var/run/secrets/cryptokube";
export const FILES_DIR = "/etc/cryptokube/files";

export interface TokenUse {
  secrets: Set<string>;
  files: Set<string>;
}

export function newTokenUse(): TokenUse {
  return { secrets: new Set(), files: new Set() };
}

export function fileMounts(component: Component): Record<string, string> {
  const mounts = component.settings.fileMounts;
  if (mounts === null || typeof mounts !== "object") return {};
  return Object.fromEntries(
    Object.entries(mounts).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

export function componentFiles(component: Component): Record<string, string> {
  const files = component.settings.files;
  if (files === null || typeof files !== "object") return {};
  return Object.fromEntries(
    Object.entries(files).filter((e): e is [string, string] => typeof e[1] === "string"),
  );
}

export function filePath(component: Component, name: string): string {
  return fileMounts(component)[name] ?? `${FILES_DIR}/${name}`;
}

/** Replaces the plan's tokens in one string and records the secrets and files it needs. */
export function substituteTokens(component: Component, text: string, use: TokenUse): string {
  return text.replace(
    /\{\{(volume|secret|file):([^}]+)\}\}/g,
    (_match, kind: string, ref: string) => {
      if (kind === "volume") {
        const volume = component.volumes.find((v) => v.name === ref);
        if (volume === undefined) throw unknownToken(component, `volume '${ref}'`);
        return volume.mountPath;
      }
      if (kind === "secret") {
        const [secret, key] = ref.split("/");
        if (secret === undefined || key === undefined || secret === "" || key === "")
          throw unknownToken(component, `secret reference '${ref}' (expected <name>/<key>)`);
        use.secrets.add(secret);
        return `${SECRETS_DIR}/${secret}/${key}`;
      }
      if (componentFiles(component)[ref] === undefined)
        throw unknownToken(component, `file '${ref}'`);
      use.files.add(ref);
      return filePath(component, ref);
    },
  );
}

function unknownToken(component: Component, what: string): CryptoKubeError {
  return new CryptoKubeError(`component '${component.name}' refers to an undeclared ${what}`, {
    code: "RENDER_UNKNOWN_TOKEN",
    hint: "the catalog package that produced this component declares its volumes, secrets and files; report this as a catalog bug",
  });
}
