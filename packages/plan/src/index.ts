/** @cryptokube/plan: stack + catalog → the target-neutral plan. */

export { conventionalEnv, envName } from "./conventional-env.ts";
export { type CreatePlanOptions, createPlan } from "./create-plan.ts";
export { defaultPortBase, fnv1a32, PORT_BLOCK_SIZE } from "./port-base.ts";
export * from "./types.ts";
