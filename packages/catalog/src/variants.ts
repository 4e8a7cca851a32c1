import { CryptoKubeError } from "@cryptokube/core";
import type { TargetName } from "@cryptokube/plan/types";
import type { CatalogPackage, VariantDecl } from "./types.ts";

export interface VariantChoice {
  variant: VariantDecl;
  requested: boolean;
}

/**
 * Pick the variant for a role. An explicit name is honoured even when it does not
 * support the target: the planner reports that with the field's document path.
 * `auto` takes the first variant of the package's auto list that runs on the target.
 */
export function selectVariant(
  pkg: CatalogPackage,
  role: string,
  requested: string | undefined,
  target: TargetName,
): VariantChoice {
  if (requested !== undefined && requested !== "auto") {
    const variant = pkg.variants.find((v) => v.role === role && v.name === requested);
    if (variant === undefined) {
      throw new CryptoKubeError(`${pkg.id} has no ${role} variant '${requested}'`, {
        code: "CATALOG_UNKNOWN_VARIANT",
        hint: `known ${role} variants: ${variantNames(pkg, role).join(", ")}`,
      });
    }
    return { variant, requested: true };
  }
  const order = pkg.auto[role] ?? [];
  const candidates = order
    .map((name) => pkg.variants.find((v) => v.role === role && v.name === name))
    .filter((v): v is VariantDecl => v !== undefined);
  const chosen = candidates.find((v) => v.targets.includes(target)) ?? candidates[0];
  if (chosen === undefined) {
    throw new CryptoKubeError(`${pkg.id} declares no automatic ${role} variant`, {
      code: "CATALOG_NO_AUTO_VARIANT",
    });
  }
  return { variant: chosen, requested: false };
}

/** The variant `auto` would choose on a target, if any runs there (for suggestions). */
export function autoVariantFor(
  pkg: CatalogPackage,
  role: string,
  target: TargetName,
): VariantDecl | undefined {
  for (const name of pkg.auto[role] ?? []) {
    const v = pkg.variants.find((x) => x.role === role && x.name === name);
    if (v?.targets.includes(target)) return v;
  }
  return pkg.variants.find((v) => v.role === role && v.targets.includes(target));
}

export function variantNames(pkg: CatalogPackage, role: string): string[] {
  return pkg.variants.filter((v) => v.role === role).map((v) => v.name);
}

/** Full image reference for a version (the pinned one unless the stack overrides it). */
export function imageRef(variant: VariantDecl, version: string = variant.version): string {
  if (variant.image === undefined) {
    throw new CryptoKubeError(`${variant.name} runs in-process and has no container image`, {
      code: "CATALOG_NO_IMAGE",
    });
  }
  const { repository, tagPrefix = "", tagSuffix = "" } = variant.image;
  const bare =
    tagPrefix !== "" && version.startsWith(tagPrefix) ? version.slice(tagPrefix.length) : version;
  const core =
    tagSuffix !== "" && bare.endsWith(tagSuffix) ? bare.slice(0, -tagSuffix.length) : bare;
  return `${repository}:${tagPrefix}${core}${tagSuffix}`;
}
