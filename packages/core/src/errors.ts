/**
 * One error hierarchy for the whole project. Every error carries a short
 * message, optional details and a hint, a stable `code`, and whether retrying
 * the same operation may succeed (so a supervisor or a retry loop can decide).
 */
export interface CryptoKubeErrorOptions {
  code: string;
  retryable?: boolean;
  details?: string;
  hint?: string;
  cause?: unknown;
}

export class CryptoKubeError extends Error {
  override name = "CryptoKubeError";
  readonly code: string;
  readonly retryable: boolean;
  readonly details: string | undefined;
  readonly hint: string | undefined;

  constructor(message: string, options: CryptoKubeErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
    this.hint = options.hint;
  }
}

/** A position-carrying problem in the user's stack file (or anything derived from it). */
export interface Diagnostic {
  /** File the problem is in, as given by the user. */
  file: string;
  /** 1-based line and column. */
  line: number;
  col: number;
  /** Document path, e.g. `apps.web.depends_on[0]`. */
  path: string;
  /** What is wrong, in one sentence. */
  message: string;
  expected?: string;
  found?: string;
  /** A did-you-mean or an obvious fix. */
  suggestion?: string;
}

/** The stack file is invalid: carries every diagnostic, not only the first. Exit code 2. */
export class StackValidationError extends CryptoKubeError {
  override name = "StackValidationError";
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(`the stack file has ${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"}`, {
      code: "STACK_INVALID",
    });
    this.diagnostics = diagnostics;
  }
}

/**
 * A problem found while planning, located by document path only; the caller
 * maps it to a file position with the parsed document's source map.
 */
export interface PathProblem {
  path: string;
  message: string;
  expected?: string;
  found?: string;
  suggestion?: string;
}

export class PlanError extends CryptoKubeError {
  override name = "PlanError";
  readonly problems: PathProblem[];
  constructor(problems: PathProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join("\n"), { code: "PLAN_INVALID" });
    this.problems = problems;
  }
}
