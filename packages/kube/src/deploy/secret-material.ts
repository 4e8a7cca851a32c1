/**
 * Secret material for a deploy. Of a Secret that already exists in the cluster only
 * the key names are looked at: it is never overwritten nor printed, and is left out of
 * the apply. A missing one is generated (hex, tls) or, when the user must
 * provide it (external), reported with the declaration's hint.
 */
import { CryptoKubeError } from "@cryptokube/core";
import type { Plan, SecretDecl } from "@cryptokube/plan/types";
import { generateSecretMaterial } from "../render/secrets.ts";
import { apiMessage, isNotFound } from "./api-errors.ts";
import type { KubeClient } from "./kube-client.ts";

export interface SecretMaterialResult {
  /** Material to render Secret objects from: only for secrets that do not exist yet. */
  material: Record<string, Record<string, string>>;
  generated: string[];
  /** Secrets already in the cluster, kept as they are. */
  existing: string[];
  /** Existing secrets missing keys the plan now needs (left alone; reported). */
  incomplete: { name: string; missingKeys: string[] }[];
}

export async function resolveSecretMaterial(
  client: KubeClient,
  plan: Plan,
  namespace: string,
): Promise<SecretMaterialResult> {
  const result: SecretMaterialResult = {
    material: {},
    generated: [],
    existing: [],
    incomplete: [],
  };
  const missingExternal: SecretDecl[] = [];
  const toGenerate: SecretDecl[] = [];
  for (const decl of plan.secrets) {
    const keys = await existingKeys(client, decl.name, namespace);
    if (keys !== undefined) {
      result.existing.push(decl.name);
      const missingKeys = decl.keys.filter((key) => !keys.includes(key));
      if (missingKeys.length > 0) result.incomplete.push({ name: decl.name, missingKeys });
      continue;
    }
    if (decl.generate.kind === "external") {
      missingExternal.push(decl);
      continue;
    }
    toGenerate.push(decl);
  }
  if (missingExternal.length > 0) {
    throw new CryptoKubeError(
      `secret${missingExternal.length === 1 ? "" : "s"} ${missingExternal.map((decl) => `'${decl.name}'`).join(", ")} must be provided in namespace ${namespace} before deploying`,
      {
        code: "SECRET_EXTERNAL_MISSING",
        details: missingExternal
          .map(
            (decl) =>
              `${decl.name} (keys: ${decl.keys.join(", ")}; used by ${decl.usedBy.join(", ")})`,
          )
          .join("\n"),
        hint: missingExternal
          .map((decl) => (decl.generate.kind === "external" ? decl.generate.hint : ""))
          .join("; "),
      },
    );
  }
  result.material = generateSecretMaterial({ ...plan, secrets: toGenerate });
  result.generated = Object.keys(result.material);
  return result;
}

/** Key names of an existing Secret, or undefined when there is none. */
async function existingKeys(
  client: KubeClient,
  name: string,
  namespace: string,
): Promise<string[] | undefined> {
  try {
    const secret = await client.core.readNamespacedSecret({ name, namespace });
    return Object.keys({ ...secret.data, ...secret.stringData });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new CryptoKubeError(`cannot read Secret ${namespace}/${name}`, {
      code: "KUBE_SECRET_READ",
      details: apiMessage(error),
      hint: "the deploying identity needs get on secrets in the stack's namespace",
      cause: error,
    });
  }
}
