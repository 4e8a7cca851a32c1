/** The plan of an `init` template on the kubernetes target, as the render tests use it. */
import { createPlan } from "@cryptokube/plan";
import type { Plan } from "@cryptokube/plan/types";
import { parseStack, TEMPLATES } from "@cryptokube/spec";

export function templatePlan(name: string): Plan {
  const template = TEMPLATES[name];
  if (template === undefined) throw new Error(`no template ${name}`);
  const parsed = parseStack(template.text, "cryptokube.yaml");
  if (!parsed.ok) throw new Error(`template ${name} does not parse`);
  return createPlan(parsed.stack, { target: "kubernetes" });
}
