/** Reading the API server's errors: status code and its Status message, whatever the client wraps. */
import { CryptoKubeError } from "@cryptokube/core";
import { ApiException } from "@kubernetes/client-node";

export function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusCodeOf(error) === 404;
}

/** The server's own explanation (Status.message) when it sent one, else the error text. */
export function apiMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = error.body;
    const parsed = typeof body === "string" ? tryParse(body) : body;
    const message = (parsed as { message?: unknown } | undefined)?.message;
    if (typeof message === "string" && message !== "") return message;
    return `HTTP ${error.code}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Network-level failures (refused, reset, TLS) mean the cluster is unreachable, not that a call is wrong. */
export function unreachable(server: string, error: unknown): CryptoKubeError {
  return new CryptoKubeError(`cannot reach the Kubernetes API server at ${server}`, {
    code: "KUBE_UNREACHABLE",
    retryable: true,
    details: error instanceof Error ? error.message : String(error),
    hint: "check the context (--context) and that the cluster is running; for the test cluster run `bash scripts/kube-cluster/start.sh`",
    cause: error,
  });
}

export function isNetworkError(error: unknown): boolean {
  if (error instanceof ApiException) return false;
  const text = `${(error as { code?: unknown })?.code ?? ""} ${error instanceof Error ? error.message : ""} ${
    error instanceof Error && error.cause instanceof Error ? error.cause.message : ""
  }`;
  return /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|fetch failed|socket hang up|certificate/i.test(
    text,
  );
}
