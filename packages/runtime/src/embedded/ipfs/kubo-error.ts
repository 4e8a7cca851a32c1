import { CryptoKubeError } from "@cryptokube/core";

/**
 * Kubo's command error codes (go-ipfs-cmds) and the HTTP status Kubo sends with each.
 * Kubo answers most failed commands with 500 and code 0; client mistakes are 400/1.
 */
export const KUBO_ERROR = {
  normal: { code: 0, status: 500 },
  client: { code: 1, status: 400 },
  notFound: { code: 3, status: 404 },
} as const;

export type KuboErrorKind = keyof typeof KUBO_ERROR;

/** An error the RPC API reports as Kubo does: `{Message, Code, Type: "error"}`. */
export class KuboApiError extends CryptoKubeError {
  override name = "KuboApiError";
  readonly kind: KuboErrorKind;
  /** HTTP status of the answer; Kubo's status for the kind unless overridden (e.g. 405). */
  readonly status: number;
  constructor(
    message: string,
    kind: KuboErrorKind = "normal",
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, { code: `IPFS_${kind.toUpperCase()}`, cause: options.cause });
    this.kind = kind;
    this.status = options.status ?? KUBO_ERROR[kind].status;
  }

  toJSON(): { Message: string; Code: number; Type: "error" } {
    return { Message: this.message, Code: KUBO_ERROR[this.kind].code, Type: "error" };
  }
}

/** Names of Helia/UnixFS errors that mean "the content is not in the local repo". */
const NOT_LOCAL = new Set([
  "BlockNotFoundWhileOfflineError",
  "NotFoundError",
  "DoesNotExistError",
  "LoadBlockFailedError",
]);

export function isNotLocalError(error: unknown): boolean {
  return error instanceof Error && NOT_LOCAL.has(error.name);
}
