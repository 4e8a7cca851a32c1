/**
 * Secret material for a local stack: one file per key under
 * `.cryptokube/secrets/<name>/<key>` (mode 0600), generated on first use and kept
 * across restarts. Values are only ever passed to the processes that use them,
 * never logged.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { dirname } from "node:path";
import { CryptoKubeError } from "@cryptokube/core";
import type { SecretDecl } from "@cryptokube/plan/types";
import { stateLayout } from "./state-layout.ts";

/** Makes sure every key of every given secret has a file; generates what can be generated. */
export function ensureSecrets(stackDir: string, secrets: SecretDecl[]): void {
  const layout = stateLayout(stackDir);
  for (const secret of secrets) {
    if (secret.generate.kind === "tls") {
      ensureCertificate(stackDir, secret, secret.generate);
      continue;
    }
    for (const key of secret.keys) {
      const file = layout.secretFile(secret.name, key);
      if (existsSync(file)) continue;
      if (secret.generate.kind === "external") {
        throw new CryptoKubeError(`secret ${secret.name}/${key} is not set`, {
          code: "SECRET_MISSING",
          details: secret.generate.hint,
          hint: `write it to ${file} (mode 0600); it is used by ${secret.usedBy.join(", ") || "the stack"}`,
        });
      }
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, randomBytes(secret.generate.bytes).toString("hex"), { mode: 0o600 });
      // An existing umask cannot widen 0600, but a pre-existing directory's mode is re-asserted.
      chmodSync(file, 0o600);
    }
  }
}

/**
 * A self-signed certificate (keys "tls.crt" and "tls.key"), made with the openssl
 * program: Node's crypto can make keys but not X.509 certificates.
 */
function ensureCertificate(
  stackDir: string,
  secret: SecretDecl,
  spec: Extract<SecretDecl["generate"], { kind: "tls" }>,
): void {
  const layout = stateLayout(stackDir);
  const crt = layout.secretFile(secret.name, "tls.crt");
  const key = layout.secretFile(secret.name, "tls.key");
  if (existsSync(crt) && existsSync(key)) return;
  mkdirSync(dirname(crt), { recursive: true, mode: 0o700 });
  const names = spec.hosts.map((host) => (isIP(host) === 0 ? `DNS:${host}` : `IP:${host}`));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "825",
        "-subj",
        `/CN=${spec.commonName}`,
        "-keyout",
        key,
        "-out",
        crt,
        ...(names.length > 0 ? ["-addext", `subjectAltName=${names.join(",")}`] : []),
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
  } catch (error) {
    throw new CryptoKubeError(`cannot create the certificate ${secret.name} with openssl`, {
      code: "SECRET_GENERATION_FAILED",
      details: (error as Error).message,
      hint: `install openssl, or put a certificate and key at ${crt} and ${key}`,
    });
  }
  chmodSync(crt, 0o600);
  chmodSync(key, 0o600);
}

export function readSecret(stackDir: string, name: string, key: string): string {
  return readFileSync(stateLayout(stackDir).secretFile(name, key), "utf8").trim();
}
