/**
 * Secrets: the plan declares them, the target supplies the material. Render turns
 * only the material it is given into Secret objects (so a plain render never holds
 * any); generateSecretMaterial makes fresh material for every secret the stack
 * can generate itself (hex keys, self-signed TLS), never for external ones.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { CryptoKubeError } from "@cryptokube/core";
import type { Plan, SecretDecl } from "@cryptokube/plan/types";
import forge from "node-forge";
import { stackLabels } from "./labels.ts";
import type { RenderContext } from "./render-context.ts";
import type { KubeObject } from "./types.ts";

const TLS_DAYS = 825;

export function secretObjects(ctx: RenderContext): KubeObject[] {
  const material = ctx.options.secrets ?? {};
  return ctx.plan.secrets.flatMap((decl) => {
    const data = material[decl.name];
    if (data === undefined) return [];
    const missing = decl.keys.filter((key) => data[key] === undefined);
    if (missing.length > 0) {
      throw new CryptoKubeError(`secret '${decl.name}' lacks key ${missing.join(", ")}`, {
        code: "RENDER_SECRET_INCOMPLETE",
        hint: `give every key of ${decl.name} (${decl.keys.join(", ")}), or leave the secret out to keep the one in the cluster`,
      });
    }
    const stringData = Object.fromEntries(decl.keys.map((k) => [k, data[k] ?? ""]));
    return [
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: decl.name,
          namespace: ctx.namespace,
          labels: stackLabels(ctx.plan, "secret"),
          annotations: { "cryptokube.dev/used-by": decl.usedBy.join(",") },
        },
        type: decl.generate.kind === "tls" ? "kubernetes.io/tls" : "Opaque",
        stringData,
      },
    ];
  });
}

function selfSignedTls(decl: Extract<SecretDecl["generate"], { kind: "tls" }>) {
  // Native key generation (fast), forge only assembles and signs the certificate.
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = keys.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    keys.publicKey.export({ type: "spki", format: "pem" }).toString(),
  );
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`;
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + TLS_DAYS * 86_400_000);
  const subject = [{ name: "commonName", value: decl.commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    {
      name: "subjectAltName",
      altNames: [...new Set([decl.commonName, ...decl.hosts, "localhost"])].map((value) => ({
        type: 2,
        value,
      })),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { "tls.crt": forge.pki.certificateToPem(cert), "tls.key": keyPem };
}

/** Fresh material for every secret of the plan that is not external. */
export function generateSecretMaterial(plan: Plan): Record<string, Record<string, string>> {
  const material: Record<string, Record<string, string>> = {};
  for (const decl of plan.secrets) {
    const how = decl.generate;
    if (how.kind === "external") continue;
    if (how.kind === "tls") {
      material[decl.name] = selfSignedTls(how);
      continue;
    }
    material[decl.name] = Object.fromEntries(
      decl.keys.map((key) => [key, randomBytes(how.bytes).toString("hex")]),
    );
  }
  return material;
}
