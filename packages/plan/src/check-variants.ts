/**
 * Can each chosen variant run here? Errors name the package, the variant, the
 * target and what it supports, at the field that chose it, with the choice
 * that would work.
 */
import { autoVariantFor, type Catalog, type ComponentDraft } from "@cryptokube/catalog";
import type { PathProblem } from "@cryptokube/core";
import type { TargetName } from "./types.ts";

function roleWord(draft: ComponentDraft): string {
  const role = draft.variant.role;
  if (role === "client") return `${draft.package} client`;
  if (role === "consensus") return `${draft.package} consensus client`;
  return draft.package;
}

function fieldName(draft: ComponentDraft): string {
  return draft.variantSource.split(".").at(-1) ?? "client";
}

export function checkVariants(
  drafts: readonly ComponentDraft[],
  target: TargetName,
  catalog: Catalog,
): PathProblem[] {
  const problems: PathProblem[] = [];
  const seen = new Set<string>();
  for (const draft of drafts) {
    // Sibling drafts (lightning nodes) share a variant field: report it once.
    const key = `${draft.variantSource}\u0000${draft.variant.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const v = draft.variant;
    if (!v.targets.includes(target)) {
      const pkg = catalog.get(draft.package);
      const candidate = pkg === undefined ? undefined : autoVariantFor(pkg, v.role, target);
      // Only suggest a variant that can also join the draft's network.
      const alt =
        candidate?.networks === undefined || candidate.networks.includes(draft.network ?? "")
          ? candidate
          : undefined;
      const advice =
        alt !== undefined && alt.name !== v.name && (draft.variantRequested || v.role !== "client")
          ? ` Use ${fieldName(draft)}: ${alt.name}`
          : ` Use a target it supports${v.role === "consensus" ? ", or consensus: none" : ""}`;
      problems.push({
        path: draft.variantSource,
        message: `${roleWord(draft)} '${v.name}' cannot run on target '${target}'; it supports: ${v.targets.join(", ")}.${advice}`,
        expected: v.targets.join(" | "),
        found: target,
      });
      continue;
    }
    if (
      draft.network !== undefined &&
      v.networks !== undefined &&
      !v.networks.includes(draft.network)
    ) {
      const pkg = catalog.get(draft.package);
      const alt = pkg?.variants.find(
        (x) =>
          x.role === v.role &&
          x.targets.includes(target) &&
          (x.networks === undefined || x.networks.includes(draft.network ?? "")),
      );
      problems.push({
        path: draft.variantSource,
        message: `${roleWord(draft)} '${v.name}' cannot join network '${draft.network}'; it supports: ${v.networks.join(", ")}.${
          alt !== undefined
            ? ` Use ${fieldName(draft)}: ${alt.name}`
            : v.role === "consensus"
              ? " Use consensus: none"
              : " Use another target"
        }`,
        expected: v.networks.join(" | "),
        found: draft.network,
      });
    }
  }
  return problems;
}
